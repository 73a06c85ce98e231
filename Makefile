# Two entry points on a fresh machine: `make run` (install, build, serve) and `make test` (install, test).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000

# System programs, as COMMAND=DEBIAN_PACKAGE: Java runs the HermiT reasoner of the build; the test suite also drives
# Debian's Chromium (browser tests) and Virtuoso (remote-store tests).
RUN_DEPS  := java=default-jre-headless
TEST_DEPS := /usr/bin/chromium=chromium virtuoso-t=virtuoso-opensource

.PHONY: run test install install-test python-version build serve validate clean

run: install build serve

# pytest exits 5 when it collected no tests: that is a failure too (make fails on any non-zero status).
test: install-test
	@$(BIN)/pytest -q || { status=$$?; [ $$status -ne 5 ] || echo "pytest collected no tests: failing" >&2; exit $$status; }

# What serving needs: Python >= 3.11, Java, the package. Test-only tools come with install-test.
install: python-version
	@scripts/system-deps.sh $(RUN_DEPS)
	@$(MAKE) --no-print-directory $(VENV)/.installed

install-test: install
	@scripts/system-deps.sh $(TEST_DEPS)
	@$(MAKE) --no-print-directory $(VENV)/.installed-test

python-version:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "error: nckg needs Python 3.11 or newer as '$(PYTHON)' (found: $$($(PYTHON) --version 2>&1)); run: make PYTHON=python3.11 ..." >&2; exit 1; }

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install -q -e '.[test]'
	touch $@

build:
	$(BIN)/nckg build

serve:
	$(BIN)/nckg serve --host $(HOST) --port $(PORT)

validate:
	$(BIN)/nckg validate

clean:
	rm -rf var $(VENV)
