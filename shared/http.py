"""HTTP layer of every function: the response envelope, the app factory on Powertools'
LambdaFunctionUrlResolver, and the one place where exceptions become status codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextvars import ContextVar
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import CORSConfig, LambdaFunctionUrlResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError, ServiceError
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.logging import correlation_paths
from pydantic_core import to_jsonable_python

from shared.errors import AppError
from shared.logs import logger
from shared.settings import get_settings

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    "Cache-Control": "no-store",
}


def ok(data: Any = None, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A success envelope: {"success": true, "data": ...}."""
    if status_code == HTTPStatus.NO_CONTENT:
        return Response(status_code=204, content_type=None, body="", headers=headers)
    body = json.dumps({"success": True, "data": to_jsonable_python(data)})
    return Response(status_code=status_code, content_type=content_types.APPLICATION_JSON, body=body, headers=headers)


def error_response(
    status_code: int,
    code: str,
    message: str,
    details: Any = None,
    headers: dict[str, str] | None = None,
) -> Response:
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


_request_id: ContextVar[str] = ContextVar("request_id", default="")


def current_request_id() -> str:
    return _request_id.get()


def _validation_details(exc: RequestValidationError | RequestUnsupportedContentType) -> list[dict[str, Any]]:
    # Field locations and messages only: never echo the submitted values (they may hold PII).
    return [{"loc": [part for part in err.get("loc", ()) if part != "body"], "type": err.get("type"), "msg": err.get("msg")} for err in exc.errors()]


def _register_error_mapping(app: LambdaFunctionUrlResolver) -> None:
    @app.exception_handler(AppError)
    def _app_error(exc: AppError) -> Response:
        if exc.status_code >= 500:
            logger.error("request failed", extra={"error_code": exc.code, "status": exc.status_code})
        return error_response(exc.status_code, exc.code, exc.message, exc.details, exc.headers)

    @app.exception_handler(RequestValidationError)
    def _invalid_request(exc: RequestValidationError) -> Response:
        details = _validation_details(exc)
        if any(item["type"] == "json_invalid" for item in details):
            return error_response(400, "BAD_REQUEST", "The request body is not valid JSON.")
        return error_response(422, "VALIDATION_ERROR", "The request is not valid.", details)

    @app.exception_handler(UnicodeDecodeError)
    def _undecodable(exc: UnicodeDecodeError) -> Response:
        return error_response(400, "BAD_REQUEST", "The request body is not valid UTF-8.")

    @app.exception_handler(RequestUnsupportedContentType)
    def _unsupported_type(exc: RequestUnsupportedContentType) -> Response:
        return error_response(415, "UNSUPPORTED_MEDIA_TYPE", "The content type is not supported.")

    @app.exception_handler(NotFoundError)
    def _no_route(exc: NotFoundError) -> Response:
        return error_response(404, "NOT_FOUND", "No such route.")

    @app.exception_handler(ServiceError)
    def _service_error(exc: ServiceError) -> Response:
        return error_response(exc.status_code, HTTPStatus(exc.status_code).name, exc.msg)

    @app.exception_handler(Exception)
    def _unexpected(exc: Exception) -> Response:
        logger.exception("unhandled error")
        return error_response(500, "INTERNAL_ERROR", "An unexpected error occurred.")


def create_app() -> LambdaFunctionUrlResolver:
    """A resolver with validation, the CORS allow-list and the error mapping installed."""
    origins = get_settings().cors_allow_origins
    cors = CORSConfig(
        allow_origin=origins[0] if origins else "",
        extra_origins=origins[1:],
        allow_headers=["X-Request-Id"],
        expose_headers=["X-Request-Id", "Retry-After"],
        max_age=600,
    )
    app = LambdaFunctionUrlResolver(cors=cors, enable_validation=True)
    _register_error_mapping(app)
    return app


def make_handler(app: LambdaFunctionUrlResolver) -> Callable[[dict, Any], dict]:
    """The Lambda entry point for an app: request id, structured logs, security headers."""

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.LAMBDA_FUNCTION_URL, clear_state=True)
    def handler(event: dict, context: Any) -> dict:
        request_id = (event.get("requestContext") or {}).get("requestId") or getattr(context, "aws_request_id", "")
        _request_id.set(request_id)
        result = app.resolve(event, context)
        headers = result.setdefault("headers", {})
        headers.update(SECURITY_HEADERS)
        headers["X-Request-Id"] = request_id
        return result

    return handler
