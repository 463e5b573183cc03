# Two commands do all set-up: `make lab` opens the kit, `make test` runs every test.
# `make lab` installs what students need (requirements.txt) into .venv; `make test` adds the test and build tools
# (requirements-dev.txt); each does so the first time, and again when its file changes.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.kit-installed
DEV_STAMP := $(VENV)/.kit-dev-installed
NOTEBOOK ?= notebooks/00_start_here.ipynb
AXE    := node_modules/axe-core/axe.min.js
CHP    := node_modules/.bin/configurable-http-proxy
REVEAL := node_modules/reveal.js/dist/reveal.js

.PHONY: lab test test-fast test-hub lint nbval browser expected html handouts slides bench load clean help

help:
	@echo "make lab        open the kit in JupyterLab (at $(NOTEBOOK))"
	@echo "make test       run every test: unit tests, nbval over every notebook, the browser test, the wheel and hub tests"
	@echo "make test-fast  unit tests only (no notebooks, no browser)"
	@echo "make lint       the pre-commit hooks over every file: ruff, and nbstripout (notebooks without outputs)"
	@echo "make test-hub   the JupyterHub test alone: two students on a real hub, nbgitpuller links, hand-ins"
	@echo "make expected   re-record the expected outputs of strictly checked notebook cells"
	@echo "make html       build the static HTML edition in build/html (works offline)"
	@echo "make handouts   build the printable A4 handouts (PDF, with Chromium) in build/handouts"
	@echo "make slides     build one reveal.js slide deck per notebook in build/slides (works offline)"
	@echo "make bench      measure import, notebook and widget times; append them to benchmarks/RESULTS.md"

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements.txt
	@touch $(STAMP)

$(DEV_STAMP): $(STAMP) requirements-dev.txt
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	@touch $(DEV_STAMP)

# axe-core, the accessibility checker the browser tests run (package.json pins it; node_modules is not committed)
$(AXE): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm not found: the browser tests will skip their accessibility check"; exit 0; }; \
	npm ci --no-audit --no-fund --loglevel=error && touch $(AXE) || echo "npm ci failed: the browser tests will skip their accessibility check"

# configurable-http-proxy, the proxy in front of the hub test's JupyterHub (pinned in package.json, like axe-core)
$(CHP): | $(AXE)
	@command -v npm >/dev/null || { echo "npm not found: the hub test will skip"; exit 0; }; \
	npm ci --no-audit --no-fund --loglevel=error && touch $(AXE) || echo "npm ci failed: the hub test will skip"

lab: $(STAMP)
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) $(NOTEBOOK)

test: lint $(AXE) $(CHP)
	$(BIN)/python -m pytest --nbval-lax --nbval-current-env tests notebooks docs/notebook_template.ipynb

# The same hooks a contributor's commits run (.pre-commit-config.yaml), over every tracked file; git is needed.
lint: $(DEV_STAMP)
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/pre-commit run --all-files --show-diff-on-failure

test-fast: $(DEV_STAMP)
	$(BIN)/python -m pytest -m "not browser and not hub and not package" tests --ignore=tests/test_nbval_catches_errors.py \
		--ignore=tests/test_offline.py --ignore=tests/test_reproducible.py

test-hub: $(DEV_STAMP) $(CHP)
	$(BIN)/python -m pytest -m hub tests/hub

nbval: $(DEV_STAMP)
	$(BIN)/python -m pytest --nbval-lax --nbval-current-env notebooks docs/notebook_template.ipynb

browser: $(DEV_STAMP) $(AXE)
	$(BIN)/python -m pytest tests/browser

expected: $(DEV_STAMP)
	$(BIN)/python -m tests.tools.record_expected

html: $(STAMP)
	$(BIN)/python tools/build_html.py --out build/html

handouts: $(DEV_STAMP)
	$(BIN)/python tools/handouts.py --out build/handouts

# reveal.js and require.js, copied beside the decks (pinned in package.json, like axe-core)
$(REVEAL): | $(AXE)
	@command -v npm >/dev/null || { echo "npm not found: make slides needs it once, for reveal.js"; exit 1; }; \
	test -f $(REVEAL) || npm ci --no-audit --no-fund --loglevel=error

slides: $(STAMP) $(REVEAL)
	$(BIN)/python tools/slides.py --out build/slides

bench: $(DEV_STAMP) $(CHP)
	$(BIN)/python -m benchmarks.run

load: $(STAMP)
	$(BIN)/python tools/measure_load.py

clean:
	rm -rf $(VENV) .pytest_cache tests/browser/screenshots build node_modules
