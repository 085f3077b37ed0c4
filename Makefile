# The two commands a newcomer needs: `make run` and `make test`. Everything else is set up by them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export PORT ?= 5000

.PHONY: setup run test bench lint clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + ")")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

## setup: create .venv and install the app with its development tools
setup: $(STAMP)

## run: migrate the database, load the demo trust into an empty one, and serve on 127.0.0.1:$PORT with a
## task worker beside it (stopped with the server)
run: setup
	@$(BIN)/planner init-db
	@$(BIN)/planner demo --if-empty
	@PLANNER_ENV=$${PLANNER_ENV:-development} $(BIN)/planner serve --port $(PORT) --worker

## test: every test, browser tests included
test: setup
	$(BIN)/pytest

## bench: speed figures and their ratios (printed, never asserted); `make bench QUICK=1` for a shorter run
bench: setup
	$(BIN)/python -m benchmarks.run $(if $(QUICK),--quick)

## lint: ruff, the strict type check of the engine, and the import contracts of docs/design.md (pyproject.toml)
lint: setup
	$(BIN)/ruff check planner tests
	$(BIN)/mypy
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
