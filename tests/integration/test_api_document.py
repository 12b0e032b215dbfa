"""docs/openapi.json is the contract: valid OpenAPI 3.1, generated from the code (never edited by
hand), covering every route of every function with request, response and error schemas. Role
names are spelled in one Python module and agree with the SQL helpers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from openapi_spec_validator import validate

from local import openapi
from local.gateway import load_specs
from local.paths import OPENAPI_JSON, REPO_ROOT
from shared import roles

BODY_METHODS = {"post", "put", "patch"}


@pytest.fixture(scope="module")
def document():
    return json.loads(OPENAPI_JSON.read_text())


def test_the_committed_document_is_what_the_code_generates():
    assert OPENAPI_JSON.read_text() == openapi.render(openapi.build()), "docs/openapi.json is out of date: run `make openapi` and commit it"


def test_the_document_is_valid_openapi_3_1(document):
    validate(document)
    assert document["openapi"].startswith("3.1")


def test_every_route_of_every_function_with_a_url_is_documented(document):
    routes = set()
    for name, spec in load_specs().items():
        if not spec.url:
            continue
        app = openapi._function_app(spec)
        for route in app._static_routes + app._dynamic_routes:
            routes.add((route.method.lower(), f"/{name}{route.openapi_path}"))
    documented = {(method, path) for path, item in document["paths"].items() for method in item}
    assert routes == documented


def test_every_operation_has_schemas_for_its_success_and_its_errors(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            where = f"{method.upper()} {path}"
            success = [code for code in operation["responses"] if code.startswith("2")]
            assert success, where
            for code in success:
                content = operation["responses"][code].get("content", {})
                if code != "204" and set(content) != {"text/csv"}:  # a CSV download (recruiter export) is text, not an envelope
                    assert content["application/json"]["schema"]["$ref"].startswith("#/components/schemas/Envelope"), where
            errors = {code: body for code, body in operation["responses"].items() if code[0] in "45"}
            assert "500" in errors and "503" in errors, where
            for code, body in errors.items():
                assert body["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorEnvelope"}, f"{where} {code}"
                assert "`" in body["description"], f"{where} {code} lists no error code"
            if "security" in operation:
                assert operation["security"] == [{"bearerAuth": []}] and "401" in errors, where
            if method in BODY_METHODS and "requestBody" in operation:
                assert "422" in errors and "400" in errors, where


def test_routes_that_take_a_body_document_it(document):
    bodies = {(m, p) for p, item in document["paths"].items() for m, op in item.items() if "requestBody" in op}
    assert ("post", "/auth/register") in bodies and ("post", "/process-turn/{interview_id}") in bodies
    assert "multipart/form-data" in document["paths"]["/resumes/upload"]["post"]["requestBody"]["content"]


def test_no_route_authenticates_by_hand():
    for path in sorted((REPO_ROOT / "functions").glob("*.py")):
        source = path.read_text()
        assert "authenticate(" not in source and "bearer_token(" not in source, path.name


ROLE_LITERAL = re.compile(r"""["'](recruiter|admin|viewer)["'](?!\s*:)""")  # a role value, not a dict key


def test_role_names_are_spelled_only_in_the_roles_module():
    offenders = []
    for folder in ("shared", "functions"):
        for path in sorted((REPO_ROOT / folder).rglob("*.py")):
            if path == REPO_ROOT / "shared" / "roles.py":
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if ROLE_LITERAL.search(line):
                    offenders.append(f"{Path(path).relative_to(REPO_ROOT)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def _roles_in_sql_helper(conn, name: str) -> frozenset[str]:
    source = conn.execute("select pg_get_functiondef(%s::regprocedure) as body", [f"access.{name}()"]).fetchone()["body"]
    match = re.search(r"staff_role\(\)\s+(?:in\s*\(([^)]*)\)|=\s*'(\w+)')", source)
    assert match, source
    listed = match.group(1) or f"'{match.group(2)}'"
    return frozenset(re.findall(r"'(\w+)'", listed))


@pytest.mark.parametrize(("helper", "python_set"), [("is_staff", roles.STAFF), ("can_manage", roles.CAN_MANAGE), ("is_admin", roles.ADMIN)])
def test_python_role_sets_match_the_sql_helpers(admin_conn, helper, python_set):
    assert _roles_in_sql_helper(admin_conn, helper) == python_set
