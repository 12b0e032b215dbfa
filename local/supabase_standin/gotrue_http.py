"""Request and response plumbing of the Auth stand-in, as GoTrue does it: JSON bodies, JSON answers
with `X-Supabase-Api-Version`, and the blocking work (bcrypt, SQL) off the event loop."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from local.supabase_standin.errors import API_VERSION_HEADER, AuthApiError

Handler = Callable[[Request, dict[str, Any]], Response]


class OAuthError(AuthApiError):
    """GoTrue's OAuth-style error (`{"error", "error_description"}`, 400), used by few paths now,
    e.g. a refresh grant without a refresh token (internal/tokens/service.go)."""

    def __init__(self, error: str, description: str):
        super().__init__(400, error, description)

    def response(self) -> JSONResponse:
        return JSONResponse({"error": self.code, "error_description": self.message}, status_code=400, headers=API_VERSION_HEADER)


def iso(value: Any) -> str:
    """Timestamps as Go's encoding/json writes time.Time (RFC 3339, UTC with Z)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return str(value)


def json_response(data: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse(json.loads(json.dumps(data, default=iso)), status_code=status, headers={**API_VERSION_HEADER, **(headers or {})})


async def read_json(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise AuthApiError(400, "bad_json", "Could not parse request body as JSON") from exc
    if not isinstance(data, dict):
        raise AuthApiError(400, "bad_json", "Request body must be a JSON object")
    return data


def endpoint(func: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Read the JSON body on the event loop, then run the blocking work (bcrypt, SQL) in a thread."""

    async def run(request: Request) -> Response:
        body = await read_json(request) if request.method in {"POST", "PUT", "PATCH", "DELETE"} else {}
        return await run_in_threadpool(func, request, body)

    return run
