# ccg-graph: the two set-up commands are `make run` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
BUILD_DIR ?= build

.PHONY: run test install install-test deps-system build validate lint clean

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

## make deps-system: the Debian packages the tests need (Virtuoso for the remote-store tests); run as root
deps-system:
	@command -v virtuoso-t >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends virtuoso-opensource-7-bin; \
	  else echo "virtuoso-t is missing: run 'sudo make deps-system' (the Virtuoso tests fail without it)"; fi; }

## make test: install with test extras and the system packages, and run every test
test: install-test deps-system
	$(BIN)/python -m pytest

build: install
	$(BIN)/ccg-graph build --build-dir $(BUILD_DIR)

validate: install
	$(BIN)/ccg-graph validate $(BUILD_DIR)/ccg-graph.nq.gz

lint: install-test
	$(BIN)/ruff check ccg_graph tests
	$(BIN)/ruff format --check ccg_graph tests

clean:
	rm -rf $(BUILD_DIR) .pytest_cache
