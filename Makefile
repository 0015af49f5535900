# The two commands that matter: `make run` (everything, locally) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

.DEFAULT_GOAL := run
.PHONY: run test test-at test-embedded install install-dev lint typecheck format check-deploy messages clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[embedded]"
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[dev,embedded]"
	touch $@

# A development .env: DEBUG on, so the embedded PostgreSQL and Redis start by themselves.
.env:
	printf '# Written by make for development; see .env.example for every variable.\nDEBUG=true\n' > .env

install: $(VENV)/.installed .env
install-dev: $(VENV)/.installed-dev .env

## Run everything locally: embedded services, migrations, demo data, web + worker + beat.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho -f Procfile.dev start

## Run the whole test suite (embedded services unless DATABASE_URL / CELERY_BROKER_URL are set).
test: install-dev
	$(PY) -m pytest $(PYTEST_ARGS)

## The whole suite from a pinned moment of Almaty's clock, e.g. `make test-at AT="2026-12-06 00:30:00"`
## (a Sunday just after midnight): the tests and the Celery workers they start run from there
## (time_machine; tests/conftest.py), so no test may depend on the day the suite runs.
test-at: install-dev
	TEST_AT="$(AT)" $(PY) -m pytest $(PYTEST_ARGS)

## The whole suite on the embedded PostgreSQL and Redis, whatever the environment says (a laptop).
test-embedded: install-dev
	env -u DATABASE_URL -u DATABASE_OWNER_URL -u CELERY_BROKER_URL DEBUG=true $(PY) -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

## mypy with Django's plugin over the application code ([tool.mypy] in pyproject.toml). The plugin
## imports the settings, which need these variables; DEBUG off so that no embedded server starts.
## Nothing connects to them.
typecheck: install-dev
	DEBUG=false SECRET_KEY=typecheck ALLOWED_HOSTS=localhost \
	DATABASE_URL=postgresql://typecheck@127.0.0.1:5432/typecheck \
	CELERY_BROKER_URL=redis://127.0.0.1:6379/0 \
	$(BIN)/mypy

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Rebuild the translation catalogues (needs GNU gettext: apt-get install gettext).
messages: install-dev
	$(PY) manage.py makemessages --locale ru --locale kk --locale en --ignore ".venv/*" --ignore "static/vendor/*" --ignore "tests/*" --ignore "templates/simple_history/*" --no-obsolete
	$(PY) manage.py library_messages
	$(PY) manage.py compilemessages --ignore ".venv/*"

clean:
	rm -rf $(VENV) staticfiles
