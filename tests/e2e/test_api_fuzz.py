"""A property-based run over docs/openapi.json (schemathesis): for every operation, generated
requests, valid and invalid, as a candidate and as a recruiter. No input may produce a 5xx, and
every answer must be a documented status whose body and content type match the document."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

from local.paths import OPENAPI_JSON

# Logging out would end the fuzzing identities' sessions mid-run; the contract walk covers it.
schema = schemathesis.openapi.from_path(OPENAPI_JSON).exclude(path="/auth/logout")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def identities(make_user):
    return {"candidate": make_user("candidate", "Fuzz Candidate")["token"], "recruiter": make_user("recruiter", "Fuzz Recruiter")["token"]}


@schema.parametrize()
@settings(max_examples=50, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck), database=None)
def test_no_generated_request_gets_a_server_error_or_an_undocumented_answer(case, gateway_url, identities):
    for token in identities.values():
        case.call_and_validate(base_url=gateway_url, headers={"Authorization": f"Bearer {token}"}, checks=CHECKS, timeout=60)
