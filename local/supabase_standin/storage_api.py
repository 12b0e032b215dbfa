"""storage-api's endpoints as storage3 calls them (paths under /storage/v1). Every read and write
of storage.objects runs as the caller (role + claims), so the bucket policies decide and the
triggers on storage.objects fire as on Supabase; the service_role key bypasses RLS."""

from __future__ import annotations

import hashlib
import json
import os
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import psycopg
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from local.supabase_standin import db
from local.supabase_standin.config import get_config
from local.supabase_standin.errors import StorageApiError, access_denied, not_found
from local.supabase_standin.tokens import InvalidToken, Principal, principal_from, sign_object_url, verify_object_url

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
BUCKET_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
OBJECT_COLUMNS = "id, bucket_id, name, owner, owner_id, metadata, user_metadata, created_at, updated_at, last_accessed_at"


@dataclass
class Incoming:
    """What the async layer read from the request before the blocking work runs."""

    body: bytes = b""
    json: dict[str, Any] | None = None
    file: bytes | None = None
    mimetype: str | None = None
    metadata: dict[str, Any] | None = None
    cache_control: str | None = None


def valid_name(raw: str) -> str:
    """The object name, URL-decoded and checked: no traversal, no absolute paths, no control chars."""
    name = unquote(raw)
    segments = name.split("/")
    if (
        not name
        or name.startswith("/")
        or "\\" in name
        or _CONTROL.search(name)
        or len(name) > 1024
        or any(segment in {"", ".", ".."} for segment in segments)
    ):
        raise StorageApiError(400, "InvalidKey", "Invalid Key", f"Invalid key: {name!r}")
    return name


def _object_path(bucket: str, name: str) -> Path:
    root = (get_config().storage_dir / bucket).resolve()
    path = (root / name).resolve()
    if root not in path.parents:
        raise StorageApiError(400, "InvalidKey", "Invalid Key", "Invalid key")
    return path


def _principal(request: Request) -> Principal:
    try:
        return principal_from(request)
    except InvalidToken as exc:
        raise StorageApiError(403, "AccessDenied", "Unauthorized", "Invalid JWT") from exc


def _bucket(conn: psycopg.Connection | None, bucket_id: str) -> dict[str, Any]:
    """The bucket, read as the caller (bucket API) or, for object operations (conn None), as the
    service itself, as storage-api does."""
    if conn is None:
        with db.admin() as admin_conn:
            row = admin_conn.execute("select * from storage.buckets where id = %s", [bucket_id]).fetchone()
    else:
        row = conn.execute("select * from storage.buckets where id = %s", [bucket_id]).fetchone()
    if row is None:
        raise StorageApiError(404, "NoSuchBucket", "Bucket not found", "Bucket not found")
    return row


def _bucket_json(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "owner": row["owner_id"] or "",
        "public": row["public"],
        "file_size_limit": row["file_size_limit"],
        "allowed_mime_types": row["allowed_mime_types"],
        "created_at": _iso(row["created_at"]),
        "updated_at": _iso(row["updated_at"]),
    }


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _check_limits(bucket: dict[str, Any], size: int, mimetype: str) -> None:
    if bucket["file_size_limit"] is not None and size > bucket["file_size_limit"]:
        raise StorageApiError(413, "EntityTooLarge", "Payload too large", "The object exceeded the maximum allowed size")
    allowed = bucket["allowed_mime_types"]
    if allowed and mimetype.split(";")[0].strip().lower() not in {m.lower() for m in allowed}:
        raise StorageApiError(415, "InvalidMimeType", "invalid_mime_type", f"mime type {mimetype} is not supported")


def _metadata(data: bytes, mimetype: str, cache_control: str | None) -> dict[str, Any]:
    now = datetime.now(UTC).isoformat()
    return {
        "eTag": '"' + hashlib.md5(data, usedforsecurity=False).hexdigest() + '"',
        "size": len(data),
        "mimetype": mimetype,
        "cacheControl": f"max-age={cache_control or 3600}",
        "lastModified": now,
        "contentLength": len(data),
        "httpStatusCode": 200,
    }


def _write_file(bucket: str, name: str, data: bytes) -> None:
    path = _object_path(bucket, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    temp.write_bytes(data)
    os.replace(temp, path)


def _store(principal: Principal, bucket_id: str, name: str, incoming: Incoming, upsert: bool, owner: str | None = None) -> dict[str, Any]:
    """Insert (or upsert) the row as the caller and write the file; both or neither."""
    data = incoming.file if incoming.file is not None else incoming.body
    mimetype = incoming.mimetype or "application/octet-stream"
    owner = owner if owner is not None else principal.user_id
    with db.as_caller(principal) as conn:
        bucket = _bucket(None, bucket_id)
        _check_limits(bucket, len(data), mimetype)
        statement = (
            "insert into storage.objects (bucket_id, name, owner, owner_id, metadata, user_metadata) values (%s, %s, %s, %s, %s, %s)"
            + (
                " on conflict (bucket_id, name) do update set metadata = excluded.metadata, user_metadata = excluded.user_metadata,"
                " owner = excluded.owner, owner_id = excluded.owner_id"
                if upsert
                else ""
            )
            + f" returning {OBJECT_COLUMNS}"
        )
        try:
            row = conn.execute(
                statement,
                [
                    bucket_id,
                    name,
                    owner,
                    owner,
                    json.dumps(_metadata(data, mimetype, incoming.cache_control)),
                    json.dumps(incoming.metadata) if incoming.metadata else None,
                ],
            ).fetchone()
        except psycopg.errors.UniqueViolation as exc:
            raise StorageApiError(409, "ResourceAlreadyExists", "Duplicate", "The resource already exists") from exc
        except psycopg.errors.InsufficientPrivilege as exc:
            raise access_denied() from exc
        _write_file(bucket_id, name, data)
    return {"Key": f"{bucket_id}/{name}", "Id": str(row["id"])}


def _find(principal: Principal, bucket_id: str, name: str) -> dict[str, Any]:
    with db.as_caller(principal) as conn:
        _bucket(None, bucket_id)
        row = conn.execute(f"select {OBJECT_COLUMNS} from storage.objects where bucket_id = %s and name = %s", [bucket_id, name]).fetchone()
    if row is None:
        raise not_found()
    return row


def _file_response(bucket_id: str, row: dict[str, Any]) -> Response:
    path = _object_path(bucket_id, row["name"])
    if not path.exists():
        raise not_found()
    metadata = row["metadata"] or {}
    return Response(
        path.read_bytes(),
        media_type=metadata.get("mimetype", "application/octet-stream"),
        headers={"ETag": metadata.get("eTag", ""), "Cache-Control": metadata.get("cacheControl", "no-cache")},
    )


# Buckets ---------------------------------------------------------------------------------------


def create_bucket(request: Request, incoming: Incoming) -> Response:
    principal = _principal(request)
    body = incoming.json or {}
    bucket_id = str(body.get("id") or body.get("name") or "")
    if not BUCKET_ID.match(bucket_id):
        raise StorageApiError(400, "InvalidBucketName", "Invalid Input", "Bucket name invalid")
    limit = body.get("file_size_limit")
    if isinstance(limit, str):
        match = re.fullmatch(r"(\d+)\s*(B|KB|MB|GB)?", limit.strip(), re.IGNORECASE)
        if not match:
            raise StorageApiError(400, "InvalidRequest", "Invalid Input", "file_size_limit is invalid")
        limit = int(match.group(1)) * {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}[(match.group(2) or "B").upper()]
    with db.as_caller(principal) as conn:
        try:
            conn.execute(
                "insert into storage.buckets (id, name, owner, owner_id, public, file_size_limit, allowed_mime_types)"
                " values (%s, %s, %s, %s, %s, %s, %s)",
                [bucket_id, bucket_id, principal.user_id, principal.user_id, bool(body.get("public")), limit, body.get("allowed_mime_types")],
            )
        except psycopg.errors.UniqueViolation as exc:
            raise StorageApiError(409, "ResourceAlreadyExists", "Duplicate", "The resource already exists") from exc
        except psycopg.errors.InsufficientPrivilege as exc:
            raise access_denied() from exc
    return JSONResponse({"name": bucket_id})


def list_buckets(request: Request, incoming: Incoming) -> Response:
    with db.as_caller(_principal(request)) as conn:
        rows = conn.execute("select * from storage.buckets order by name").fetchall()
    return JSONResponse([_bucket_json(row) for row in rows])


def get_bucket(request: Request, incoming: Incoming) -> Response:
    with db.as_caller(_principal(request)) as conn:
        return JSONResponse(_bucket_json(_bucket(conn, request.path_params["bucket"])))


# Objects ---------------------------------------------------------------------------------------


def upload(request: Request, incoming: Incoming) -> Response:
    bucket, name = request.path_params["bucket"], valid_name(request.path_params["name"])
    upsert = request.method == "PUT" or request.headers.get("x-upsert", "false").lower() == "true"
    return JSONResponse(_store(_principal(request), bucket, name, incoming, upsert))


def download(request: Request, incoming: Incoming) -> Response:
    bucket, name = request.path_params["bucket"], valid_name(request.path_params["name"])
    return _file_response(bucket, _find(_principal(request), bucket, name))


def download_public(request: Request, incoming: Incoming) -> Response:
    bucket, name = request.path_params["bucket"], valid_name(request.path_params["name"])
    with db.admin() as conn:
        if not _bucket(None, bucket)["public"]:
            raise not_found()
        row = conn.execute(f"select {OBJECT_COLUMNS} from storage.objects where bucket_id = %s and name = %s", [bucket, name]).fetchone()
    if row is None:
        raise not_found()
    return _file_response(bucket, row)


def info(request: Request, incoming: Incoming) -> Response:
    bucket, name = request.path_params["bucket"], valid_name(request.path_params["name"])
    row = _find(_principal(request), bucket, name)
    metadata = row["metadata"] or {}
    return JSONResponse(
        {
            "id": str(row["id"]),
            "name": row["name"],
            "bucket_id": bucket,
            "size": metadata.get("size"),
            "content_type": metadata.get("mimetype"),
            "etag": metadata.get("eTag"),
            "metadata": row["user_metadata"],
            "created_at": _iso(row["created_at"]),
            "last_modified": _iso(row["updated_at"]),
        }
    )


def create_signed_url(request: Request, incoming: Incoming) -> Response:
    bucket, name = request.path_params["bucket"], valid_name(request.path_params["name"])
    expires_in = _expires_in((incoming.json or {}).get("expiresIn"))
    _find(_principal(request), bucket, name)  # RLS is checked when signing, as in storage-api
    token = sign_object_url(bucket, name, expires_in)
    return JSONResponse({"signedURL": f"/object/sign/{bucket}/{name}?token={token}"})


def _expires_in(value: Any) -> int:
    try:
        seconds = int(value)
    except (TypeError, ValueError) as exc:
        raise StorageApiError(400, "InvalidRequest", "Invalid Input", "expiresIn must be a number") from exc
    if seconds < 1:
        raise StorageApiError(400, "InvalidRequest", "Invalid Input", "expiresIn must be positive")
    return seconds


def signed_download(request: Request, incoming: Incoming) -> Response:
    bucket, name = request.path_params["bucket"], valid_name(request.path_params["name"])
    try:
        verify_object_url(request.query_params.get("token", ""), bucket, name, "download")
    except InvalidToken as exc:
        code = "InvalidSignature" if "does not match" in str(exc) else "InvalidJWT"
        raise StorageApiError(400, code, code, str(exc)) from exc
    with db.admin() as conn:
        row = conn.execute(f"select {OBJECT_COLUMNS} from storage.objects where bucket_id = %s and name = %s", [bucket, name]).fetchone()
    if row is None:
        raise not_found()
    return _file_response(bucket, row)


def create_signed_upload_url(request: Request, incoming: Incoming) -> Response:
    bucket, name = request.path_params["bucket"], valid_name(request.path_params["name"])
    principal = _principal(request)
    upsert = request.headers.get("x-upsert", "false").lower() == "true"
    _bucket(None, bucket)
    with db.as_caller(principal) as conn:  # may the caller create this object? checked now, then rolled back
        try:
            with conn.transaction(force_rollback=True):
                conn.execute(
                    "insert into storage.objects (bucket_id, name, owner, owner_id) values (%s, %s, %s, %s)",
                    [bucket, name, principal.user_id, principal.user_id],
                )
        except psycopg.errors.UniqueViolation as exc:
            if not upsert:
                raise StorageApiError(409, "ResourceAlreadyExists", "Duplicate", "The resource already exists") from exc
        except psycopg.errors.InsufficientPrivilege as exc:
            raise access_denied() from exc
    token = sign_object_url(bucket, name, 7200, scope="upload", owner=principal.user_id, upsert=upsert, role=principal.role, sub=principal.user_id)
    return JSONResponse({"url": f"/object/upload/sign/{bucket}/{name}?token={token}", "token": token})


def signed_upload(request: Request, incoming: Incoming) -> Response:
    bucket, name = request.path_params["bucket"], valid_name(request.path_params["name"])
    try:
        claims = verify_object_url(request.query_params.get("token", ""), bucket, name, "upload")
    except InvalidToken as exc:
        code = "InvalidSignature" if "does not match" in str(exc) else "InvalidJWT"
        raise StorageApiError(400, code, code, str(exc)) from exc
    uploader = Principal(
        role=claims.get("role") or "anon",
        claims={"sub": claims.get("sub"), "role": claims.get("role"), "aud": "authenticated"} if claims.get("sub") else {"role": claims.get("role")},
    )
    return JSONResponse(_store(uploader, bucket, name, incoming, bool(claims.get("upsert")), owner=claims.get("owner")))


def remove(request: Request, incoming: Incoming) -> Response:
    bucket = request.path_params["bucket"]
    prefixes = (incoming.json or {}).get("prefixes") or []
    if not isinstance(prefixes, list) or not prefixes:
        raise StorageApiError(400, "InvalidRequest", "Invalid Input", "prefixes must be a non-empty list")
    names = [valid_name(str(prefix)) for prefix in prefixes]
    _bucket(None, bucket)
    with db.as_caller(_principal(request)) as conn:
        rows = conn.execute(
            f"delete from storage.objects where bucket_id = %s and name = any(%s) returning {OBJECT_COLUMNS}", [bucket, names]
        ).fetchall()
    for row in rows:
        _object_path(bucket, row["name"]).unlink(missing_ok=True)
    return JSONResponse([{**_row_json(row), "bucket_id": bucket} for row in rows])


def _row_json(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "name": row["name"],
        "metadata": row["metadata"],
        "created_at": _iso(row["created_at"]),
        "updated_at": _iso(row["updated_at"]),
        "last_accessed_at": _iso(row["last_accessed_at"]),
    }


def list_objects(request: Request, incoming: Incoming) -> Response:
    bucket = request.path_params["bucket"]
    body = incoming.json or {}
    prefix = str(body.get("prefix") or "").strip("/")
    limit, offset = int(body.get("limit") or 100), int(body.get("offset") or 0)
    search = str(body.get("search") or "")
    descending = (body.get("sortBy") or {}).get("order") == "desc"
    base = f"{prefix}/" if prefix else ""
    _bucket(None, bucket)
    with db.as_caller(_principal(request)) as conn:
        rows = conn.execute(
            f"select {OBJECT_COLUMNS} from storage.objects where bucket_id = %s and name like %s order by name",
            [bucket, base.replace("%", r"\%").replace("_", r"\_") + "%"],
        ).fetchall()
    entries: dict[str, dict[str, Any]] = {}
    for row in rows:
        rest = row["name"][len(base) :]
        head, _, tail = rest.partition("/")
        if search and search.lower() not in head.lower():
            continue
        if tail:
            entries.setdefault(head, {"name": head, "id": None, "updated_at": None, "created_at": None, "last_accessed_at": None, "metadata": None})
        else:
            entries[head] = {**_row_json(row), "name": head}
    ordered = sorted(entries.values(), key=lambda entry: entry["name"], reverse=descending)
    return JSONResponse(ordered[offset : offset + limit])


def move_or_copy(request: Request, incoming: Incoming) -> Response:
    body = incoming.json or {}
    bucket = str(body.get("bucketId") or "")
    source, destination = valid_name(str(body.get("sourceKey") or "")), valid_name(str(body.get("destinationKey") or ""))
    copying = request.url.path.endswith("/copy")
    principal = _principal(request)
    row = _find(principal, bucket, source)
    data = _object_path(bucket, source).read_bytes()
    metadata = row["metadata"] or {}
    result = _store(principal, bucket, destination, Incoming(file=data, mimetype=metadata.get("mimetype")), upsert=False)
    if not copying:
        with db.as_caller(principal) as conn:
            deleted = conn.execute("delete from storage.objects where bucket_id = %s and name = %s", [bucket, source]).rowcount
        if deleted:
            _object_path(bucket, source).unlink(missing_ok=True)
        return JSONResponse({"message": "Successfully moved"})
    return JSONResponse(result)


def endpoint(func: Callable[[Request, Incoming], Response]) -> Callable[[Request], Awaitable[Response]]:
    """Read the body (JSON, multipart or raw) on the event loop; run the blocking work in a thread."""

    async def run(request: Request) -> Response:
        incoming = Incoming()
        content_type = request.headers.get("content-type", "")
        if request.method in {"POST", "PUT", "DELETE"}:
            if content_type.startswith("multipart/form-data"):
                form = await request.form(max_files=1, max_fields=10)
                upload_file = form.get("file")
                if upload_file is None or isinstance(upload_file, str):
                    raise StorageApiError(400, "InvalidRequest", "Invalid Input", "no file part in the request")
                incoming.file = await upload_file.read()
                incoming.mimetype = upload_file.content_type
                incoming.cache_control = str(form.get("cacheControl") or "3600")
                raw_metadata = form.get("metadata")
                if isinstance(raw_metadata, str) and raw_metadata:
                    try:
                        incoming.metadata = json.loads(raw_metadata)
                    except ValueError as exc:
                        raise StorageApiError(400, "InvalidRequest", "Invalid Input", "metadata is not JSON") from exc
            else:
                incoming.body = await request.body()
                incoming.mimetype = content_type or None
                if content_type.startswith("application/json") and incoming.body:
                    try:
                        parsed = json.loads(incoming.body)
                    except ValueError as exc:
                        raise StorageApiError(400, "InvalidRequest", "Invalid Input", "body is not JSON") from exc
                    incoming.json = parsed if isinstance(parsed, dict) else {}
        return await run_in_threadpool(func, request, incoming)

    return run


routes = [
    Route("/bucket", endpoint(create_bucket), methods=["POST"]),
    Route("/bucket", endpoint(list_buckets), methods=["GET"]),
    Route("/bucket/{bucket}", endpoint(get_bucket), methods=["GET"]),
    Route("/object/list/{bucket}", endpoint(list_objects), methods=["POST"]),
    Route("/object/move", endpoint(move_or_copy), methods=["POST"]),
    Route("/object/copy", endpoint(move_or_copy), methods=["POST"]),
    Route("/object/sign/{bucket}/{name:path}", endpoint(create_signed_url), methods=["POST"]),
    Route("/object/sign/{bucket}/{name:path}", endpoint(signed_download), methods=["GET"]),
    Route("/object/upload/sign/{bucket}/{name:path}", endpoint(create_signed_upload_url), methods=["POST"]),
    Route("/object/upload/sign/{bucket}/{name:path}", endpoint(signed_upload), methods=["PUT"]),
    Route("/object/info/{bucket}/{name:path}", endpoint(info), methods=["GET"]),
    Route("/object/public/{bucket}/{name:path}", endpoint(download_public), methods=["GET"]),
    Route("/object/authenticated/{bucket}/{name:path}", endpoint(download), methods=["GET"]),
    Route("/object/{bucket}/{name:path}", endpoint(upload), methods=["POST", "PUT"]),
    Route("/object/{bucket}/{name:path}", endpoint(download), methods=["GET"]),
    Route("/object/{bucket}", endpoint(remove), methods=["DELETE"]),
]
