# resarchive: common tasks. `make` alone lists them.
#
# Cheap to repeat: the Python and npm dependencies are only (re)installed when pyproject.toml
# or package.json/package-lock.json are newer than their stamp files. `make serve` and
# `make site` install what the build needs (the package, and npm's runtime dependencies:
# the browser's stemmers); `make test`, `make lint` and the benchmarks add the test and dev
# tools (pytest, Playwright's Python API, ruff, mypy; lunr.js, Pagefind, axe-core).

SHELL := /bin/bash
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
PYTEST_ARGS ?=

PY_RUNTIME := $(VENV)/.installed-runtime
PY_DEV     := $(VENV)/.installed-dev
NODE_RUNTIME := node_modules/.installed-runtime
NODE_DEV     := node_modules/.installed-dev

# Browsers come from Debian's chromium package, never from npm or `playwright install`.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help setup system-deps site serve test lint accuracy bench bench-quick bench-akn bench-links bench-agreed clean distclean

help: ## List the targets
	@echo "resarchive make targets:"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*## "} {printf "  make %-12s %s\n", $$1, $$2}'

setup: $(PY_DEV) $(NODE_DEV) ## Install every Python (.venv) and npm (node_modules) dependency

$(PY_RUNTIME): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -e .
	touch $@

$(PY_DEV): pyproject.toml $(PY_RUNTIME)
	$(PY) -m pip install -q -e '.[test,dev]'
	touch $@

$(NODE_RUNTIME): package.json package-lock.json
	npm ci --omit=dev --no-audit --no-fund
	touch $@

$(NODE_DEV): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@ $(NODE_RUNTIME)

site: $(PY_RUNTIME) $(NODE_RUNTIME) ## Build the static site from content/ into site/
	$(PY) build.py --content content --out site

serve: $(PY_RUNTIME) $(NODE_RUNTIME) ## Build, then serve on http://localhost:8000 (PORT=... to change)
	$(PY) build.py --serve $(PORT)

test: system-deps $(PY_DEV) $(NODE_DEV) ## Install what is missing (apt-get: root or sudo), then run the whole suite
	$(PY) -m pytest -q $(PYTEST_ARGS)

system-deps: ## Install Debian's chromium and nginx if missing (apt-get; root or sudo)
	bash .ci/system-deps

lint: $(PY_DEV) ## ruff check, ruff format --check, mypy --strict (also part of make test)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

accuracy: system-deps $(PY_DEV) ## Parser accuracy: corpus clean and PDF-like, real conversions, the PDF round trip (~15 min)
	$(PY) bench/accuracy.py
	$(PY) bench/accuracy.py --pdf
	$(PY) bench/realpdf.py
	$(PY) bench/roundtrip.py

bench: $(PY_DEV) $(NODE_DEV) ## Full benchmark vs Pagefind (../shared/corpus, ~37 min; bench/README.md)
	$(PY) bench/run.py

bench-quick: $(PY_DEV) $(NODE_DEV) ## Short benchmark (a corpus sample, < 2 min)
	$(PY) bench/run.py --quick

bench-akn: $(PY_DEV) ## Akoma Ntoso: reading the UN's XML vs parsing its text, writing, schema (~2 min)
	$(PY) bench/akn.py

bench-links: $(PY_DEV) $(NODE_RUNTIME) ## Links between documents: their cost in a build of GA session 78 fr+en (~1 min)
	$(PY) bench/links.py

bench-agreed: $(PY_DEV) $(NODE_RUNTIME) ## Agreed language: linking the corpus at 1x, 2x, 4x, memory; a one-file rebuild (~12 min)
	$(PY) bench/agreed.py

clean: ## Remove build output and tool caches (keeps .venv and node_modules)
	rm -rf site build bench/out .pytest_cache .mypy_cache .ruff_cache .hypothesis
	find . -name __pycache__ -type d -not -path './.venv/*' -not -path './node_modules/*' \
	  -prune -exec rm -rf {} +

distclean: clean ## Also remove .venv and node_modules (and the build cache .cache/)
	rm -rf $(VENV) node_modules src/*.egg-info .cache
