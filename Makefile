# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Every install is from the locks (docs/operations.md, "Dependencies and the lock"):
# requirements.lock pins the runtime, requirements-test.lock the same plus the test tools.
LOCK := requirements.lock
TEST_LOCK := requirements-test.lock
PIP := $(BIN)/python -m pip --disable-pip-version-check
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 \
	--generate-hashes --quiet $(if $(UPGRADE),--upgrade,)

.PHONY: run test lint format install lock messages bench bench-reports clean

$(STAMP): $(LOCK) $(TEST_LOCK) pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet --require-hashes -r $(TEST_LOCK)
	$(PIP) install --quiet --no-deps -e .
	@touch $(STAMP)

install: $(STAMP)

# Pin what pyproject.toml asks for (keeping the current pins where they still fit; UPGRADE=1
# moves every pin to the newest allowed), for every supported Python, with hashes.
lock:
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(BIN)/uv || $(PIP) install --quiet 'uv>=0.5,<1'
	$(UV_COMPILE) -o $(LOCK)
	$(UV_COMPILE) --extra test --constraint $(LOCK) -o $(TEST_LOCK)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint
	$(BIN)/python -m pytest

# DEMO_ROOMS=N: rooms per demo team (e.g. make run DEMO_ROOMS=100000). The demo runs in
# DEBUG (off by default: docs/security.md), with the development keys and demo logins.
run: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py demo $(if $(DEMO_ROOMS),--rooms $(DEMO_ROOMS),)

# Benchmarks (docs/benchmarks.md): needs PostgreSQL (127.0.0.1:5432, or DATABASE_URL's
# host); several minutes. The load generator is Debian's wrk, installed here when
# possible; without it the pages are loaded by a Python generator instead.
bench: $(STAMP)
	@command -v wrk >/dev/null 2>&1 || [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1 || \
		{ echo "installing Debian's wrk"; export DEBIAN_FRONTEND=noninteractive; \
		  apt-get install -y -qq wrk >/dev/null 2>&1 || \
		  { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; } || \
		  echo "could not install wrk: the Python load generator will be used"; }
	$(BIN)/python -m bench

# Reports at scale (docs/benchmarks.md, "Reports"): SESSIONS=N participant sessions over
# 366 days in a database of its own (dailyadmin_bench_reports, kept and reused per N).
bench-reports: $(STAMP)
	$(BIN)/python -m bench.reports --sessions $(or $(SESSIONS),1000000)

# Translations (docs/operations.md, "Languages"): every marked string into each app's
# locale/<lang>/LC_MESSAGES/django.po (and locale/ for templates/, dailyadmin/, static/js),
# then every catalog compiled to the .mo committed beside it. Needs GNU gettext.
messages: $(STAMP)
	DEBUG=1 $(BIN)/python -m dailyadmin.messages

clean:
	rm -rf var .pytest_cache
