"""HTTP layer of every function: the response envelope, the app (Powertools'
LambdaFunctionUrlResolver with request and response validation), the OpenAPI responses every
route documents, and the one place where exceptions become status codes."""

from __future__ import annotations

import copy
import inspect
import json
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Annotated, Any, Generic, Literal, TypeVar, get_args, get_origin, get_type_hints

import psycopg
from aws_lambda_powertools.event_handler import CORSConfig, LambdaFunctionUrlResolver, Response, content_types
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.exceptions import NotFoundError, ServiceError
from aws_lambda_powertools.event_handler.middlewares.openapi_validation import OpenAPIRequestValidationMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
    ResponseValidationError,
)
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.logging import correlation_paths
from pydantic import BaseModel, Field

from shared import cold_start, deadline
from shared.errors import (
    AppError,
    BadRequest,
    Forbidden,
    ServiceUnavailable,
    Unauthorized,
    UnsupportedMediaType,
    ValidationFailed,
)
from shared.logs import logger
from shared.models.base import Model
from shared.settings import get_settings

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    "Cache-Control": "no-store",
}


_request_id: ContextVar[str] = ContextVar("request_id", default="")

T = TypeVar("T")
AnyCallableT = TypeVar("AnyCallableT", bound=Callable[..., Any])


class Envelope(Model, Generic[T]):
    """Every success response: {"success": true, "data": ...}."""

    success: Literal[True] = True
    data: T


class ErrorInfo(Model):
    code: str = Field(description="Stable machine-readable code, e.g. NOT_FOUND or INTERVIEW_NOT_ACTIVE.")
    message: str = Field(description="A human-readable message that is safe to show.")
    request_id: str = Field(description="The request id, also sent as the X-Request-Id header.")
    details: Any | None = Field(default=None, description="Optional structured details (validation errors list loc/type/msg).")


class ErrorEnvelope(Model):
    """Every failure response: {"success": false, "error": {...}}."""

    success: Literal[False] = False
    error: ErrorInfo


def ok(data: T) -> Envelope[T]:
    """A success envelope around `data`; the route's return annotation validates and documents it."""
    return Envelope(data=data)


def respond(data: T, status_code: int) -> Response[Envelope[T]]:
    """A success envelope with a status decided at run time (e.g. 202 while an assessment is scoring)."""
    return Response(status_code=status_code, content_type=content_types.APPLICATION_JSON, body=ok(data))


def no_content() -> Response[None]:
    return Response(status_code=HTTPStatus.NO_CONTENT, content_type=None, body=None)


def raises(*errors: type[AppError]) -> Callable[[AnyCallableT], AnyCallableT]:
    """Declare the domain errors a route can answer with (beyond the ones every route can), for
    its OpenAPI responses. Put it under the route decorator."""

    def mark(func: AnyCallableT) -> AnyCallableT:
        func.__api_errors__ = errors  # type: ignore[attr-defined]
        return func

    return mark


def answers_with(content_type: str, description: str) -> Callable[[AnyCallableT], AnyCallableT]:
    """Declare that the route's success body is `content_type` text (e.g. text/csv) rather than the
    JSON envelope; its errors stay enveloped JSON. The route returns `download(...)`."""

    def mark(func: AnyCallableT) -> AnyCallableT:
        func.__api_content__ = {"description": description, "content": {content_type: {"schema": {"type": "string"}}}}  # type: ignore[attr-defined]
        return func

    return mark


def download(body: str, content_type: str, file_name: str, headers: dict[str, str] | None = None) -> Response[str]:
    """A text file answered as an attachment named `file_name` (the route declares `answers_with`)."""
    disposition = {"Content-Disposition": f'attachment; filename="{file_name}"'}
    return Response(status_code=HTTPStatus.OK, content_type=content_type, body=body, headers={**disposition, **(headers or {})})


def also_answers(status_code: int, description: str) -> Callable[[AnyCallableT], AnyCallableT]:
    """Declare a second success status of a route (same body schema), e.g. 202 while still processing."""

    def mark(func: AnyCallableT) -> AnyCallableT:
        func.__api_also__ = {**getattr(func, "__api_also__", {}), status_code: description}  # type: ignore[attr-defined]
        return func

    return mark


def error_response(
    status_code: int,
    code: str,
    message: str,
    details: Any = None,
    headers: dict[str, str] | None = None,
) -> Response[str]:
    """A failure envelope: {"success": false, "error": {code, message, request_id, details?}}."""
    error: dict[str, Any] = {"code": code, "message": message, "request_id": current_request_id()}
    if details is not None:
        error["details"] = details
    return Response(
        status_code=status_code,
        content_type=content_types.APPLICATION_JSON,
        body=json.dumps({"success": False, "error": error}, default=str),
        headers=headers,
    )


def current_request_id() -> str:
    return _request_id.get()


def request_arrival(app: LambdaFunctionUrlResolver) -> datetime | None:
    """When the function URL received the current request (`requestContext.timeEpoch`, in ms),
    which can be well before the handler runs (a cold start, a busy instance); None when absent."""
    epoch_ms = (app.current_event.raw_event.get("requestContext") or {}).get("timeEpoch")
    if not isinstance(epoch_ms, int | float) or isinstance(epoch_ms, bool):
        return None
    return datetime.fromtimestamp(epoch_ms / 1000, tz=UTC)


def _validation_details(exc: RequestValidationError | RequestUnsupportedContentType) -> list[dict[str, Any]]:
    # Field locations and messages only: never echo the submitted values (they may hold PII).
    return [{"loc": [part for part in err.get("loc", ()) if part != "body"], "type": err.get("type"), "msg": err.get("msg")} for err in exc.errors()]


def _app_error(exc: AppError) -> Response[str]:
    if exc.status_code >= 500:
        logger.error("request failed", extra={"error_code": exc.code, "status": exc.status_code})
    return error_response(exc.status_code, exc.code, exc.message, exc.details, exc.headers)


def _invalid_request(exc: RequestValidationError) -> Response[str]:
    details = _validation_details(exc)
    if any(item["type"] == "json_invalid" for item in details):
        return error_response(400, "BAD_REQUEST", "The request body is not valid JSON.")
    return error_response(422, "VALIDATION_ERROR", "The request is not valid.", details)


def _undecodable(exc: UnicodeDecodeError) -> Response[str]:
    return error_response(400, "BAD_REQUEST", "The request body is not valid UTF-8.")


def _unsupported_type(exc: RequestUnsupportedContentType) -> Response[str]:
    return error_response(415, "UNSUPPORTED_MEDIA_TYPE", "The content type is not supported.")


def _no_route(exc: NotFoundError) -> Response[str]:
    return error_response(404, "NOT_FOUND", "No such route.")


def _service_error(exc: ServiceError) -> Response[str]:
    return error_response(exc.status_code, HTTPStatus(exc.status_code).name, str(exc.msg))


def _invalid_response(exc: ResponseValidationError) -> Response[str]:
    # A bug: the route produced a body its own response model refuses. Log where, never the body.
    logger.error("response failed validation", extra={"errors": [{"loc": e.get("loc"), "type": e.get("type")} for e in exc.errors()]})
    return error_response(500, "INTERNAL_ERROR", "An unexpected error occurred.")


def _database_unavailable(exc: psycopg.OperationalError) -> Response[str]:
    # Unreachable, restarting, or the connection dropped mid-transaction (which rolled it back).
    logger.warning("database unavailable", extra={"error_type": type(exc).__name__})
    return error_response(503, ServiceUnavailable.code, "The database is temporarily unavailable; try again shortly.")


def _unexpected(exc: Exception) -> Response[str]:
    logger.exception("unhandled error")
    return error_response(500, "INTERNAL_ERROR", "An unexpected error occurred.")


ERROR_MAPPING: tuple[tuple[type[Exception], Callable[[Any], Response[str]]], ...] = (
    (AppError, _app_error),
    (RequestValidationError, _invalid_request),
    (UnicodeDecodeError, _undecodable),
    (RequestUnsupportedContentType, _unsupported_type),
    (NotFoundError, _no_route),
    (ServiceError, _service_error),
    (ResponseValidationError, _invalid_response),
    (psycopg.OperationalError, _database_unavailable),
    (Exception, _unexpected),
)


def _register_error_mapping(app: Api) -> None:
    for exception, mapper in ERROR_MAPPING:
        app.exception_handler(exception)(mapper)


BEARER_SCHEME = "bearerAuth"
COMMON_ERRORS: tuple[type[AppError], ...] = (ServiceUnavailable,)
INPUT_ERRORS: tuple[type[AppError], ...] = (ValidationFailed,)
BODY_ERRORS: tuple[type[AppError], ...] = (BadRequest, UnsupportedMediaType)
SUCCESS_DESCRIPTIONS = {200: "OK", 201: "Created", 202: "Accepted", 204: "No Content"}


class InternalError(AppError):
    """An unexpected error occurred."""


def _inputs(func: Callable[..., Any]) -> tuple[bool, bool]:
    """(takes any path, query or body input, takes a JSON body) from the route's parameters."""
    hints = get_type_hints(func, include_extras=True)
    has_input = has_body = False
    for name in inspect.signature(func).parameters:
        annotation = hints.get(name)
        if get_origin(annotation) is Annotated:
            if any(isinstance(extra, Depends) for extra in get_args(annotation)[1:]):
                continue
            annotation = get_args(annotation)[0]
        has_input = True
        has_body = has_body or (isinstance(annotation, type) and issubclass(annotation, BaseModel))
    return has_input, has_body


def caller_roles(dependency: Callable[..., Any]) -> tuple[bool, frozenset[str] | None]:
    """(is a caller dependency, roles it accepts or None for any role): shared.auth marks its
    dependencies with a `caller_roles` attribute (read here, so that a function without callers,
    such as health, never imports the token verifier)."""
    if not hasattr(dependency, "caller_roles"):
        return False, None
    return True, dependency.caller_roles


def _caller_requirement(func: Callable[..., Any]) -> tuple[bool, frozenset[str] | None]:
    """Whether the route declares a caller, and the roles it accepts (None: any role)."""
    for annotation in get_type_hints(func, include_extras=True).values():
        if get_origin(annotation) is Annotated:
            for extra in get_args(annotation)[1:]:
                if isinstance(extra, Depends):
                    needs_caller, accepted = caller_roles(extra.dependency)
                    if needs_caller:
                        return True, accepted
    return False, None


def documented_responses(
    func: Callable[..., Any], status_code: int, *, has_input: bool, has_body: bool, needs_caller: bool, restricted: bool
) -> dict[int, OpenAPIResponse]:
    """The OpenAPI responses of a route: its success (schema from the return annotation) and every
    error status it can answer with, each listing its error codes, in the error envelope."""
    errors: list[type[AppError]] = [*COMMON_ERRORS, InternalError]
    if has_input:
        errors += INPUT_ERRORS
    if has_body:
        errors += BODY_ERRORS
    if needs_caller:
        errors.append(Unauthorized)
    if restricted:
        errors.append(Forbidden)
    errors += getattr(func, "__api_errors__", ())
    codes: dict[int, dict[str, str]] = {}
    for error in errors:
        codes.setdefault(error.status_code, {})[error.code] = (error.__doc__ or "").strip()
    responses: dict[int, OpenAPIResponse] = {status_code: {"description": SUCCESS_DESCRIPTIONS.get(status_code, "OK")}}
    if hasattr(func, "__api_content__"):  # a non-JSON body (answers_with)
        responses[status_code] = copy.deepcopy(func.__api_content__)
    if status_code == HTTPStatus.NO_CONTENT:
        responses[status_code]["content"] = {}
    for also_status, also_description in getattr(func, "__api_also__", {}).items():
        responses[also_status] = {"description": also_description}
    for status in sorted(codes):
        listed = "; ".join(f"`{code}`: {message}" for code, message in sorted(codes[status].items()))
        responses[status] = {
            "description": f"{HTTPStatus(status).phrase}. {listed}",
            "content": {content_types.APPLICATION_JSON: {"model": ErrorEnvelope}},
        }
    return responses


def _json_int(digits: str) -> int:
    try:
        return int(digits)
    except ValueError as exc:  # more digits than Python converts (sys.get_int_max_str_digits, 4300)
        raise BadRequest("The request body holds a number with too many digits.") from exc


def parse_json_body(body: str) -> Any:
    """The JSON request body, as Powertools' deserializer: a body nested deeper than the parser's
    recursion limit, or an integer too long to convert, is a 400 rather than an unhandled error
    (malformed JSON stays Powertools' own JSONDecodeError, answered 400 by `_invalid_request`)."""
    try:
        return json.loads(body, parse_int=_json_int)
    except RecursionError as exc:
        raise BadRequest("The request body is nested too deeply.") from exc


class JsonBodyValidation(OpenAPIRequestValidationMiddleware):
    """Powertools' request validation, reading request bodies as JSON only: every request model is
    JSON, so a form or multipart body sent to such a route is a 415 rather than a form parse (whose
    parser raises a bare ValueError on a multipart type without a boundary)."""

    def _get_body(self, app: Any) -> dict[str, Any]:
        content_type = (app.current_event.headers.get("content-type") or "").strip().lower()
        if content_type and not content_type.startswith(content_types.APPLICATION_JSON):
            raise RequestUnsupportedContentType("Unsupported content type", errors=[{"type": "unsupported_content_type", "loc": ("body",)}])
        body: dict[str, Any] = super()._get_body(app)
        return body


class Api(LambdaFunctionUrlResolver):
    """The resolver every function uses. Each route's OpenAPI entry is completed from what the
    route itself declares: its caller dependency (bearer scheme, 401, 403 when roles are
    restricted), its body, its `@raises(...)` errors, and its docstring (summary, description)."""

    def route(
        self,
        rule: str,
        method: str | list[str] | tuple[str],
        cors: bool | None = None,
        compress: bool = False,
        cache_control: str | None = None,
        summary: str | None = None,
        description: str | None = None,
        responses: dict[int, OpenAPIResponse] | None = None,
        response_description: str = "Successful Response",
        tags: list[str] | None = None,
        operation_id: str | None = None,
        include_in_schema: bool = True,
        security: list[dict[str, list[str]]] | None = None,
        openapi_extensions: dict[str, Any] | None = None,
        deprecated: bool = False,
        enable_validation: bool | None = None,
        custom_response_validation_http_code: int | HTTPStatus | None = None,
        status_code: int = 200,
        middlewares: list[Callable[..., Any]] | None = None,
    ) -> Callable[[AnyCallableT], AnyCallableT]:
        def register(func: AnyCallableT) -> AnyCallableT:
            needs_caller, accepted = _caller_requirement(func)
            has_input, has_body = _inputs(func)
            doc = inspect.cleandoc(func.__doc__ or "")
            first, _, rest = doc.partition("\n")
            register_route = super(Api, self).route(
                rule,
                method,
                cors,
                compress,
                cache_control,
                summary or first or None,
                description or rest.strip() or None,
                responses
                or documented_responses(
                    func, status_code, has_input=has_input, has_body=has_body, needs_caller=needs_caller, restricted=accepted is not None
                ),
                response_description,
                tags,
                operation_id or func.__name__,
                include_in_schema,
                security or ([{BEARER_SCHEME: []}] if needs_caller else None),
                openapi_extensions,
                deprecated,
                enable_validation,
                custom_response_validation_http_code,
                status_code,
                middlewares,
            )
            return register_route(func)

        return register


def create_app() -> Api:
    """A resolver with request and response validation, the CORS allow-list and the error mapping installed."""
    origins = get_settings().cors_allow_origins
    cors = CORSConfig(
        allow_origin=origins[0] if origins else "",
        extra_origins=origins[1:],
        allow_headers=["X-Request-Id"],
        expose_headers=["X-Request-Id", "Retry-After"],
        max_age=600,
    )
    app = Api(
        cors=cors,
        enable_validation=True,
        response_validation_error_http_code=HTTPStatus.INTERNAL_SERVER_ERROR,
        json_body_deserializer=parse_json_body,
    )
    app._request_validation_middleware = JsonBodyValidation()  # type: ignore[no-untyped-call]  # Powertools leaves its constructor unannotated
    _register_error_mapping(app)
    return app


def time_budget(context: Any) -> float | None:
    """Seconds this invocation may spend waiting on others: the Lambda context's remaining time
    less FUNCTION_RESERVE_S (kept for writing the result and answering); None without a context."""
    remaining_ms = getattr(context, "get_remaining_time_in_millis", None)
    if not callable(remaining_ms):
        return None
    return float(remaining_ms()) / 1000 - get_settings().function_reserve_s


def make_handler(app: Api) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """The Lambda entry point for an app: request id, structured logs, security headers. Called
    last by every HTTP function's module, so its import is over: garbage collection resumes."""
    cold_start.imported()

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.LAMBDA_FUNCTION_URL, clear_state=True)
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        request_id = (event.get("requestContext") or {}).get("requestId") or getattr(context, "aws_request_id", "")
        _request_id.set(str(request_id))
        with deadline.budget(time_budget(context)):
            result = app.resolve(event, context)
        headers = result.setdefault("headers", {})
        headers.update(SECURITY_HEADERS)
        headers["X-Request-Id"] = request_id
        return result

    return handler
