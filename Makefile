# Một Cửa — the two commands in the README, and the pieces they are made of.
# Re-running any target is safe: installs are skipped when nothing changed.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test install migrate static demo serve lint typecheck format check-generated bench clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev,server]"
	@touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/motcua migrate --noinput

## static files under hashed names, gzip and Brotli copies (the manifest storage needs them)
static: install
	$(BIN)/motcua collectstatic --noinput --verbosity 0

demo: migrate static
	$(BIN)/motcua demo

## make run: the system with demo data on SQLite at http://$(HOST):$(PORT), with the task
## worker and the scheduler (motcua devserver; Ctrl-C stops all three)
run: demo
	$(BIN)/motcua devserver --host $(HOST) --port $(PORT)

## make test: the whole suite (browser journeys included where Chromium is installed)
test: install
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: install
	$(BIN)/mypy src bench conftest.py

## generated files (OpenAPI, settings reference, migrations) must match the code
check-generated: install
	$(BIN)/motcua makemigrations --check --dry-run
	$(BIN)/motcua settings_reference --check
	$(BIN)/motcua export_openapi --check

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
