"""Errors in the shapes the real services use: GoTrue's {code, message} (+ legacy error_code/msg)
and storage-api's {statusCode, error, message} sent with HTTP 400 for every non-500 error."""

from __future__ import annotations

from starlette.responses import JSONResponse

API_VERSION_HEADER = {"X-Supabase-Api-Version": "2024-01-01"}


class AuthApiError(Exception):
    def __init__(self, status: int, code: str, message: str, **extra):
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra

    def response(self) -> JSONResponse:
        body = {"code": self.code, "error_code": self.code, "message": self.message, "msg": self.message, **self.extra}
        return JSONResponse(body, status_code=self.status, headers=API_VERSION_HEADER)


class StorageApiError(Exception):
    def __init__(self, status: int, code: str, error: str, message: str):
        super().__init__(message)
        self.status, self.code, self.error, self.message = status, code, error, message

    def response(self) -> JSONResponse:
        body = {"statusCode": str(self.status), "code": self.code, "error": self.error, "message": self.message}
        return JSONResponse(body, status_code=500 if self.status >= 500 else 400)
