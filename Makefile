# ccg-graph: the two set-up commands are `make run` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
BUILD_DIR ?= build

.PHONY: run test install install-test build validate lint clean bench bench-quick bench-deps

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

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $@ $(VENV)/.installed $(VENV)/.installed-test

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## make run: install, build the graph if it is not built, serve it on http://127.0.0.1:8000
run: install
	$(BIN)/ccg-graph serve --build-dir $(BUILD_DIR) --build-if-missing

## make test: install with test extras (and the bench extras and wrk, for the harness test) and run every test
test: install-test bench-deps
	$(BIN)/python -m pytest

build: install
	$(BIN)/ccg-graph build --build-dir $(BUILD_DIR)

validate: install
	$(BIN)/ccg-graph validate $(BUILD_DIR)/ccg-graph.nq.gz

lint: install-test
	$(BIN)/ruff check ccg_graph tests bench
	$(BIN)/ruff format --check ccg_graph tests bench

## make bench-deps: the bench extras and wrk, the HTTP load generator (from Debian, when it is missing)
bench-deps: $(VENV)/.installed-bench
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq wrk >/dev/null; } \
		|| { echo "wrk is missing: apt-get install wrk (as root)"; exit 2; }

## make bench: the full benchmark (national graph and its 10x synthetic scale-up); figures into bench/README.md
bench: bench-deps
	$(BIN)/python -m bench

## make bench-quick: the same harness, shorter runs and smaller sizes (under 3 minutes on 2 cores)
bench-quick: bench-deps
	$(BIN)/python -m bench --quick

clean:
	rm -rf $(BUILD_DIR) .pytest_cache
