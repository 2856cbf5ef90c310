# Everything a fresh machine needs is installed by these targets (a virtualenv in .venv).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

CHROMIUM := /usr/bin/chromium
.PHONY: demo test lint format clean browser

# Debian's Chromium renders pages whose body is written by script (no browser download).
$(CHROMIUM):
	@command -v apt-get >/dev/null || { echo "apt-get not found: install Chromium at $(CHROMIUM) by hand"; exit 1; }
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null

browser: $(CHROMIUM)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP) $(CHROMIUM)  ## crawl the bundled sample site into data/demo.db and print a summary
	$(PY) -m crawler.demo

test: $(STAMP) $(CHROMIUM)  ## lint and run the whole test suite
	$(PY) -m ruff check .
	$(PY) -m pytest

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache data/demo.db data/demo.db-wal data/demo.db-shm
