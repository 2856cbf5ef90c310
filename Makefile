# Everything a fresh machine needs is installed by these targets (a virtualenv in .venv).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

CHROMIUM := /usr/bin/chromium
NGINX := /usr/sbin/nginx
N ?= 5000
ROUNDS ?= 1
BENCH_JSON ?= data/bench-$(N).json
.PHONY: demo test quick score bench browse lint format clean browser
DB ?= data/demo.db
PORT ?= 8001

# Debian's Chromium renders pages whose body is written by script (no browser download).
$(CHROMIUM):
	@command -v apt-get >/dev/null || { echo "apt-get not found: install Chromium at $(CHROMIUM) by hand"; exit 1; }
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null

browser: $(CHROMIUM)

# nginx serves the benchmark's generated site: a Python server would be what gets measured.
$(NGINX):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nginx-light >/dev/null || \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nginx >/dev/null

$(VENV)/.bench: $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	touch $@

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP) $(CHROMIUM)  ## crawl the bundled sample site into data/demo.db and print a summary
	$(PY) -m demo

test: $(STAMP) $(CHROMIUM)  ## lint and run the whole test suite
	$(PY) -m ruff check .
	$(PY) -m pytest

quick: $(STAMP)  ## the quick loop for an edit: lint and every test but whole crawls (seconds)
	$(PY) -m ruff check .
	$(PY) -m pytest -m "not slow" -q

score: $(STAMP)  ## score the figure reader (with its speed), the loader on drifted markups, and places
	$(VENV)/bin/baothanhhoa score --timing evaluation/gold/*.jsonl
	$(PY) -m evaluation.drift
	$(PY) -m evaluation.drift --blind
	$(PY) -m evaluation.places evaluation/places_blind.jsonl

bench: $(VENV)/.bench $(NGINX)  ## generate N articles, crawl them through nginx, compare with the bare engine
	$(PY) -m bench -n $(N) --rounds $(ROUNDS) --json $(BENCH_JSON)

browse: $(STAMP)  ## Datasette on 127.0.0.1:$(PORT) over $(DB) (default data/demo.db, made by make demo)
	$(VENV)/bin/baothanhhoa browse $(DB) --port $(PORT)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache data/demo.db data/demo.db-wal data/demo.db-shm
