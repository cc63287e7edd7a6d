# Aligned: `make demo` serves the demo, `make test` runs the whole suite, `make test-stack` runs it
# on PostgreSQL, Redis and a real Celery worker. Everything installs into .venv from uv.lock.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
# The embedded default: no database, broker or cache server.
EMBEDDED := env -u DATABASE_URL -u REDIS_URL -u REDIS_CACHE_URL -u DEBUG
# Test processes run side by side (pytest-xdist), one a core; PYTEST_WORKERS=0 runs the suite in one.
PYTEST_WORKERS ?= 2

.PHONY: help install demo serve test test-stack lint format check-deploy clean

help:
	@echo "make demo        install, migrate, load the demo and serve it on http://127.0.0.1:8000"
	@echo "make test        the whole suite (browser tests included) on SQLite, tasks in-process"
	@echo "make test-stack  the whole suite on PostgreSQL, Redis and a real Celery worker"
	@echo "make lint        ruff check, ruff format --check, migrations up to date"

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml uv.lock
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Missing: $(PYTHON) (install Python 3.11, e.g. apt-get install python3.11 python3.11-venv)." >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { echo "Missing: the venv module (apt-get install python3.11-venv)." >&2; exit 1; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	UV_PROJECT_ENVIRONMENT=$(VENV) UV_PYTHON_DOWNLOADS=never $(BIN)/uv sync --frozen --python $(BIN)/python
	@touch $@

demo: install
	$(EMBEDDED) $(BIN)/python manage.py migrate --noinput
	$(EMBEDDED) $(BIN)/python manage.py load_demo
	$(EMBEDDED) $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	@scripts/ensure-chromium.sh
	@$(BIN)/python scripts/preflight.py chromium
	$(EMBEDDED) $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile

test-stack: install
	@scripts/ensure-chromium.sh
	PYTEST_WORKERS=$(PYTEST_WORKERS) scripts/test-stack.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(EMBEDDED) $(BIN)/python manage.py makemigrations --check --dry-run

check-deploy: install
	DEBUG=0 SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
	ALLOWED_HOSTS=plans.example.org REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) .stack var db.sqlite3 .pytest_cache .ruff_cache
