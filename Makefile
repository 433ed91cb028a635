# Smartstadt – every target works on a fresh clone and can run again without harm.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
PYTHON ?= $(shell scripts/find-python)
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
PO_FILE := locale/de/LC_MESSAGES/django.po
MO_FILE := locale/de/LC_MESSAGES/django.mo
STATIC_STAMP := var/static/.collected
# Local targets run in the embedded profile: debug pages, demo accounts. Production sets DEBUG=0 and its secrets.
export DEBUG ?= 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help install local-env run test test-fast check bench system-deps browser-deps messages clean

help:
	@echo "make run    – installieren, Demo-Region laden, Plattform auf http://127.0.0.1:$(PORT) starten"
	@echo "make test   – alle Tests (Browser-Tests, wo Chromium vorhanden ist)"
	@echo "make check  – ruff, mypy, Migrationen, Templates, Übersetzungen"
	@echo "make bench  – Messungen nach bench/results.json"
	@echo "make install – nur installieren (virtualenv, npm, statische Dateien, Migrationen)"

system-deps:
	@scripts/ensure-debian-packages gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core

browser-deps:
	@scripts/ensure-debian-packages chromium chromium-driver fonts-dejavu-core || \
		echo "Chromium fehlt: die Browser-Tests werden übersprungen."

$(PY_STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev,semantic]"
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Translations and static files only when their sources changed: a second `make run` starts at once.
$(MO_FILE): $(PO_FILE) $(PY_STAMP)
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules --verbosity=0
	@touch $@

$(STATIC_STAMP): $(PY_STAMP) $(NODE_STAMP) config/settings.py $(shell find static -type f 2>/dev/null)
	@echo "Statische Dateien werden gesammelt und komprimiert …"
	$(PY) manage.py collectstatic --noinput --verbosity=0 --ignore=django_htmx
	@touch $@

# The local profile for commands in a new shell (see config/settings.py, LOCAL_ENV); written only where the
# Makefile's DEBUG=1 is in effect, never by an install with DEBUG=0; the port only changes when one is given
# (`make run PORT=8300`), so a later `make test` keeps it.
local-env:
	@mkdir -p var
	@if [ "$(DEBUG)" = "1" ] && { [ ! -f var/local.env ] || [ "$(origin PORT)" != "file" ]; }; then \
		printf '# Lokales Profil, von make install geschrieben (im Betrieb nicht vorhanden).\nDEBUG=1\nSITE_URL=http://127.0.0.1:%s\n' "$(PORT)" > var/local.env; \
	fi

install: system-deps $(PY_STAMP) $(NODE_STAMP) $(MO_FILE) $(STATIC_STAMP) local-env
	$(PY) manage.py migrate --noinput --verbosity=0

run: install
	$(PY) manage.py load_demo
	$(PY) manage.py show_demo_logins --url http://127.0.0.1:$(PORT)
	$(PY) manage.py serve --port $(PORT)

test: install browser-deps
	$(PY) -m pytest

check: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(PY) manage.py makemigrations --check --dry-run --verbosity=1
	$(VENV)/bin/djlint templates --lint
	$(PY) scripts/check_translations.py

bench: install
	$(PY) bench/run.py

messages: $(PY_STAMP)
	$(PY) manage.py makemessages --locale=de --ignore=.venv --ignore=node_modules --ignore=var --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules --verbosity=0

clean:
	rm -rf $(VENV) node_modules var
