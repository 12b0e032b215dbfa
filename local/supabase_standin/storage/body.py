"""Request bodies as storage-api reads them: JSON for the API calls, and for uploads either
multipart/form-data (storage3, the browser) or the raw bytes (src/storage/uploader.ts
`fileUploadFromRequest`)."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any, Literal

from starlette.datastructures import UploadFile
from starlette.requests import Request

from local.supabase_standin.storage import errors

UPLOAD_FIELDS = 10  # @fastify/multipart limits: fields 10, files 1


@dataclass
class Upload:
    """The file of an upload request and what storage-api keeps about it."""

    data: bytes
    mimetype: str
    cache_control: str
    user_metadata: dict[str, Any] | None = None


@dataclass
class Incoming:
    """What the async layer read from the request before the blocking work runs."""

    json: dict[str, Any] | None = None
    upload: Upload | None = None

    def file(self) -> Upload:
        if self.upload is None:
            raise errors.invalid_request("No content provided")
        return self.upload


async def read(request: Request, kind: Literal["json", "upload"]) -> Incoming:
    """`kind` "upload": the body is a file; "json": the body is the call's JSON object."""
    if request.method not in {"POST", "PUT", "DELETE"}:
        return Incoming()
    content_type = request.headers.get("content-type", "")
    if kind == "upload":
        if content_type.startswith("multipart/form-data"):
            return Incoming(upload=await _multipart(request))
        return Incoming(upload=_raw_upload(request, await request.body()))
    raw = await request.body()
    return Incoming(json=_json_object(raw) if content_type.startswith("application/json") else {})


async def _multipart(request: Request) -> Upload:
    """The `file` part: its MIME type as busboy reports it (type/subtype, lower case, no parameters;
    a `contentType` field wins), `cacheControl` as max-age, and `metadata` JSON (ignored when invalid)."""
    form = await request.form(max_files=1, max_fields=UPLOAD_FIELDS)
    part = form.get("file")
    if not isinstance(part, UploadFile):
        raise errors.invalid_request("No content provided")
    declared = form.get("contentType")
    mimetype = declared if isinstance(declared, str) and declared else _essence(part.content_type or "text/plain")
    cache_time = form.get("cacheControl")
    metadata = form.get("metadata") or form.get("userMetadata")
    return Upload(
        data=await part.read(),
        mimetype=mimetype,
        cache_control=f"max-age={cache_time}" if isinstance(cache_time, str) and cache_time else "no-cache",
        user_metadata=_optional_json(metadata) if isinstance(metadata, str) else None,
    )


def _raw_upload(request: Request, raw: bytes) -> Upload:
    """A non-multipart body is the file itself: Content-Type, Cache-Control and `x-metadata`."""
    return Upload(
        data=raw,
        mimetype=request.headers.get("content-type") or "application/octet-stream",
        cache_control=request.headers.get("cache-control") or "no-cache",
        user_metadata=header_metadata(request),
    )


def header_metadata(request: Request) -> dict[str, Any] | None:
    """parseUserMetadata: the base64 JSON of `x-metadata`, ignored when invalid."""
    encoded = request.headers.get("x-metadata")
    if not encoded:
        return None
    try:
        return _optional_json(base64.b64decode(encoded).decode())
    except ValueError:
        return None


def _essence(content_type: str) -> str:
    return content_type.split(";")[0].strip().lower()


def _optional_json(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _json_object(raw: bytes) -> dict[str, Any]:
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise errors.RequestInvalid("Body is not valid JSON but content-type is set to 'application/json'") from exc
    if not isinstance(value, dict):
        raise errors.RequestInvalid("body must be object")
    return value
