# The two commands of the README: `make up` runs the whole system, `make test` every test.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: up run test lint bench install servers clean

LOCKS  := -c constraints.txt -c constraints-dev.txt

# Only the locked versions are installed (deploy/scripts/lock.py writes both locks).
$(STAMP): pyproject.toml constraints.txt constraints-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet $(LOCKS) pip
	$(PY) -m pip install --quiet $(LOCKS) -e ".[dev,embedded,test,bench]"
	touch $(STAMP)

install: $(STAMP)

## Run the demo region on the whole system (embedded servers unless POLKU_*_URL are set).
up: $(STAMP)
	$(VENV)/bin/polku demo

## Run the bare system for real use.
run: $(STAMP)
	$(VENV)/bin/polku up

## Start the machine's PostgreSQL and Redis if they are not answering.
servers:
	@bash scripts/ensure-system-packages.sh
	@bash scripts/ensure-servers.sh

lint: $(STAMP)
	$(VENV)/bin/ruff check shared services tests bench demo polku
	$(VENV)/bin/ruff format --check shared services tests bench demo polku
	$(VENV)/bin/mypy

## Every test: servers, lint, types, then pytest.
test: $(STAMP) servers lint
	$(VENV)/bin/pytest $(PYTEST_ARGS)

bench: $(STAMP) servers
	$(PY) -m bench

clean:
	rm -rf $(VENV) .polku artifacts
