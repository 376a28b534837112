# peercircle: `make run` runs the bot, `make test` runs the whole suite.
# Both create or update the local virtual environment .venv first: `make run` installs only
# what the bot needs, `make test` adds the test tools.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
# Quiet, so that what peercircle itself prints (the how-to when there is no token) is the
# last thing on the screen; errors still show.
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check
# `peercircle run` exits with this when no token is configured, after printing the how-to.
NO_TOKEN_EXIT := 3

.PHONY: run sandbox test test-pg test-fast test-tools lint bench venv clean translations

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	@echo "Setting up $(VENV) with what peercircle needs (a minute or two the first time)..."
	@$(PIP) -e .
	@touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	@echo "Setting up $(VENV) with peercircle and its test tools..."
	@$(PIP) -e '.[dev]'
	@touch $@ $(RUN_STAMP)

venv: $(DEV_STAMP)

# Without a token, peercircle prints how to get one and offers the sandbox; make stops
# there without an error line of its own, so the how-to stays the last lines on screen.
run: $(RUN_STAMP)
	@$(BIN)/peercircle run $(if $(CONFIG),--config $(CONFIG),) || test $$? -eq $(NO_TOKEN_EXIT)

# Try it without Telegram: the emulator, the bot and a chat page on http://127.0.0.1:8080.
sandbox: $(RUN_STAMP)
	$(BIN)/peercircle sandbox $(if $(DB),--db $(DB),)

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict bot handlers storage bench

# The fault tests step the wall clock with libfaketime (Debian's faketime package): installed
# here when running as root and missing; without it those tests are skipped with a reason.
FAKETIME_LIB := /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
test-tools:
	@test -e $(FAKETIME_LIB) || [ "$$(id -u)" != 0 ] || \
		apt-get install -y -qq --no-install-recommends faketime >/dev/null 2>&1 || true
	@command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
		[ "$$(id -u)" != 0 ] || \
		apt-get install -y -qq --no-install-recommends postgresql >/dev/null 2>&1 || true

# Three worker processes: most tests wait on sockets, timers, subprocesses and PostgreSQL
# rather than the CPU, so three share two cores well (both engines in about 9 minutes).
PYTEST_WORKERS ?= 3

# The whole suite on both storage engines in one run (`--engine both`): every test that
# reaches a database runs once on SQLite and once on a throwaway PostgreSQL cluster
# (tests/pg.py: initdb and pg_ctl in a temporary folder, on a loopback port); the rest once.
# Without PostgreSQL's server binaries those copies skip, saying so, except under CI=true,
# where a missing server stops the run, so it never reads as green.
PG_INITDB = $(firstword $(shell command -v initdb 2>/dev/null) $(wildcard /usr/lib/postgresql/*/bin/initdb))

test: lint test-tools
	@test "$(CI)" != true || test -n "$(PG_INITDB)" || \
		{ echo "test: PostgreSQL's initdb is missing (Debian: apt-get install postgresql)" >&2; exit 1; }
	$(BIN)/pytest -n $(PYTEST_WORKERS) --engine both

# The suite on PostgreSQL alone (issue 19): tests/pg.py starts a throwaway cluster as the
# postgres user and gives each test a copy of a migrated database; tests that never reach a
# database are left to `make test`, and those about the SQLite file are skipped with the
# reason. Installs nothing: without PostgreSQL's server binaries it says so and stops (an
# error under CI=true).

test-pg: lint
ifeq ($(PG_INITDB),)
	@echo "test-pg: SKIPPED, PostgreSQL's initdb is neither on the PATH nor in /usr/lib/postgresql/*/bin (Debian: apt-get install postgresql)" >&2
	@test "$(CI)" != true
else
	$(BIN)/pytest -n $(PYTEST_WORKERS) --engine postgresql
endif

# The everyday loop: lint and every test but the slow reliability ones (CI runs them all).
test-fast: lint
	$(BIN)/pytest -n $(PYTEST_WORKERS) -m "not reliability"

# Translators' loop (README "Adding a language"): extract every word from the code into
# bot/locale/peercircle.pot, merge it into each language's .po (new words arrive empty, changed
# ones marked fuzzy), then compile every catalog and print what each language still lacks.
# peercircle reads the .po files themselves at start: nothing compiled is committed.
LOCALE := bot/locale
translations: $(DEV_STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg -c Translators: --sort-by-file \
		--project=peercircle --width=99 -o $(LOCALE)/peercircle.pot .
	$(BIN)/python -m bot.i18n.maintain update
	$(BIN)/python -m bot.i18n.maintain check

# Benchmarks are not tests: they take minutes and write their figures to bench/.
bench: $(DEV_STAMP)
	$(BIN)/python -m bench.updates --runs 3
	$(BIN)/python -m bench.delivery --runs 3
	$(BIN)/python -m bench.scale --runs 3
	$(BIN)/python -m bench.safety --runs 5
	$(BIN)/python -m bench.sealing --runs 5
	$(BIN)/python -m bench.charts --runs 15
	$(BIN)/python -m bench.pg_workers --runs 3

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
