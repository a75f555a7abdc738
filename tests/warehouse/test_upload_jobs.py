"""The upload queue: one job loads at a time on the machine, the queue is a private file shared
by processes, and a job left loading by a dead process is failed."""

from __future__ import annotations

import multiprocessing
import os
import stat

from warehouse.upload_jobs import DONE, FAILED, LOADING, QUEUED, RESTARTED, JobStore


def queued(store: JobStore, name: str) -> int:
    path = store.new_upload_path(name)
    path.write_text("codigo;valor\n")
    return store.add("admin", {"role": "admin"}, name, path)


def test_jobs_load_one_at_a_time_in_order(tmp_path):
    store = JobStore(tmp_path / "tablero.duckdb")
    first, second = queued(store, "a.csv"), queued(store, "b.csv")
    assert stat.S_IMODE(os.stat(store.folder).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600
    claimed = store.claim()
    assert claimed is not None and claimed.id == first and claimed.state == LOADING
    assert store.claim() is None  # the first one loads in a live process: the second waits
    assert store.get(second).state == QUEUED and store.ahead_of(second) == 1
    store.set_phase(first, "leyendo")
    assert store.get(first).phase == "leyendo"
    store.finish(first, {"status": "loaded"}, 7)
    done = store.get(first)
    assert (done.state, done.result, done.ingestion_id) == (DONE, {"status": "loaded"}, 7)
    assert store.claim().id == second
    assert store.latest_for("admin").id == second and store.latest_for("otra") is None


def _claim_and_die(db_path) -> None:
    JobStore(db_path).claim()
    os._exit(0)  # a worker killed mid-load: no cleanup of any kind


def test_a_job_left_loading_by_a_dead_process_is_failed_and_its_file_removed(tmp_path):
    db_path = tmp_path / "tablero.duckdb"
    store = JobStore(db_path)
    job_id = queued(store, "a.csv")
    upload = store.get(job_id).path
    child = multiprocessing.get_context("fork").Process(target=_claim_and_die, args=(db_path,))
    child.start()
    child.join(60)
    assert child.exitcode == 0
    job = store.get(job_id)
    assert (job.state, job.message) == (FAILED, RESTARTED)
    assert job.pid == child.pid
    assert not os.path.exists(upload)
    nxt = queued(store, "b.csv")
    assert store.claim().id == nxt  # the queue goes on
