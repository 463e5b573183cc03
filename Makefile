# Two commands do all set-up: `make lab` opens the kit, `make test` runs every test.
# Both create .venv from requirements.txt the first time (and again when requirements.txt changes).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.kit-installed
NOTEBOOK ?= notebooks/00_start_here.ipynb

.PHONY: lab test test-fast nbval browser expected html bench clean help

help:
	@echo "make lab        open the kit in JupyterLab (at $(NOTEBOOK))"
	@echo "make test       run every test: unit tests, nbval over every notebook, the browser test"
	@echo "make test-fast  unit tests only (no notebooks, no browser)"
	@echo "make expected   re-record the expected outputs of strictly checked notebook cells"
	@echo "make html       build the static HTML edition in build/html (works offline)"
	@echo "make bench      measure import, notebook and widget times; append them to benchmarks/RESULTS.md"

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements.txt
	@touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) $(NOTEBOOK)

test: $(STAMP)
	$(BIN)/python -m pytest --nbval-lax --nbval-current-env tests notebooks docs/notebook_template.ipynb

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not browser" tests --ignore=tests/test_nbval_catches_errors.py \
		--ignore=tests/test_offline.py --ignore=tests/test_reproducible.py

nbval: $(STAMP)
	$(BIN)/python -m pytest --nbval-lax --nbval-current-env notebooks docs/notebook_template.ipynb

browser: $(STAMP)
	$(BIN)/python -m pytest tests/browser

expected: $(STAMP)
	$(BIN)/python -m tests.tools.record_expected

html: $(STAMP)
	$(BIN)/python tools/build_html.py --out build/html

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) .pytest_cache tests/browser/screenshots build
