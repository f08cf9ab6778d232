# MET Hub — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# One stamp per requirements set, named after its checksum: `make run` installs only what the app
# runs with; `make test`, `make lint` and `make bench` add the test tools on top, once.
RUN_STAMP := $(VENV)/.installed-run-$(shell cat requirements.txt | cksum | cut -d' ' -f1)
DEV_STAMP := $(VENV)/.installed-dev-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
HOST ?= localhost
PORT ?= 8000

# Tests run with debug-mode defaults (no SSL redirect, no secure-only cookies, a throwaway secret
# key); the production settings have their own tests, which start Django with production variables.
TEST_ENV := DJANGO_DEBUG=1 MET_REQUIRE_2FA=
# What the app's own processes see: HOST and PORT also make the links in e-mails (MET_BASE_URL's
# debug default), so a demo on another port sends links that work.
APP_ENV := HOST=$(HOST) PORT=$(PORT)
# The demo: debug unless told otherwise, and no reminder to use a production server on every start.
RUN_ENV := $(APP_ENV) DJANGO_DEBUG=$${DJANGO_DEBUG-1} DJANGO_RUNSERVER_HIDE_WARNING=true
# Setting up the demo logs only errors (unless LOG_LEVEL says otherwise): in-process Celery logs each of
# the hundred e-mail tasks at INFO, and kombu warns that the in-memory broker has no host name.
SETUP_ENV := $(RUN_ENV) LOG_LEVEL=$${LOG_LEVEL-ERROR}

# Shared by both stamps: the Python check and the virtual environment, then the install itself.
define make_venv
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "MET Hub needs Python 3.11; found " + sys.version.split()[0])'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || { echo "Could not create a virtual environment. On Debian: apt-get install python3-venv"; rm -rf $(VENV); exit 1; }
endef

.PHONY: run test lint format bench bench-deps bench-reports install clean worker beat migrate

$(RUN_STAMP): requirements.txt
	$(make_venv)
	@echo "Installing MET Hub's dependencies (first run only, about a minute)…"
	@$(PY) -m pip install --disable-pip-version-check -r requirements.txt
	@rm -f $(VENV)/.installed-run-* $(VENV)/.installed-[0-9]*
	@touch $@

# requirements-dev.txt includes requirements.txt, so the dev set also satisfies `make run`.
$(DEV_STAMP): requirements.txt requirements-dev.txt
	$(make_venv)
	@echo "Installing MET Hub's dependencies and test tools (first run only, a minute or two)…"
	@$(PY) -m pip install --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-run-* $(VENV)/.installed-dev-* $(VENV)/.installed-[0-9]*
	@touch $@ $(RUN_STAMP)

install: $(DEV_STAMP)

# One line per step, and the demo logins last, just above the server's own banner. The sweeps'
# counts go to a log; their e-mails are files in var/mail/ (met/settings.py).
run: $(RUN_STAMP)
	@mkdir -p var
	@echo "Preparing the database (var/met.sqlite3 unless DATABASE_URL is set)…"
	@$(SETUP_ENV) $(PY) manage.py migrate --noinput -v0
	@$(SETUP_ENV) $(PY) manage.py seed_demo --if-empty --quiet-logins
	@$(SETUP_ENV) $(PY) manage.py run_due_jobs > var/run_due_jobs.log
	@echo "Ran the scheduled reminders and escalations once (var/run_due_jobs.log); e-mails are files in var/mail/."
	@$(RUN_ENV) $(PY) manage.py demo_logins
	@echo ""
	@$(RUN_ENV) $(PY) manage.py runserver --skip-checks $(HOST):$(PORT)

# The browser tests (tests/browser/: axe-core on every page, keyboard journeys, reflow at 320px) drive
# Debian's Chromium. Without it they fail and say how to install it; MET_SKIP_BROWSER=1 skips them on purpose.
test: $(DEV_STAMP)
	@test -n "$$MET_SKIP_BROWSER" || test -x /usr/lib/chromium/chromium || test -x /usr/bin/chromium || test -n "$$MET_CHROMIUM" \
		|| echo "Chromium is missing, so the browser tests will fail: apt-get install chromium (or MET_SKIP_BROWSER=1 make test to skip them)"
	$(TEST_ENV) $(PY) -m pytest -n 2 $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

format: $(DEV_STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

worker: $(RUN_STAMP)
	$(APP_ENV) $(VENV)/bin/celery -A met worker --loglevel=INFO

beat: $(RUN_STAMP)
	$(APP_ENV) $(VENV)/bin/celery -A met beat --loglevel=INFO --schedule=var/celerybeat-schedule

clean:
	rm -rf $(VENV) var/staticfiles .pytest_cache

# Benchmark (issue 14; README "Benchmark"): a synthetic region of CHILDREN children in PostgreSQL, kept
# as a template database per size (filled once; FILL=1 fills it again), a fresh copy per run, gunicorn
# with production settings less TLS, wrk against every key page and an empty view, then the monthly
# report and the sweeps in-process. Results in var/bench/latest.md. CHILDREN=2000 for a quick run.
CHILDREN ?= 100000
BENCH_SECONDS ?= 10
BENCH_CONNECTIONS ?= 16
BENCH_PORT ?= 8765
BENCH_PG ?= postgres://postgres@127.0.0.1:5432
BENCH_DB ?= met_bench
BENCH_ARGS = --children $(CHILDREN) --server $(BENCH_PG) --database $(BENCH_DB) --port $(BENCH_PORT) \
	--seconds $(BENCH_SECONDS) --connections $(BENCH_CONNECTIONS) $(if $(FILL),--refill) $(if $(KEEP_GOING),--keep-going)
# wrk, and the HarfBuzz subsetter WeasyPrint uses in production (the Dockerfile's list), from Debian.
BENCH_DEBS := wrk libharfbuzz-subset0

bench-deps:
	@missing=""; for p in $(BENCH_DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing from Debian's packages:$$missing"; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO="sudo -n"; \
		$$SUDO apt-get install -y -q $$missing >/dev/null 2>&1 \
		|| { $$SUDO apt-get update -q >/dev/null 2>&1 && $$SUDO apt-get install -y -q $$missing >/dev/null 2>&1; } \
		|| { echo "make bench needs$$missing: could not install it. As root: apt-get install$$missing"; exit 1; }; \
	fi

bench: $(DEV_STAMP) bench-deps
	$(PY) -m bench.run $(BENCH_ARGS)

# Only the monthly report (aggregation and PDF, in-process) over the same synthetic region.
bench-reports: $(DEV_STAMP)
	$(PY) -m bench.run $(BENCH_ARGS) --only report
