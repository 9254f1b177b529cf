# driftlab: every target creates or refreshes .venv itself, from the locks, so `make lab` and `make test`
# run exactly the versions Binder installs (binder/requirements.txt; requirements-dev.txt adds the dev tools
# and is compiled with `-c binder/requirements.txt`, so the shared pins are identical).
#
#   make lab     JupyterLab on the start-here notebook
#   make test    ruff check, unit tests (pytest), the notebooks under nbval, then the browser tests (make ui)
#   make ui      JupyterLab driven in headless Chromium: run all, move a slider, offline (tests/ui)
#   make ui-deps install Debian's chromium for `make ui` (apt-get, as root; otherwise the ui tests skip)
#   make binder-check  a clean venv from binder/ alone, then every notebook executed in it (slow; CI runs it)
#   make bench   benchmarks/run.py
#   make lint    ruff check + mypy on driftlab (pyproject.toml [tool.mypy])
#   make lock    re-resolve both locks after editing dependencies in pyproject.toml
#                (keeps existing pins where possible; `make lock UPGRADE=--upgrade` bumps everything)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Binder runs 3.11 (binder/runtime.txt) and the locks are resolved for it: prefer python3.11 when present.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
LOCKS := binder/requirements.txt requirements-dev.txt
# uv is pinned in the dev lock like every other tool; pip bootstraps it into the venv
UV_VERSION := $(shell sed -n 's/^uv==//p' requirements-dev.txt)
UV := $(BIN)/uv
LOCK_TARGET := --python-version 3.11 --python-platform x86_64-manylinux_2_28
UPGRADE ?=

NBVAL_ARGS := --nbval-lax --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=600
# two notebooks at a time on the 2-core machines; loadscope keeps each notebook's cells on one worker (one kernel)
NBVAL_ARGS += -n 2 --dist loadscope

.PHONY: help venv lab test unit nbtest ui ui-deps binder-check bench lint lock clean

help:
	@sed -n 's/^#   //p' Makefile

venv: $(VENV)/.stamp

# Re-runs only when pyproject.toml or a lock changed; `uv pip sync` makes the venv match the locks exactly
# (it also removes packages a lock dropped), then driftlab goes in editable, without touching dependencies.
$(VENV)/.stamp: pyproject.toml $(LOCKS)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(UV) --version 2>/dev/null | grep -q "^uv $(UV_VERSION)\b" || \
	    $(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(UV) pip sync --quiet --python $(BIN)/python $(LOCKS)
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $@

# JupyterLab refuses to start as root (as on this project's dev machines and containers) unless told to.
LAB_ARGS ?= $(if $(filter 0,$(shell id -u)),--allow-root)
lab: venv
	$(BIN)/jupyter lab $(LAB_ARGS) notebooks/00-start-here.ipynb

test: venv
	$(BIN)/ruff check .
	$(MAKE) --no-print-directory unit
	$(MAKE) --no-print-directory nbtest
	$(MAKE) --no-print-directory ui

unit: venv
	$(BIN)/python -m pytest -m "not ui" -n 2  # two workers: the 2-core machines

# Notebooks run top to bottom in a kernel of this venv; `assert` cells check their numbers. Charts render as
# deterministic SVG here. pytest's exit 5 ("no tests collected") is not a failure: notebooks/ may be empty.
nbtest: venv
	@shopt -s nullglob; nbs=(notebooks/*.ipynb); \
	if [ $${#nbs[@]} -eq 0 ]; then echo "nbval: no notebooks in notebooks/, nothing to run"; exit 0; fi; \
	rc=0; DRIFTLAB_ALTAIR=svg $(BIN)/python -m pytest $(NBVAL_ARGS) notebooks/ || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "nbval: no notebook cells collected"; rc=0; fi; \
	exit $$rc

# The browser tests drive Debian's Chromium (Playwright never downloads a browser here). Installing it needs root
# and apt-get; when that is not possible this says so and tests/ui skips with the reason, rather than failing.
CHROMIUM := /usr/bin/chromium
ui-deps:
	@if [ -x $(CHROMIUM) ]; then echo "ui-deps: $(CHROMIUM) is installed"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "ui-deps: installing Debian's chromium (apt-get)"; \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
	        || echo "ui-deps: apt-get could not install chromium: the ui tests will skip"; \
	else echo "ui-deps: $(CHROMIUM) is missing and installing it needs root and apt-get: the ui tests will skip"; fi

# JupyterLab on 127.0.0.1 in headless Chromium, every non-loopback request blocked; screenshots in build/ui/.
ui: venv ui-deps
	$(BIN)/python -m pytest -m ui tests/ui

# Binder without Docker: a clean venv from binder/requirements.txt + binder/postBuild alone, then every notebook
# executed in it with nbconvert, two at a time (tools/binder_check.py). A few minutes: .ci/run calls it after test.
binder-check: venv
	$(BIN)/python tools/binder_check.py

bench: venv
	$(BIN)/python benchmarks/run.py

lint: venv
	$(BIN)/ruff check .
	$(BIN)/mypy

# Locking needs only uv, not a synced venv.
lock:
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(UV) --version 2>/dev/null | grep -q "^uv $(UV_VERSION)\b" || \
	    $(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(UV) pip compile --quiet $(UPGRADE) pyproject.toml --extra lab $(LOCK_TARGET) -o binder/requirements.txt
	$(UV) pip compile --quiet $(UPGRADE) pyproject.toml --extra lab --extra dev -c binder/requirements.txt \
	    $(LOCK_TARGET) -o requirements-dev.txt

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache .mypy_cache
