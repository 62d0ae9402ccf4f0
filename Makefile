# runhub developer commands. `make run` installs everything and starts the server;
# `make test` installs everything and runs the whole test suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run test lint typecheck bench clean ui dist mlflow2 docs

# The web UI (ui/) is built into the package, which serves it at /.
UI_DIST := src/runhub/ui/dist/index.html
UI_MODULES := ui/node_modules/.installed
UI_SOURCES := $(shell find ui/src -type f 2>/dev/null) ui/index.html ui/package.json \
	ui/vite.config.ts ui/tsconfig.json

install: $(STAMP) $(UI_DIST)

$(UI_MODULES): ui/package-lock.json
	cd ui && npm ci --no-audit --no-fund
	touch $(UI_MODULES)

$(UI_DIST): $(UI_MODULES) $(UI_SOURCES)
	cd ui && npm run build

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

# Real MLflow 2.x clients that write old-schema databases for the importer's tests
# (tests/lifecycle/test_import_mlflow2.py): the first and the last 2.x release, each in its own
# small virtualenv (mlflow-skinny, with the pins that version needs on current Python).
MLFLOW2_VENVS := .venv-mlflow-2.0.1/.installed .venv-mlflow-2.22.5/.installed

mlflow2: $(MLFLOW2_VENVS)

.venv-mlflow-2.0.1/.installed:
	$(PYTHON) -m venv .venv-mlflow-2.0.1
	.venv-mlflow-2.0.1/bin/pip install -q 'mlflow-skinny==2.0.1' 'sqlalchemy<2' 'alembic<1.10'
	touch $@

.venv-mlflow-2.22.5/.installed:
	$(PYTHON) -m venv .venv-mlflow-2.22.5
	.venv-mlflow-2.22.5/bin/pip install -q 'mlflow-skinny==2.22.5' 'sqlalchemy<2.1' alembic \
		'opentelemetry-sdk<1.34'
	touch $@

# The newest 3.x client beside the pinned one in .venv: the compat suite (tests/compat) runs with
# each, so a client release that changes what it sends or expects fails `make test`.
MLFLOW_NEWEST := 3.18.0
NEWEST := .venv-mlflow-$(MLFLOW_NEWEST)

$(NEWEST)/.installed: pyproject.toml
	$(PYTHON) -m venv $(NEWEST)
	$(NEWEST)/bin/pip install -q --upgrade pip
	$(NEWEST)/bin/pip install -q -e '.[compat]' 'mlflow==$(MLFLOW_NEWEST)'
	touch $@

run: install
	$(VENV)/bin/runhub server

test: install mlflow2 $(NEWEST)/.installed
	$(VENV)/bin/ruff check src tests bench docs
	$(VENV)/bin/ruff format --check src tests bench docs
	$(VENV)/bin/mypy
	cd ui && npm test
	$(PY) -m pytest -q -n 2 --dist loadgroup
	$(NEWEST)/bin/python -m pytest -q -n 2 --dist loadgroup tests/compat

lint: install
	$(VENV)/bin/ruff check src tests bench docs
	$(VENV)/bin/ruff format --check src tests bench docs

typecheck: install
	$(VENV)/bin/mypy

# The documentation site (mkdocs.yml), built strictly: a broken link or anchor, or a page left
# out of the nav, fails it. tests/docs/test_site.py runs the same build in the test suite.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --site-dir site

bench: install
	$(PY) bench/run.py

ui: $(UI_DIST)

# The sdist and the wheel, with the built UI inside (setup.py refuses to build without it).
dist: $(STAMP) $(UI_DIST)
	rm -rf dist
	$(PY) -m build --outdir dist .

clean:
	rm -rf $(VENV) .venv-mlflow-* build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache \
		ui/node_modules src/runhub/ui/dist src/runhub/_build_info.py site
