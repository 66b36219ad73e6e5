# ccg-graph: the two set-up commands are `make run` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
BUILD_DIR ?= build

.PHONY: run test install install-test build validate lint clean conformance fuzz soak

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "ccg-graph needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## make run: install, build the graph if it is not built, serve it on http://127.0.0.1:8000
run: install
	$(BIN)/ccg-graph serve --build-dir $(BUILD_DIR) --build-if-missing

## make test: install with test extras and run every test
test: install-test
	$(BIN)/python -m pytest

## make conformance: the W3C SPARQL 1.1 Protocol, Graph Store and Service Description tests (also in make test)
conformance: install-test
	$(BIN)/python -m pytest tests/conformance -q -rxX

## make fuzz: schemathesis over every route of the OpenAPI schema, 500 examples each (make test runs 8)
fuzz: install-test
	CCG_FUZZ_EXAMPLES=$${CCG_FUZZ_EXAMPLES:-500} $(BIN)/python -m pytest tests/fuzz -q

## make soak: 60 s at concurrency 16 on the loopback, mixed reads, slow queries and a trickle of writes
soak: install-test
	$(BIN)/python -m tests.soak.soak --seconds 60 --concurrency 16

build: install
	$(BIN)/ccg-graph build --build-dir $(BUILD_DIR)

validate: install
	$(BIN)/ccg-graph validate $(BUILD_DIR)/ccg-graph.nq.gz

lint: install-test
	$(BIN)/ruff check ccg_graph tests
	$(BIN)/ruff format --check ccg_graph tests

clean:
	rm -rf $(BUILD_DIR) .pytest_cache
