# MET Hub — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
HOST ?= localhost
PORT ?= 8000

# Tests run with debug-mode defaults (no SSL redirect, no secure-only cookies, a throwaway secret
# key); the production settings have their own tests, which start Django with production variables.
TEST_ENV := DJANGO_DEBUG=1 MET_REQUIRE_2FA=

.PHONY: run test lint format bench bench-reports install clean worker beat migrate

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "MET Hub needs Python 3.11; found " + sys.version.split()[0])'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || { echo "Could not create a virtual environment. On Debian: apt-get install python3-venv"; rm -rf $(VENV); exit 1; }
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

run: $(STAMP)
	@mkdir -p var
	DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(PY) manage.py seed_demo --if-empty
	DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(PY) manage.py run_due_jobs
	@echo ""
	@echo "MET Hub is starting on http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
	DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(PY) manage.py runserver $(HOST):$(PORT)

test: $(STAMP)
	$(TEST_ENV) $(PY) -m pytest -n 2 $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

worker: $(STAMP)
	$(VENV)/bin/celery -A met worker --loglevel=INFO

beat: $(STAMP)
	$(VENV)/bin/celery -A met beat --loglevel=INFO --schedule=var/celerybeat-schedule

clean:
	rm -rf $(VENV) var/staticfiles .pytest_cache

# Benchmark: the monthly report over 100,000 synthetic children in PostgreSQL (a database of its own).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/met_bench
bench-reports: $(STAMP)
	@psql "$(BENCH_DATABASE_URL:/met_bench=/postgres)" -qc "CREATE DATABASE met_bench" 2>/dev/null || true
	DJANGO_DEBUG=1 DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py migrate --noinput -v0
	DJANGO_DEBUG=1 DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench_reports --children $${CHILDREN:-100000}

bench: bench-reports
