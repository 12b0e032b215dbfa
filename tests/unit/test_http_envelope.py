import pytest
from pydantic import BaseModel, Field

from shared import errors
from shared.http import create_app, make_handler, ok
from tests.support import invoke


class Item(BaseModel):
    name: str = Field(min_length=2)
    count: int


def _app_raising(exc: Exception):
    app = create_app()

    @app.get("/boom")
    def boom():
        raise exc

    @app.post("/items")
    def create(item: Item):
        return ok(item, 201)

    return make_handler(app)


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (errors.BadRequest(), 400, "BAD_REQUEST"),
        (errors.Unauthorized(), 401, "UNAUTHORIZED"),
        (errors.Forbidden(), 403, "FORBIDDEN"),
        (errors.NotFound(), 404, "NOT_FOUND"),
        (errors.Conflict("Already there."), 409, "CONFLICT"),
        (errors.ValidationFailed(), 422, "VALIDATION_ERROR"),
        (errors.UpstreamFailed(), 502, "UPSTREAM_ERROR"),
        (errors.ServiceUnavailable(), 503, "SERVICE_UNAVAILABLE"),
    ],
)
def test_app_errors_map_to_status_and_code(exc, status, code):
    reply = invoke(_app_raising(exc), "GET", "/boom")
    assert reply.status == status
    assert reply.body["success"] is False
    assert reply.error["code"] == code
    assert reply.error["message"] == exc.message
    assert reply.error["request_id"] == reply.headers["x-request-id"]


def test_default_message_is_the_docstring():
    assert errors.NotFound().message == "The resource was not found."


def test_rate_limited_sets_retry_after():
    reply = invoke(_app_raising(errors.RateLimited(retry_after=42)), "GET", "/boom")
    assert reply.status == 429
    assert reply.headers["retry-after"] == "42"


def test_unexpected_exception_is_a_generic_500_without_internals():
    reply = invoke(_app_raising(RuntimeError("secret internals at /srv/app.py line 3")), "GET", "/boom")
    assert reply.status == 500
    assert reply.error["code"] == "INTERNAL_ERROR"
    assert "secret" not in str(reply.body)


def test_success_envelope_and_security_headers():
    reply = invoke(_app_raising(errors.NotFound()), "POST", "/items", json_body={"name": "ab", "count": 2})
    assert reply.status == 201
    assert reply.body == {"success": True, "data": {"name": "ab", "count": 2}}
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert reply.headers["x-frame-options"] == "DENY"
    assert reply.headers["referrer-policy"]
    assert reply.headers["strict-transport-security"].startswith("max-age=")


def test_invalid_body_is_422_with_field_details_but_no_values():
    reply = invoke(_app_raising(errors.NotFound()), "POST", "/items", json_body={"name": "x", "count": "many"})
    assert reply.status == 422
    assert reply.error["code"] == "VALIDATION_ERROR"
    locations = {tuple(item["loc"]) for item in reply.error["details"]}
    assert ("name",) in locations and ("count",) in locations
    assert "many" not in str(reply.body)


def test_malformed_json_is_400():
    reply = invoke(_app_raising(errors.NotFound()), "POST", "/items", body=b"{not json", headers={"content-type": "application/json"})
    assert reply.status == 400
    assert reply.error["code"] == "BAD_REQUEST"


def test_unknown_route_is_enveloped_404():
    reply = invoke(_app_raising(errors.NotFound()), "GET", "/nowhere")
    assert reply.status == 404
    assert reply.error["code"] == "NOT_FOUND"


def test_cors_allows_only_listed_origins():
    handler = _app_raising(errors.NotFound())
    allowed = invoke(handler, "OPTIONS", "/items", headers={"origin": "http://localhost:3000", "access-control-request-method": "POST"})
    assert allowed.headers.get("access-control-allow-origin") == "http://localhost:3000"
    denied = invoke(handler, "OPTIONS", "/items", headers={"origin": "https://evil.example", "access-control-request-method": "POST"})
    assert "access-control-allow-origin" not in denied.headers
