# The two commands: `make dev` (serve everything locally) and `make test` (the whole suite).
.PHONY: dev test stop db-reset lint typecheck openapi bootstrap package

PY := .venv/bin/python
PYTEST_ARGS ?=

bootstrap:
	@sh local/bootstrap.sh

dev: bootstrap
	$(PY) -m local up

test: lint typecheck
	$(PY) -m pytest $(PYTEST_ARGS)

lint: bootstrap
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

typecheck: bootstrap
	.venv/bin/mypy

# Regenerate docs/openapi.json from the code (a test fails while the committed file is stale).
openapi: bootstrap
	$(PY) -m local.openapi

# Build the zip serverless.yml deploys (package.artifact): code and production wheels for its runtime.
package: bootstrap
	$(PY) -m local.package

stop:
	@if [ -x $(PY) ]; then $(PY) -m local stop; fi

db-reset: bootstrap
	$(PY) -m local db-reset
