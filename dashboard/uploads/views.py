"""The upload parts of /datos: the drop zone, the job's progress and the load's summary.

The browser sends the file itself (assets/cargas.js: FormData to `POST /datos/cargas` with the
session's CSRF header) and hands the job's number to `JOB`; from then on `POLL` asks the queue
once a second until the job is done. Only the account that uploaded sees its jobs.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.server import database
from dashboard.ui import components
from dashboard.ui.formatting import format_int
from dashboard.uploads.routes import UPLOAD_PATH, current_uploads, limit_text
from loaders.account_loads import upload_kinds
from loaders.contracts import KINDS
from warehouse.scope import MINISTERIO, REGION, Scope
from warehouse.upload_jobs import DONE, FAILED, QUEUED, Job

PANEL = "carga-panel"
ZONE = "carga-zona"
INPUT = "carga-archivo"
SENDING = "carga-envio"
ERROR = "carga-error"
JOB = "carga-trabajo"
POLL = "carga-intervalo"
STATE = "carga-estado"
PROGRESS = "carga-progreso"
SUMMARY = "carga-resumen"
QUARANTINE = "carga-cuarentena"
DOWNLOAD = "carga-descargar"
ACCEPTED = ".csv,.txt,.xlsx,.parquet"

# The loader's phases (loaders.ingest's progress) → how far the bar goes.
PHASES = {
    "iniciando": 5,
    "leyendo": 20,
    "validando": 40,
    "esperando turno para escribir": 55,
    "validando de nuevo": 60,
    "revisando": 70,
    "guardando": 85,
    "publicando": 95,
}
STATUS = {
    "loaded": ("Cargado", "success"),
    "partial": ("Cargado con filas en cuarentena", "warning"),
    "already_loaded": ("Ya estaba cargado", "info"),
    "rejected": ("Archivo rechazado: no se cambió nada", "danger"),
    "error": ("Error: no se cambió nada", "danger"),
}
SCOPE_NOTES = {
    MINISTERIO: "Solo filas de metas y servicios de su ministerio: un archivo con una fila "
    "de otro ministerio se rechaza completo.",
    REGION: "Solo compromisos de su región y sus seguimientos: un archivo con una fila de otra "
    "región se rechaza completo.",
}


def panel(scope: Scope) -> html.Div | None:
    """The drop zone for a role that may upload (None for the others)."""
    kinds = upload_kinds(scope)
    if not kinds:
        return None
    max_bytes = current_uploads().max_bytes
    limit = limit_text(max_bytes)
    allowed = ", ".join(f"{KINDS[k].label} ({k})" for k in kinds)
    zone = html.Div(
        [
            html.I(className="bi bi-cloud-arrow-up fs-2 d-block mb-2", **{"aria-hidden": "true"}),
            html.Label(
                "Arrastre aquí un archivo CSV, Excel (.xlsx) o Parquet, o elíjalo:",
                htmlFor=INPUT,
                className="form-label d-block",
            ),
            # Dash has no file input: assets/cargas.js puts <input type="file" id=INPUT> here.
            html.Div(className="carga-entrada mx-auto"),
            html.Div(f"Máximo {limit} por archivo.", className="small text-muted mt-2"),
        ],
        id=ZONE,
        className="carga-zona border border-2 rounded p-4 text-center mb-2",
        **{
            "data-url": UPLOAD_PATH,
            "data-limit": str(max_bytes),
            "data-limit-text": limit,
            "data-accept": ACCEPTED,
            "data-input": INPUT,
        },
    )
    notes = [html.P(f"Puede enviar: {allowed}.", className="mb-1")]
    if scope.role in SCOPE_NOTES:
        notes.append(html.P(SCOPE_NOTES[scope.role], className="mb-1"))
    notes.append(
        html.P(
            "La carga corre en segundo plano: si hay otra en curso, la suya espera en cola. "
            "Las filas con problemas quedan en cuarentena y se descargan para corregirlas y "
            "volver a enviarlas.",
            className="small text-muted",
        )
    )
    return html.Div(
        [
            html.H2("Subir un archivo", className="h4"),
            *notes,
            zone,
            html.Div(id=SENDING, className="small text-muted", **{"aria-live": "polite"}),
            html.Div(id=ERROR, className="text-danger fw-semibold", role="alert"),
            dcc.Store(id=JOB),
            dcc.Interval(id=POLL, interval=1000, disabled=False),
            html.Div(id=STATE, **{"aria-live": "polite"}),
        ],
        id=PANEL,
        className="mb-4",
    )


def show_job(_ticks: int | None, sent: object) -> tuple[object, bool]:
    """The viewer's job: the one just sent, or else its latest; polled until it is done
    (the page's callback: Output STATE.children and POLL.disabled, Input POLL.n_intervals and
    JOB.data)."""
    scope = database.viewer()
    if not upload_kinds(scope) or not scope.user:
        return None, True
    uploads = current_uploads()
    job_id = sent.get("trabajo") if isinstance(sent, dict) else None
    if isinstance(job_id, int) and not isinstance(job_id, bool):
        job = uploads.store.get(job_id)
    else:
        job = uploads.store.latest_for(scope.user)
    if job is None or job.user != scope.user:
        return None, True
    if not job.is_finished:
        uploads.runner.kick()  # the process that queued it may be gone: this one takes over
    ahead = uploads.store.ahead_of(job.id) if job.state == QUEUED else 0
    return job_view(job, ahead), job.is_finished


def job_view(job: Job, ahead: int = 0) -> html.Div:
    title = html.H3(["Archivo ", html.Code(job.file_name)], className="h5 mt-3")
    if job.state == FAILED:
        alert = dbc.Alert(job.message or "La carga falló; no se cambió nada.", color="danger")
        return html.Div([title, alert])
    if job.state != DONE or job.result is None:
        return html.Div([title, progress(job, ahead)])
    return html.Div([title, *summary(job)])


def progress(job: Job, ahead: int) -> dbc.Progress:
    if job.state == QUEUED:
        label = "En cola" + (f" ({ahead} antes)" if ahead else "")
        value = 3
    else:
        phase = job.phase or "iniciando"
        label, value = phase.capitalize() + "…", PHASES.get(phase, 50)
    return dbc.Progress(
        value=value,
        label=label,
        striped=True,
        animated=True,
        id=PROGRESS,
        style={"height": "1.6rem"},
    )


def summary(job: Job) -> list[object]:
    """The loader's answer: outcome, counts, the quarantined rows and their CSV."""
    result = job.result or {}
    status = str(result.get("status", "error"))
    label, color = STATUS.get(status, (status, "secondary"))
    parts: list[object] = [
        dbc.Progress(value=100, color=color, label=label, id=PROGRESS, style={"height": "1.6rem"})
    ]
    if result.get("message"):
        parts.append(dbc.Alert(str(result["message"]), color=color, class_name="mt-2"))
    if status not in ("loaded", "partial"):
        return parts
    counts = [
        ("Filas leídas", "rows_read"),
        ("Nuevas", "rows_new"),
        ("Reemplazadas", "rows_replaced"),
        ("Sin cambio", "rows_unchanged"),
        ("En cuarentena", "rows_quarantined"),
    ]
    parts.append(_counts(counts, result))
    ignored = result.get("ignored_columns") or []
    if ignored:
        parts.append(
            html.P("Columnas ignoradas (no son del contrato): " + ", ".join(map(str, ignored)))
        )
    if _int(result.get("rows_quarantined")):
        parts.extend(quarantine(job, result))
    return parts


def _counts(counts: list[tuple[str, str]], result: dict[str, object]) -> html.Div:
    headers = [label for label, _ in counts]
    cells = [html.Td(format_int(_int(result.get(k))), className="text-end") for _, k in counts]
    return components.table(headers, [html.Tr(cells)], SUMMARY, set(headers))


def _int(value: object) -> int:
    return int(value) if isinstance(value, int | float | str) and str(value).strip() else 0


def quarantine(job: Job, result: dict[str, object]) -> list[object]:
    found = result.get("errors")
    errors = found if isinstance(found, list) else []
    rows = [
        html.Tr(
            [
                html.Td(format_int(_int(e.get("line"))), className="text-end"),
                html.Td(e.get("column") or "fila"),
                html.Td(html.Code(str(e.get("value") or ""))),
                html.Td(str(e.get("reason") or "")),
            ]
        )
        for e in errors
        if isinstance(e, dict)
    ]
    parts: list[object] = [
        html.H4("Filas en cuarentena", className="h6 mt-3"),
        components.table(["Línea", "Columna", "Valor", "Motivo"], rows, QUARANTINE, {"Línea"}),
    ]
    total = _int(result.get("rows_quarantined"))
    if len(rows) < total:
        parts.append(html.P(f"Se muestran los primeros {len(rows)} problemas.", className="small"))
    if job.ingestion_id is not None:
        parts.append(
            html.A(
                [html.I(className="bi bi-download me-2"), "Descargar filas para corregir (CSV)"],
                href=f"{UPLOAD_PATH}/cuarentena/{job.ingestion_id}.csv",
                id=DOWNLOAD,
                className="btn btn-outline-primary",
            )
        )
    return parts
