import pytest
from pydantic import BaseModel, Field

from shared import errors
from shared.auth import AnyCaller, Manager
from shared.http import Envelope, create_app, make_handler, ok, raises
from tests.support import invoke


class Item(BaseModel):
    name: str = Field(min_length=2)
    count: int


class Counted(BaseModel):
    count: int


def _app(exc: Exception | None = None):
    app = create_app()

    @app.get("/boom")
    def boom() -> Envelope[Item]:
        raise exc or errors.NotFound()

    @app.post("/items", status_code=201)
    def create(item: Item) -> Envelope[Item]:
        return ok(item)

    @app.get("/broken")
    def broken() -> Envelope[Counted]:
        return ok({"count": "not a number", "secret": "internals"})  # type: ignore[arg-type]

    @app.get("/who")
    @raises(errors.Conflict)
    def who(caller: AnyCaller) -> Envelope[Counted]:
        return ok(Counted(count=len(caller.user_id)))

    @app.get("/manage")
    def manage(caller: Manager) -> Envelope[Counted]:
        return ok(Counted(count=1))

    return app


def _app_raising(exc: Exception):
    return make_handler(_app(exc))


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


def test_a_response_that_fails_its_own_model_is_a_generic_500():
    reply = invoke(_app_raising(errors.NotFound()), "GET", "/broken")
    assert reply.status == 500
    assert reply.error["code"] == "INTERNAL_ERROR"
    assert "internals" not in str(reply.body) and "not a number" not in str(reply.body)


def test_a_route_needing_a_caller_refuses_a_request_without_a_token():
    reply = invoke(_app_raising(errors.NotFound()), "GET", "/who")
    assert reply.status == 401
    assert reply.error["code"] == "UNAUTHORIZED"


def test_a_route_limited_to_roles_refuses_other_roles(monkeypatch):
    from tests.support import access_token

    monkeypatch.setenv("SUPABASE_JWT_SECRET", "unit-test-secret-that-is-long-enough-for-hs256-0123456789")
    from shared.settings import get_settings

    get_settings.cache_clear()
    handler = _app_raising(errors.NotFound())
    token = access_token("00000000-0000-0000-0000-000000000001", "candidate", session=False)
    candidate = invoke(handler, "GET", "/manage", token=token)
    get_settings.cache_clear()
    assert candidate.status == 403 and candidate.error["code"] == "FORBIDDEN"


def test_openapi_documents_caller_roles_and_declared_errors():
    from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer

    schema = _app().get_openapi_schema(security_schemes={"bearerAuth": HTTPBearer()}).model_dump(by_alias=True, exclude_none=True)
    who = schema["paths"]["/who"]["get"]
    manage = schema["paths"]["/manage"]["get"]
    items = schema["paths"]["/items"]["post"]
    assert who["security"] == [{"bearerAuth": []}] and "security" not in items
    assert {"200", "401", "409", "422", "500", "503"} <= set(map(str, who["responses"])) and "403" not in map(str, who["responses"])
    assert "403" in map(str, manage["responses"])
    assert {"201", "400", "415"} <= set(map(str, items["responses"]))
    assert "`CONFLICT`" in who["responses"][409]["description"]


@pytest.mark.parametrize("content_type", ["multipart/form-data", "application/x-www-form-urlencoded", "text/plain"])
def test_a_json_route_refuses_other_body_types_with_415(content_type):
    reply = invoke(_app_raising(errors.NotFound()), "POST", "/items", body=b'{"name": "ab", "count": 2}', headers={"content-type": content_type})
    assert reply.status == 415
    assert reply.error["code"] == "UNSUPPORTED_MEDIA_TYPE"
