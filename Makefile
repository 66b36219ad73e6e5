# ccg-graph: the two set-up commands are `make run` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
BUILD_DIR ?= build

.PHONY: run test check install install-test assets deps-system build validate lint clean guide conformance fuzz soak bench bench-quick bench-deps bench-replicas

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

## make assets: the query page's editor (YASGUI) and the /docs page (Swagger UI), pinned in
## web/package-lock.json, from the npm registry into the package; generated, not committed. Needs npm.
VENDOR_DIR := ccg_graph/static/query/vendor
YASGUI_BUILD := web/node_modules/@zazuko/yasgui/build
DOCS_VENDOR_DIR := ccg_graph/static/docs/vendor
SWAGGER_DIST := web/node_modules/swagger-ui-dist

$(VENDOR_DIR)/.installed: web/package.json web/package-lock.json
	@command -v npm >/dev/null || { echo "make assets needs Node.js and npm (the query page's editor comes from the npm registry)" >&2; exit 1; }
	npm ci --prefix web --ignore-scripts --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR_DIR)
	cp $(YASGUI_BUILD)/yasgui.min.js $(YASGUI_BUILD)/yasgui.min.css $(VENDOR_DIR)/
	cp web/node_modules/@zazuko/yasgui/package.json $(VENDOR_DIR)/yasgui.package.json
	mkdir -p $(DOCS_VENDOR_DIR)
	cp $(SWAGGER_DIST)/swagger-ui-bundle.js $(SWAGGER_DIST)/swagger-ui.css $(SWAGGER_DIST)/favicon-32x32.png $(DOCS_VENDOR_DIR)/
	touch $@

assets: $(VENDOR_DIR)/.installed

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $@ $(VENV)/.installed $(VENV)/.installed-test

install: $(VENV)/.installed assets
install-test: $(VENV)/.installed-test assets

## make run: install, build the graph if it is not built, serve it on http://127.0.0.1:8000
run: install
	$(BIN)/ccg-graph serve --build-dir $(BUILD_DIR) --build-if-missing

## System packages the tests drive for real (Debian): headless Chromium and its driver for the page tests,
## Virtuoso for the remote-store tests (the -bin package: the server without a system service), and wrk,
## the HTTP load generator of the benchmark harness (its end-to-end test), and nginx (the light build: the
## load balancer of the replica tests, run as an ordinary process with a generated configuration).
SYSTEM_PACKAGES := chromium chromium-driver virtuoso-opensource-7-bin wrk nginx-light

deps-system:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

## make test: install with test and bench extras (and the system packages the tests drive), run the checks
## below, then every test
test: install-test deps-system $(VENV)/.installed-bench
	$(MAKE) --no-print-directory check
	$(BIN)/python -m pytest

## make check: what keeps the house: lint, formatting, the layers contract (each layer imports only the ones
## below it; [tool.importlinter] in pyproject.toml) and the type check ([tool.mypy]), each with zero findings
check: install-test
	$(BIN)/ruff check ccg_graph tests bench setup.py
	$(BIN)/ruff format --check ccg_graph tests bench setup.py
	$(BIN)/lint-imports
	$(BIN)/mypy

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

## make guide: regenerate docs/research-guide.md and docs/figures/ from the built graph
guide: install-test
	$(BIN)/python -m ccg_graph.guide --build-dir $(BUILD_DIR)

lint: check

## make bench-deps: the bench extras and wrk, the HTTP load generator (from Debian, when it is missing)
bench-deps: install-test $(VENV)/.installed-bench
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq wrk >/dev/null; } \
		|| { echo "wrk is missing: apt-get install wrk (as root)"; exit 2; }

## make bench: the full benchmark (national graph and its 10x synthetic scale-up); figures into bench/README.md
bench: bench-deps
	$(BIN)/python -m bench

## make bench-quick: the same harness, shorter runs and smaller sizes (about 8 to 10 minutes on a shared 2-core machine: 503 s on 2 December 2026)
bench-quick: bench-deps
	$(BIN)/python -m bench --quick

## make bench-replicas: read throughput through nginx with 1, 2 and 3 replicas, and replication lag (national graph)
bench-replicas: bench-deps deps-system
	$(BIN)/python -m bench.replicas

clean:
	rm -rf $(BUILD_DIR) .pytest_cache
