# One set of commands for people and CI. `make run` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
HOST   ?= 127.0.0.1
PORT   ?= 8000
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install browser run test lint bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "chainmap needs Python >= 3.11")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

## Install, migrate the SQLite database, load the demo city, serve on http://$(HOST):$(PORT)
run: install
	$(BIN)/chainmap db upgrade
	$(BIN)/chainmap demo load
	$(BIN)/python -m api --host $(HOST) --port $(PORT)

## Debian's Chromium and CJK fonts for the browser tests (tests/e2e); skipped when present
browser:
	@if [ -z "$$CHAINMAP_CHROMIUM" ] && ! command -v chromium >/dev/null \
	    || ! fc-list 2>/dev/null | grep -q "Noto Sans CJK"; then \
	  echo "installing chromium and fonts-noto-cjk for the browser tests"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive \
	    $(SUDO) apt-get install -y -q --no-install-recommends chromium fonts-noto-cjk; \
	fi

## Install dev dependencies and run every test (PostgreSQL too when CHAINMAP_TEST_DATABASE_URL is set)
test: install browser
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check chainmap api tests bench
	$(BIN)/ruff format --check chainmap api tests bench
	$(BIN)/mypy chainmap api

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
