# The two commands a newcomer needs: `make run` and `make test`. Each sets itself up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
WORKERS ?= 3
empty :=
# static/a.css:static/b.js, the list form that the debug server's --extra-files takes.
STATIC_FILES := $(subst $(empty) ,:,$(wildcard static/*))

.PHONY: run dev chromium test lint format bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.run-deps: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test-deps: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.run-deps

$(VENV)/.bench-deps: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[bench]"
	touch $@ $(VENV)/.run-deps

run: $(VENV)/.run-deps
	$(BIN)/flask --app app init-db
	$(BIN)/flask --app app purge-guests --days 30
	$(BIN)/gunicorn -c gunicorn.conf.py --workers $(WORKERS) --bind 127.0.0.1:$(PORT) "app:create_app()"

# A change in static/ restarts the debug server too, and each start builds the assets it lacks.
dev: $(VENV)/.run-deps
	$(BIN)/flask --app app --debug run --port $(PORT) --extra-files $(STATIC_FILES)

# Playwright drives Debian's /usr/bin/chromium when it is there; otherwise it needs its own browser.
chromium: $(VENV)/.test-deps
	@if [ -x /usr/bin/chromium ]; then echo "Using /usr/bin/chromium"; \
	else $(BIN)/playwright install chromium; fi

lint: $(VENV)/.test-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.test-deps
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint chromium
	$(BIN)/pytest -q

# The classroom load test (bench/load.py), about 10 minutes; BENCH_QUICK=1 for a 1-minute run.
# `$(BIN)/python -m bench micro` runs the older per-request benchmarks.
bench: $(VENV)/.bench-deps
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build .pytest_cache .ruff_cache .hypothesis
