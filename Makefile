# Roundtable: two commands for a new user.
#   make run   a DEMO: set up, migrate, load demo data on first run, serve with the task worker
#              (production is scripts/serve, which refuses demo settings: docs/operations.md)
#   make test  set up, lint, type-check, and run every test (browser tests included)

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup lint typecheck checks pytest e2e bench clean

$(STAMP): requirements/base.txt requirements/dev.txt pyproject.toml
	@PYTHON=$$(scripts/find-python) || exit 1; \
	if [ ! -x $(PY) ]; then echo "Creating $(VENV) with $$PYTHON"; "$$PYTHON" -m venv $(VENV); fi
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	@touch $(STAMP)

setup: $(STAMP)

run: setup
	HOST=$(HOST) PORT=$(PORT) scripts/run

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: setup
	ROUNDTABLE_TESTING=true $(VENV)/bin/mypy

checks: setup
	scripts/checks

pytest: setup
	$(VENV)/bin/pytest -m "not e2e" -n auto --dist loadfile

e2e: setup
	scripts/ensure-chromium
	scripts/ensure-checkers
	scripts/ensure-nginx
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(VENV)/bin/pytest tests/e2e -m e2e -p no:asyncio

test: lint typecheck checks pytest e2e

bench: setup
	-scripts/ensure-wrk  # optional: without wrk, bench/throughput.py uses its Python client
	$(PY) bench/discovery.py
	$(PY) bench/throughput.py

clean:
	rm -rf $(VENV) var/staticfiles
