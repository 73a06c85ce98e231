# Two entry points on a fresh machine: `make run` (install, build, serve) and `make test` (install, test).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test install system-deps build serve validate clean

run: install build serve

# pytest exits 5 when it collected no tests: that is a failure too (make fails on any non-zero status).
test: install
	@$(BIN)/pytest -q || { status=$$?; [ $$status -ne 5 ] || echo "pytest collected no tests: failing" >&2; exit $$status; }

install: system-deps $(VENV)/.installed

# Java runs the HermiT reasoner (owlready2); Chromium drives the browser tests. Both from Debian when missing.
system-deps:
	@command -v java >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq default-jre-headless; }
	@test -x /usr/bin/chromium || { apt-get update -qq && apt-get install -y -qq chromium; }

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
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
