# Telephony Portal — `make run` and `make test` are all a newcomer needs (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_ARGS ?= -n 2

.PHONY: run test lint venv migrate seed bench bench-billing clean worker beat eval-risk

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $(STAMP)

migrate: venv
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

run: seed
	@$(BIN)/python manage.py demo_logins
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: venv
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

# Clause-risk scanner quality: per-code P/R/F1 on the English benchmark (test split) and the Russian gold set.
eval-risk: venv
	$(BIN)/python manage.py eval_risk $(EVAL_ARGS)

worker: venv
	$(BIN)/celery -A telephony_portal worker -l info

beat: venv
	$(BIN)/celery -A telephony_portal beat -l info

clean:
	rm -rf var/db.sqlite3 staticfiles .pytest_cache

# `make bench`: import, rating, report and PDF against same-run baselines (B0/B1/R0/Q0/D0), behind
# correctness gates, plus the scanner quality; PostgreSQL, a throwaway database (docs/bench.md).
# BENCH_N=100000 for a quicker run; BENCH_DATABASE_URL to use a database of your own.
BENCH_N ?= 1000000
bench: venv
	BENCH_N=$(BENCH_N) $(BIN)/python bench/run.py

# The old rating/report benchmark is part of `make bench` now.
bench-billing: bench
