# resarchive: common tasks. `make` alone lists them.
#
# `make setup` is cheap to repeat: the venv and node_modules are only (re)installed when
# pyproject.toml or package.json/package-lock.json are newer than their stamp files.

SHELL := /bin/bash
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
PYTEST_ARGS ?=

VENV_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

# Browsers come from Debian's chromium package, never from npm or `playwright install`.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help setup system-deps site serve test accuracy bench bench-quick lint clean distclean

help: ## List the targets
	@echo "resarchive make targets:"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*## "} {printf "  make %-12s %s\n", $$1, $$2}'

setup: $(VENV_STAMP) $(NODE_STAMP) ## Install Python (.venv) and npm (node_modules) dependencies

$(VENV_STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -e '.[test,dev]'
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

site: $(VENV_STAMP) ## Build the static site into site/
	$(PY) build.py --content content --out site

serve: $(VENV_STAMP) ## Build, then serve on http://localhost:8000 (PORT=... to change)
	$(PY) build.py --serve $(PORT)

test: system-deps $(VENV_STAMP) $(NODE_STAMP) ## Install what is missing, then run the whole test suite
	$(PY) -m pytest -q $(PYTEST_ARGS)

system-deps: ## Install Debian's chromium and nginx if missing (apt-get; root or sudo)
	bash .ci/system-deps

accuracy: $(VENV_STAMP) ## Parser accuracy on ../shared/corpus, per language, clean and PDF-like (~2 min)
	$(PY) bench/accuracy.py
	$(PY) bench/accuracy.py --pdf

bench: $(VENV_STAMP) $(NODE_STAMP) ## Full benchmark vs Pagefind (../shared/corpus, ~12 min; bench/README.md)
	$(PY) bench/run.py

bench-quick: $(VENV_STAMP) $(NODE_STAMP) ## Short benchmark (a corpus sample, < 2 min)
	$(PY) bench/run.py --quick

lint: $(VENV_STAMP) ## ruff check + mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

clean: ## Remove build output and tool caches (keeps .venv and node_modules)
	rm -rf site build bench/out .pytest_cache .mypy_cache .ruff_cache .hypothesis
	find . -name __pycache__ -type d -not -path './.venv/*' -not -path './node_modules/*' \
	  -prune -exec rm -rf {} +

distclean: clean ## Also remove .venv and node_modules
	rm -rf $(VENV) node_modules src/*.egg-info
