# 信访工作专家会商与法律审查平台 — the two commands: `make run` and `make test`.
# Both do all set-up on a fresh machine: system packages (when root), a virtualenv,
# requirements, fonts for documents, migrations and demo data.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
WORKERS ?= 2
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test
# pytest-xdist processes per database run: the suite is CPU-bound Python, and two cores halve it.
# Each process has its own SQLite file or PostgreSQL schema (tests/conftest.py). TEST_WORKERS=0 runs serially.
TEST_WORKERS ?= 2
PYTEST = $(BIN)/python -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS) tests
export FLASK_APP := app

.PHONY: run test setup system-deps venv db demo fonts lint test-sqlite test-postgres postgres bench load clean

run: setup db demo
	@$(BIN)/flask seed logins
	@echo "Serving on http://$(HOST):$(PORT)  (Ctrl+C to stop)"
	$(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile - 'app:create_app()'

test: setup lint test-sqlite test-postgres

setup: system-deps venv fonts

system-deps:
	@scripts/system-deps.sh

venv: $(BIN)/.installed

$(BIN)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

fonts: venv
	@if [ -f app/documents/fonts.py ]; then $(BIN)/python -m app.documents.fonts build; fi

db: venv
	$(BIN)/flask db upgrade

demo: db
	$(BIN)/flask pki init
	$(BIN)/flask seed demo
	$(BIN)/flask search rebuild

lint: venv
	$(BIN)/ruff check app expert_pool tests bench

test-sqlite: venv
	$(PYTEST)

postgres:
	@scripts/ensure-postgres.sh

test-postgres: venv postgres
	TEST_DATABASE_URL=$(PG_TEST_URL) $(PYTEST)

bench: setup
	$(BIN)/python bench/pool.py
	@for b in bench/draw.py bench/pdf.py; do [ -f $$b ] && $(BIN)/python $$b || true; done

# Full-scale load (bench/load.py): 50 users for 2 minutes on SQLite (WORKERS) and on PostgreSQL (4 workers).
load: setup postgres
	$(BIN)/python bench/load.py --db sqlite --workers $(WORKERS)
	$(BIN)/python bench/load.py --db postgresql --workers 4 --users 50 --duration 120

clean:
	rm -rf $(VENV) instance .pytest_cache
