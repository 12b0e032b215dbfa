"""storage-api's errors as its http/error-handler.ts sends them (src/internal/errors/codes.ts):
body {statusCode, code, error, message} where `error` is the legacy name or else the code, sent
with HTTP 400 for every non-500 error unless the error carries its own status (416 for a range).
Schema validation failures are Fastify's: {statusCode: "400", error: "Error", message}."""

from __future__ import annotations

from starlette.responses import JSONResponse

from local.supabase_standin.errors import StorageApiError


class StorageError(StorageApiError):
    """A StorageBackendError: `status` goes in the body, `http_status` (default 400/500) on the wire."""

    def __init__(self, status: int, code: str, message: str, *, error: str | None = None, http_status: int | None = None):
        super().__init__(status, code, error or code, message)
        self.http_status = http_status or (500 if status >= 500 else 400)

    def response(self) -> JSONResponse:
        body = {"statusCode": str(self.status), "code": self.code, "error": self.error, "message": self.message}
        return JSONResponse(body, status_code=self.http_status)


class RequestInvalid(StorageApiError):
    """A request that fails a route's JSON schema, answered by Fastify before the handler runs."""

    def __init__(self, message: str):
        super().__init__(400, "", "Error", message)

    def response(self) -> JSONResponse:
        return JSONResponse({"statusCode": "400", "error": "Error", "message": self.message}, status_code=400)


def invalid_key(key: str) -> StorageError:
    return StorageError(400, "InvalidKey", f"Invalid key: {key}")


def invalid_bucket_name() -> StorageError:
    return StorageError(400, "InvalidBucketName", "Bucket name invalid", error="Invalid Input")


def no_such_bucket() -> StorageError:
    return StorageError(404, "NoSuchBucket", "Bucket not found", error="Bucket not found")


def no_such_key() -> StorageError:
    return StorageError(404, "NoSuchKey", "Object not found", error="not_found")


def key_already_exists() -> StorageError:
    return StorageError(409, "KeyAlreadyExists", "The resource already exists", error="Duplicate")


def bucket_already_exists() -> StorageError:
    return StorageError(409, "BucketAlreadyExists", "The resource already exists", error="Duplicate")


def bucket_not_empty() -> StorageError:
    return StorageError(409, "ResourceNotEmpty", "The bucket you tried to delete is not empty")


def access_denied(message: str = "new row violates row-level security policy") -> StorageError:
    return StorageError(403, "AccessDenied", message, error="Unauthorized")


def entity_too_large() -> StorageError:
    return StorageError(413, "EntityTooLarge", "The object exceeded the maximum allowed size", error="Payload too large")


def invalid_mime_type(mimetype: str) -> StorageError:
    return StorageError(415, "InvalidMimeType", f"mime type {mimetype} is not supported", error="invalid_mime_type")


def invalid_range() -> StorageError:
    return StorageError(416, "InvalidRange", "invalid range provided", error="invalid_range", http_status=416)


def invalid_request(message: str) -> StorageError:
    return StorageError(400, "InvalidRequest", message)


def invalid_jwt(message: str) -> StorageError:
    return StorageError(400, "InvalidJWT", message)


def invalid_signature(message: str = "Invalid signature") -> StorageError:
    return StorageError(400, "InvalidSignature", message)


def expired_signature() -> StorageError:
    return StorageError(400, "ExpiredToken", "The provided token has expired.")
