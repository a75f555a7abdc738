# The two commands of the README: `make run` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run serve test lint check demo geometry benchmark clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	$(PY) -m pip check
	touch $(STAMP)

run: $(STAMP)  ## the dashboard on http://127.0.0.1:8050 (builds the demo database the first time)
	$(PY) app.py

serve: $(STAMP)  ## production: gunicorn workers on read-only snapshots (dashboard/server/gunicorn_conf.py)
	$(PY) -m gunicorn -c dashboard/server/gunicorn_conf.py

test: $(STAMP) lint  ## lint, layer contracts and the whole test suite (browser tests included)
	$(PY) -m pytest -q; status=$$?; \
	if [ $$status -eq 5 ]; then echo "ERROR: pytest no encontró pruebas" >&2; fi; exit $$status

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports

demo: $(STAMP)
	$(PY) -m loaders demo

geometry: $(STAMP)
	$(PY) -m loaders geometry

clean:
	rm -rf data/tablero.duckdb data/tablero.duckdb.wal data/tablero.duckdb.demo assets/geo
