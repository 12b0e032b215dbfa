"""The OpenAPI 3.1 document of the whole API: every function of serverless.yml that has a URL,
each function's routes under its own path prefix (`/process-turn/{interview_id}`), one bearer
security scheme and the error envelope as a shared component.

`python -m local.openapi` (or `make openapi`) writes docs/openapi.json; `--check` exits 1 when
the committed file differs from what the code generates (the test suite checks the same).
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from typing import Any

from aws_lambda_powertools.event_handler.openapi.merge import OpenAPIMerge
from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer, Server

from local.gateway import FunctionSpec, load_specs
from local.paths import OPENAPI_JSON
from shared.http import BEARER_SCHEME, Api
from shared.settings import VERSION

TITLE = "Teamified Candidates Portal API"
DESCRIPTION = (
    "Every function of the backend, each under its own path prefix. Locally the gateway serves them at "
    "`http://127.0.0.1:8000/<function>/<path>`; in production each function has its own URL and receives `/<path>`. "
    "Authenticated routes take a Supabase access token as `Authorization: Bearer <token>`. Every response is the envelope "
    '`{"success": true, "data": ...}` or `{"success": false, "error": {"code", "message", "request_id", "details?"}}`. '
    "See docs/api.md."
)
SECURITY_SCHEMES = {BEARER_SCHEME: HTTPBearer(bearerFormat="JWT", description="A Supabase Auth access token.")}
SECURITY_SCHEMES_JSON = {name: scheme.model_dump(by_alias=True, exclude_none=True, mode="json") for name, scheme in SECURITY_SCHEMES.items()}
REF_PREFIX = "#/components/schemas/"
POWERTOOLS_ONLY_SCHEMAS = ("HTTPValidationError", "ValidationError", "ResponseValidationError")


def _function_app(spec: FunctionSpec) -> Api:
    module = importlib.import_module(spec.handler.rpartition(".")[0].replace("/", "."))
    app = getattr(module, "app", None)
    if not isinstance(app, Api):
        raise SystemExit(f"{spec.handler}: a function with a URL must expose its resolver as `app` (shared.http.create_app())")
    return app


def _prefixed(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    """One function's schema with its paths under /<name>, tagged and with unique operation ids."""
    paths: dict[str, Any] = {}
    for path, item in schema.get("paths", {}).items():
        for operation in item.values():
            operation["tags"] = [name]
            operation["operationId"] = f"{name.replace('-', '_')}__{operation['operationId']}"
            responses = operation["responses"]
            if "422" in responses and "parameters" not in operation and "requestBody" not in operation:
                del responses["422"]  # Powertools documents 422 on every route; without input none can happen
            # Powertools documents its own body for a response that fails validation; ours is the error envelope.
            if "500" in responses:
                responses["500"] = {
                    "description": "Internal Server Error. `INTERNAL_ERROR`: An unexpected error occurred.",
                    "content": {"application/json": {"schema": {"$ref": REF_PREFIX + "ErrorEnvelope"}}},
                }
            operation["responses"] = dict(sorted(responses.items()))
        paths[f"/{name}{path}"] = item
    return {**schema, "paths": paths}


def _referenced(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(REF_PREFIX):
            found.add(ref[len(REF_PREFIX) :])
        for value in node.values():
            _referenced(value, found)
    elif isinstance(node, list):
        for value in node:
            _referenced(value, found)


def _prune(document: dict[str, Any]) -> None:
    """Drop component schemas nothing refers to (Powertools adds its own validation error bodies)."""
    schemas = document.get("components", {}).get("schemas", {})
    used: set[str] = set()
    _referenced(document.get("paths", {}), used)
    pending = list(used)
    while pending:
        name = pending.pop()
        nested: set[str] = set()
        _referenced(schemas.get(name, {}), nested)
        for item in nested - used:
            used.add(item)
            pending.append(item)
    document["components"]["schemas"] = {name: schemas[name] for name in sorted(schemas) if name in used}


def build() -> dict[str, Any]:
    """The merged document, as a plain JSON-ready dict."""
    merge = OpenAPIMerge(
        title=TITLE,
        version=VERSION,
        description=DESCRIPTION,
        servers=[Server(url="http://127.0.0.1:8000", description="Local gateway (make dev)")],
        security_schemes=SECURITY_SCHEMES_JSON,  # type: ignore[arg-type]  # merged into the output as they are
        on_conflict="error",
    )
    seen_schemas: dict[str, Any] = {}
    for name, spec in load_specs().items():
        if not spec.url:
            continue
        schema = _function_app(spec).get_openapi_schema(title=name, version=VERSION, security_schemes=SECURITY_SCHEMES)
        plain = json.loads(schema.model_dump_json(by_alias=True, exclude_none=True))
        for component, body in plain.get("components", {}).get("schemas", {}).items():
            if component in seen_schemas and seen_schemas[component] != body and component not in POWERTOOLS_ONLY_SCHEMAS:
                raise SystemExit(f"{name}: component {component} differs from another function's; give one of the models another name")
            seen_schemas[component] = body
        merge.add_schema(_prefixed(name, plain))
    document: dict[str, Any] = json.loads(json.dumps(merge.get_openapi_schema(), default=str))
    _prune(document)
    return document


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 when docs/openapi.json is not current")
    args = parser.parse_args(argv)
    current = render(build())
    if args.check:
        if not OPENAPI_JSON.exists() or OPENAPI_JSON.read_text() != current:
            print(f"{OPENAPI_JSON.relative_to(OPENAPI_JSON.parents[1])} is out of date: run `make openapi` and commit it", file=sys.stderr)
            return 1
        return 0
    OPENAPI_JSON.write_text(current)
    print(f"wrote {OPENAPI_JSON} ({len(build()['paths'])} paths)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
