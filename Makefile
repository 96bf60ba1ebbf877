# `make` sets up and builds the course; `make test` sets up and runs every test.
# Set-up is idempotent: it reinstalls only when pyproject.toml or the lock change.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
# The build lays decks out and prints them in Debian's headless Chromium (the
# headless shell: the same Blink and Skia as the full browser, ~110 MB less at
# a build's peak); the browser and PDF tests use it and poppler's pdftoppm.
# The benchmark runs Marp in the full Chromium, as Marp's users do. CI runs as
# root, elsewhere sudo is used.
CHROMIUM := /usr/bin/chromium-headless-shell
FULL_CHROMIUM := /usr/bin/chromium
PDFTOPPM := /usr/bin/pdftoppm
# actionlint checks the workflow's shell steps with shellcheck (tests/unit/test_workflow.py);
# the decks and figures name the DejaVu and Liberation fonts.
SHELLCHECK := /usr/bin/shellcheck
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
OUT ?= build

.PHONY: all setup course figures preview test test-other-sites test-fast lint format lock clean distclean bench bench-quick corpus

all: course

# Bytecode written once here: with PYTHONDONTWRITEBYTECODE set, every build
# would otherwise compile the build's own modules again (~20 ms an edit).
setup: $(STAMP) $(NODE_STAMP)
	@$(BIN)/python -m compileall -q coursebuild figures > /dev/null

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

# reveal.js, pinned in package-lock.json, is inlined into every deck.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(CHROMIUM) $(PDFTOPPM) $(SHELLCHECK) &:
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
		chromium-headless-shell poppler-utils shellcheck fonts-dejavu-core fonts-dejavu-extra \
		fonts-liberation > /dev/null

$(FULL_CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium > /dev/null

course: setup $(CHROMIUM)
	$(BIN)/python build.py --out $(OUT)

figures: $(STAMP)
	$(BIN)/python build.py figures --out $(OUT)

preview: setup $(CHROMIUM)
	$(BIN)/python build.py preview --out $(OUT)

test: setup $(CHROMIUM) $(PDFTOPPM) $(SHELLCHECK)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n auto --dist loadscope -m "not other_sites"

# The other authors' three sites (../shared/corpus/others), by the instructor's sites'
# rules: about 2 minutes, which make test's ten have not got to spare. CI runs it after make test.
test-other-sites: setup $(CHROMIUM) $(PDFTOPPM)
	$(BIN)/python -m pytest -m other_sites tests/corpus/test_other_sites.py

# The inner loop (about a minute): tests/unit and tests/filters, no Chromium, no site build.
test-fast: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n auto -m "unit or filters" tests/unit tests/filters

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Refresh the pins after editing pyproject.toml (then run `make test`).
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	{ echo "# Every Python package the project and its tests use, pinned; regenerate with 'make lock'."; \
	  $(BIN)/python -m pip freeze --exclude-editable --disable-pip-version-check; } > requirements.lock

# Every page of the instructor's two MkDocs sites (../shared/corpus) and of the three
# other authors' sites (../shared/corpus/others), built and checked; prints a table a
# page (also in build/corpus-report.txt). `make test` checks them too (tests/corpus).
corpus: setup $(CHROMIUM) $(PDFTOPPM)
	$(BIN)/python -m tests.support.corpus_check

clean:
	rm -rf $(OUT) .pytest_cache .ruff_cache

distclean: clean
	rm -rf $(VENV) node_modules *.egg-info

# Build speed against the bare tools and Marp (bench/bench.py; about 12 minutes on
# the 2-vCPU machine of 2026-12-07).
bench: setup $(CHROMIUM) $(FULL_CHROMIUM)
	$(BIN)/python bench/bench.py

# The short benchmark (under 3 minutes): the first lesson's clean, no-op and
# text-edit builds against the floor, the memory of a 20-lesson build, Marp.
bench-quick: setup $(CHROMIUM) $(FULL_CHROMIUM)
	$(BIN)/python bench/bench.py --quick
