"""Object downloads as storage-api's AssetRenderer sends them (src/storage/renderer/renderer.ts,
src/storage/range.ts, with S3's conditional GET): the stored Content-Type as it is (text/html is
sent as text/plain), ETag, Last-Modified, Accept-Ranges, `Range` -> 206 with Content-Range (416
when unsatisfiable), `If-None-Match` / `If-Modified-Since` -> 304, `?download=` ->
Content-Disposition, and for signed URLs `Expires` instead of Cache-Control."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import formatdate, parsedate_to_datetime
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from local.supabase_standin.storage import errors
from local.supabase_standin.storage.common import read_version

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$", re.IGNORECASE)
HTTP_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
NOT_TOKEN_SAFE = re.compile(r'[^\x20-\x7e]|["\\]')


@dataclass(frozen=True)
class ByteRange:
    first: int
    last: int


def asset(request: Request, row: dict[str, Any], *, expires_at: int | None = None) -> Response:
    """The object's bytes (or 304/206/416) for this request; `expires_at` marks a signed URL."""
    metadata = row["metadata"] or {}
    etag = metadata.get("eTag", "")
    last_modified = _last_modified(metadata, row)
    if _not_modified(request, etag, last_modified):
        return Response(status_code=304)
    data = read_version(row)
    headers = {
        "accept-ranges": "bytes",
        "content-type": _content_type(metadata.get("mimetype") or "application/octet-stream"),
        "etag": etag,
        "x-robots-tag": "none",
        "last-modified": formatdate(last_modified.timestamp(), usegmt=True),
    }
    if expires_at is not None:
        headers["expires"] = formatdate(expires_at, usegmt=True)
    else:
        headers["cache-control"] = metadata.get("cacheControl") or "no-cache"
    download = request.query_params.get("download")
    if download is not None:
        headers["content-disposition"] = content_disposition(download)
    requested = request.headers.get("range")
    if not requested:
        return Response(data, headers=headers)
    wanted = parse_range(requested, len(data))
    headers["content-range"] = f"bytes {wanted.first}-{wanted.last}/{len(data)}"
    return Response(data[wanted.first : wanted.last + 1], status_code=206, headers=headers)


def parse_range(header: str, size: int) -> ByteRange:
    """parseRangeHeader: one `bytes=a-b`, `bytes=a-` or `bytes=-n` range, clamped to the object;
    anything else, or a start past the end, is InvalidRange (HTTP 416)."""
    match = RANGE.match(header.strip())
    if not match or size <= 0 or not any(match.groups()):
        raise errors.invalid_range()
    start, end = match.groups()
    if not start:
        suffix = int(end)
        if suffix <= 0:
            raise errors.invalid_range()
        return ByteRange(max(size - suffix, 0), size - 1)
    first, last = int(start), int(end) if end else size - 1
    if last < first or first >= size:
        raise errors.invalid_range()
    return ByteRange(first, min(last, size - 1))


def content_disposition(download: str) -> str:
    """handleDownload: a bare attachment for `download=`, else both the RFC 6266 fallback name and
    the RFC 8187 `filename*`."""
    if download == "":
        return "attachment;"
    fallback = NOT_TOKEN_SAFE.sub("_", download)
    if not HTTP_TOKEN.match(fallback):
        fallback = f'"{fallback}"'
    return f"attachment; filename={fallback}; filename*=UTF-8''{quote(download, safe='!')}"


def _content_type(mimetype: str) -> str:
    return "text/plain" if "text/html" in mimetype.lower() else mimetype


def _last_modified(metadata: dict[str, Any], row: dict[str, Any]) -> datetime:
    stamp = metadata.get("lastModified")
    if isinstance(stamp, str):
        try:
            return datetime.fromisoformat(stamp)
        except ValueError:
            pass
    return row.get("updated_at") or datetime.now(UTC)


def _not_modified(request: Request, etag: str, last_modified: datetime) -> bool:
    """S3's conditional GET: If-None-Match decides when present, else If-Modified-Since."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match:
        candidates = {value.strip().removeprefix("W/") for value in if_none_match.split(",")}
        return "*" in candidates or etag in candidates
    if_modified_since = request.headers.get("if-modified-since")
    if not if_modified_since:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    return since.tzinfo is not None and last_modified.replace(microsecond=0) <= since
