# One place for every set-up step: a fresh machine needs only `make demo` or `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LINT_NODE := tests/neo4j_lint/node_modules/.installed
AXE_NODE := tests/axe/node_modules/.installed
CHROMIUM := /usr/bin/chromium
DATA ?= allegraph-data
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup demo test lint bench screenshot lock clean

setup: $(STAMP) $(LINT_NODE) $(AXE_NODE) $(CHROMIUM)

# Every dependency at the version and hash in requirements.lock (what the tests passed with),
# then allegraph itself without resolving anything again.
$(STAMP): pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found; set PYTHON=python3" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

# Refresh requirements.lock from pyproject.toml's ranges (newest versions, with their hashes).
lock: $(STAMP)
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --upgrade --generate-hashes --extra dev --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-find-links --quiet -o requirements.lock pyproject.toml

# Neo4j's own Cypher linter, which the tests run over every statement allegraph emits.
$(LINT_NODE): tests/neo4j_lint/package.json tests/neo4j_lint/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm not found: install Node.js and npm" >&2; exit 1; }
	npm ci --prefix tests/neo4j_lint --no-audit --no-fund --loglevel=error
	touch $(LINT_NODE)

# axe-core, which the browser tests inject into every workbench view.
$(AXE_NODE): tests/axe/package.json tests/axe/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm not found: install Node.js and npm" >&2; exit 1; }
	npm ci --prefix tests/axe --no-audit --no-fund --loglevel=error
	touch $(AXE_NODE)

# Debian's Chromium, which the browser tests drive through playwright (never `playwright
# install`: it would download a browser of its own).
$(CHROMIUM):
	@command -v apt-get >/dev/null 2>&1 || { echo "apt-get not found: install chromium at $(CHROMIUM)" >&2; exit 1; }
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

demo: setup
	$(BIN)/allegraph --data $(DATA) ingest examples/svr-nato-false-flag.yaml
	$(BIN)/allegraph --data $(DATA) stats
	@echo "Who accused whom (docs/queries/who-accused-whom.rq):"
	COLUMNS=$${COLUMNS:-140} $(BIN)/allegraph --data $(DATA) query sparql @docs/queries/who-accused-whom.rq
	$(BIN)/allegraph --data $(DATA) sync --verify
	@echo "Mirror accusations (Cypher, on the embedded FalkorDB):"
	$(BIN)/allegraph --data $(DATA) mirrors
	@echo "Serving the HTTP API (Ctrl-C stops it):"
	$(BIN)/allegraph --data $(DATA) serve --host $(HOST) --port $(PORT)

lint: setup
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest

bench: setup
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/viz.py
	$(BIN)/python bench/api.py

screenshot: setup
	$(BIN)/python docs/screenshot.py
	$(BIN)/python docs/screenshot_workbench.py

clean:
	rm -rf $(VENV) $(DATA) .mypy_cache .pytest_cache .ruff_cache
