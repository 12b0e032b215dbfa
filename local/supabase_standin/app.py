"""The stand-in's ASGI app and server."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount

from local.supabase_standin import auth_api, storage_api
from local.supabase_standin.errors import AuthApiError, StorageApiError


async def _auth_error(request: Request, exc: Exception) -> Response:
    return exc.response()  # type: ignore[attr-defined]


async def _unexpected(request: Request, exc: Exception) -> Response:
    sys.stderr.write(
        json.dumps(
            {
                "service": "supabase-standin",
                "level": "ERROR",
                "path": request.url.path,
                "error": type(exc).__name__,
                "timestamp": datetime.now(UTC).isoformat(),
            }
        )
        + "\n"
    )
    if request.url.path.startswith("/storage/"):
        return StorageApiError(500, "InternalError", "Internal Server Error", "Internal Server Error").response()
    return JSONResponse({"code": "unexpected_failure", "message": "Unexpected failure"}, status_code=500)


def create_app() -> Starlette:
    return Starlette(
        routes=[Mount("/auth/v1", routes=auth_api.routes), Mount("/storage/v1", routes=storage_api.routes)],
        exception_handlers={AuthApiError: _auth_error, StorageApiError: _auth_error, Exception: _unexpected},
    )


def run(port: int, host: str = "127.0.0.1") -> None:
    """Serve in the foreground (Ctrl-C stops)."""
    import uvicorn

    from local.supabase_standin.tokens import signing_keys

    signing_keys()  # a bad STANDIN_JWT_SIGNING or signing keys file stops the start, not the first login
    uvicorn.run(create_app(), host=host, port=port, log_level="warning", access_log=False)
