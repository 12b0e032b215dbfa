# The two commands: `make dev` (serve everything locally) and `make test` (the whole suite).
.PHONY: dev test stop db-reset lint bootstrap bench

PY := .venv/bin/python
PYTEST_ARGS ?=

bootstrap:
	@sh local/bootstrap.sh

dev: bootstrap
	$(PY) -m local up

test: bootstrap
	.venv/bin/ruff check .
	$(PY) -m pytest $(PYTEST_ARGS)

stop:
	@if [ -x $(PY) ]; then $(PY) -m local stop; fi

db-reset: bootstrap
	$(PY) -m local db-reset

lint: bootstrap
	.venv/bin/ruff check .
