# Two commands for a fresh machine with Python 3.11+: `make demo` and `make test`.
# Each sets up what it needs once (a virtual environment in .venv) and skips that set-up afterwards.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
RUN_STAMP  := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test

.PHONY: demo test lint browser bench check-reference clean

# The demo's X profile is rendered in Chromium: set up as for the tests, or one line says what is missing.
demo: $(RUN_STAMP)
	@sh scripts/ensure-chromium.sh --demo
	$(BIN)/auditor demo

test: lint browser
	$(BIN)/pytest -n 2 --dist loadfile

lint: $(TEST_STAMP)
	$(BIN)/ruff check auditor tests benchmarks
	$(BIN)/ruff format --check auditor tests benchmarks
	$(BIN)/mypy

# The browser tests need Chromium: Playwright's own build when present, else Debian's package.
browser: $(TEST_STAMP)
	@sh scripts/ensure-chromium.sh

bench: $(TEST_STAMP)
	$(BIN)/python benchmarks/run.py

# Every real recorded response in REF (laid out as <engine>/<file>) through its engine's parser, against the
# expectations written by hand in tests/reference_expected.toml.
check-reference: $(RUN_STAMP)
	@test -n "$(REF)" || { echo "usage: make check-reference REF=DIR (recordings laid out as <engine>/<file>)" >&2; exit 2; }
	$(BIN)/python -m auditor.engines.reference --expected tests/reference_expected.toml $(REF)

$(VENV)/.python-ok:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
	  { echo "auditor needs Python 3.11 or newer; run: make PYTHON=python3.11 ..." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@touch $@

$(RUN_STAMP): $(VENV)/.python-ok pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(TEST_STAMP): $(VENV)/.python-ok pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@ $(RUN_STAMP)

clean:
	rm -rf $(VENV) demo .pytest_cache .mypy_cache .ruff_cache test-artifacts
