# civicdesk: `make demo` runs the demo, `make test` runs every test. Both set up what they need first.
SHELL := /bin/bash
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
CHROMIUM ?= /usr/bin/chromium

.PHONY: demo test lint check-python browser messages compile-messages bench clean

check-python:
	@command -v $(PYTHON) >/dev/null || { echo "civicdesk needs Python 3.11 or newer: '$(PYTHON)' was not found. Install python3 (3.11-3.13)."; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, 13) else 1)' || { echo "civicdesk needs Python 3.11-3.13; '$(PYTHON)' is $$($(PYTHON) -V 2>&1). Set PYTHON=python3.12, for example."; exit 1; }
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { echo "Python's venv module is missing: install it (Debian/Ubuntu: apt-get install python3-venv)."; exit 1; }

$(VENV)/.installed: requirements.lock | check-python
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $@

demo: $(VENV)/.installed
	@mkdir -p var
	CIVICDESK_DEMO=true $(PY) manage.py migrate --no-input -v0
	CIVICDESK_DEMO=true $(PY) manage.py demo_data
	CIVICDESK_DEMO=true PORT=$(PORT) $(PY) manage.py serve --port $(PORT)

browser:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's Chromium for the browser tests"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || { echo "Could not install chromium with apt-get."; exit 1; }; \
	  else echo "The browser tests need Chromium at $(CHROMIUM): install Debian's 'chromium' package (or set CHROMIUM=/path)."; exit 1; fi; }

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

test: $(VENV)/.installed browser lint
	@echo "== tests on SQLite"
	DATABASE_URL= CIVICDESK_CHROMIUM=$(CHROMIUM) $(VENV)/bin/pytest -q
	@if [ -n "$$CIVICDESK_TEST_POSTGRES_URL" ]; then \
	  echo "== tests on PostgreSQL"; \
	  DATABASE_URL="$$CIVICDESK_TEST_POSTGRES_URL" REDIS_URL="$${CIVICDESK_TEST_REDIS_URL:-}" CIVICDESK_CHROMIUM=$(CHROMIUM) $(VENV)/bin/pytest -q; \
	elif [ "$$CI" = true ]; then echo "CI=true but CIVICDESK_TEST_POSTGRES_URL is not set: the PostgreSQL run is required in CI."; exit 1; \
	else echo "(PostgreSQL run skipped: set CIVICDESK_TEST_POSTGRES_URL=postgres://user@host:5432/name to run the suite there too)"; fi

messages: $(VENV)/.installed
	CIVICDESK_DEMO=true $(PY) manage.py makemessages -l da -l sv -l nb --no-obsolete --add-location=never \
	  --ignore='.venv/*' --ignore='tests/*' --ignore='bench/*' --ignore='var/*' --ignore='docs/*'
	@echo "Translate the new entries in civicdesk/locale/{da,sv,nb}/LC_MESSAGES/django.po, then: make compile-messages"

compile-messages: $(VENV)/.installed
	CIVICDESK_DEMO=true $(PY) manage.py compilemessages --ignore='.venv/*'

bench: $(VENV)/.installed
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) var
