# peercircle: `make run` runs the bot, `make test` runs the whole suite.
# Both create or update the local virtual environment .venv first.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run sandbox test lint bench venv clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/peercircle run $(if $(CONFIG),--config $(CONFIG),)

# Try it without Telegram: the emulator, the bot and a chat page on http://127.0.0.1:8080.
sandbox: $(STAMP)
	$(BIN)/peercircle sandbox $(if $(DB),--db $(DB),)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict bot handlers storage

test: lint
	$(BIN)/pytest

# Benchmarks are not tests: they take minutes and write their figures to bench/.
bench: $(STAMP)
	$(BIN)/python -m bench.updates --runs 3
	$(BIN)/python -m bench.delivery --runs 3
	$(BIN)/python -m bench.scale --runs 3
	$(BIN)/python -m bench.safety --runs 5
	$(BIN)/python -m bench.charts --runs 15

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
