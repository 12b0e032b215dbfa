"""Bucket endpoints (src/http/routes/bucket/, src/storage/storage.ts), run as the caller so the
policies on storage.buckets and storage.objects decide; the API keys' service role bypasses them."""

from __future__ import annotations

import re
from typing import Any

import psycopg
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from local.supabase_standin import db
from local.supabase_standin.storage import errors
from local.supabase_standin.storage.body import Incoming
from local.supabase_standin.storage.common import SERVICE, bucket_json, caller, drop_version, find_bucket, must_be_valid_bucket_name, owner_of

FILE_SIZE = re.compile(r"^([0-9]+(?:\.[0-9]+)?)(gb|mb|kb|b)$", re.IGNORECASE)
FILE_SIZE_UNITS = {"gb": 10**9, "mb": 10**6, "kb": 10**3, "b": 1}
MIME_TYPE = re.compile(r"^([a-zA-Z0-9\-+.]+)/([a-zA-Z0-9\-+.]+)(;\s*charset=[a-zA-Z0-9\-]+)?$|\*$")


def create_bucket(request: Request, incoming: Incoming) -> Response:
    """POST /bucket: createBucket.ts; the response is {name}."""
    principal = caller(request)
    body = incoming.json or {}
    name = body.get("name")
    if not isinstance(name, str):
        raise errors.RequestInvalid("body must have required property 'name'")
    bucket_id = str(body.get("id") or name)
    must_be_valid_bucket_name(name)
    limit = _file_size_limit(body["file_size_limit"]) if body.get("file_size_limit") is not None else None
    mime_types = _mime_types(body.get("allowed_mime_types"))
    owner = owner_of(principal)
    try:
        with db.as_caller(principal) as conn:
            conn.execute(
                "insert into storage.buckets (id, name, owner, owner_id, public, file_size_limit, allowed_mime_types)"
                " values (%s, %s, %s, %s, %s, %s, %s)",
                [bucket_id, name, owner, owner, bool(body.get("public")), limit, mime_types],
            )
    except psycopg.errors.UniqueViolation as exc:
        raise errors.bucket_already_exists() from exc
    except psycopg.errors.InsufficientPrivilege as exc:
        raise errors.access_denied() from exc
    return JSONResponse({"name": name})


def list_buckets(request: Request, incoming: Incoming) -> Response:
    with db.as_caller(caller(request)) as conn:
        rows = conn.execute("select * from storage.buckets order by name").fetchall()
    return JSONResponse([bucket_json(row) for row in rows])


def get_bucket(request: Request, incoming: Incoming) -> Response:
    return JSONResponse(bucket_json(find_bucket(request.path_params["bucket"], caller(request))))


def update_bucket(request: Request, incoming: Incoming) -> Response:
    """PUT /bucket/{id}: updateBucket.ts; only the fields sent change (null clears a limit)."""
    principal = caller(request)
    body = incoming.json or {}
    changes: dict[str, Any] = {}
    if isinstance(body.get("public"), bool):
        changes["public"] = body["public"]
    if "file_size_limit" in body:
        changes["file_size_limit"] = None if body["file_size_limit"] is None else _file_size_limit(body["file_size_limit"])
    if "allowed_mime_types" in body:
        changes["allowed_mime_types"] = _mime_types(body["allowed_mime_types"])
    bucket_id = must_be_valid_bucket_name(request.path_params["bucket"])
    assignments = ", ".join(f"{column} = %({column})s" for column in changes) or "id = id"
    with db.as_caller(principal) as conn:
        updated = conn.execute(f"update storage.buckets set {assignments} where id = %(bucket)s", {**changes, "bucket": bucket_id}).rowcount
    if not updated:
        raise errors.no_such_bucket()
    return JSONResponse({"message": "Successfully updated"})


def empty_bucket(request: Request, incoming: Incoming) -> Response:
    """POST /bucket/{id}/empty: every object the caller can see is deleted as the caller; objects
    it may see but not delete stop the call (AccessDenied)."""
    principal = caller(request)
    bucket_id = request.path_params["bucket"]
    find_bucket(bucket_id, principal)
    with db.as_caller(principal) as conn:
        seen = [row["name"] for row in conn.execute("select name from storage.objects where bucket_id = %s", [bucket_id])]
        deleted = conn.execute("delete from storage.objects where bucket_id = %s returning name, version", [bucket_id]).fetchall()
    for row in deleted:
        drop_version(row["version"])
    kept = sorted(set(seen) - {row["name"] for row in deleted})
    if kept:
        raise errors.access_denied(f"Cannot delete: {' ,'.join(kept)}, you may have SELECT but not DELETE permissions")
    return JSONResponse({"message": "Successfully emptied"})


def delete_bucket(request: Request, incoming: Incoming) -> Response:
    """DELETE /bucket/{id}: Storage.deleteBucket refuses a bucket that still holds objects
    (ResourceNotEmpty, 409); the delete itself runs as the caller."""
    principal = caller(request)
    bucket_id = request.path_params["bucket"]
    find_bucket(bucket_id)
    with db.as_caller(SERVICE) as conn:
        if conn.execute("select 1 from storage.objects where bucket_id = %s limit 1", [bucket_id]).fetchone():
            raise errors.bucket_not_empty()
    with db.as_caller(principal) as conn:
        deleted = conn.execute("delete from storage.buckets where id = %s", [bucket_id]).rowcount
    if not deleted:
        raise errors.no_such_bucket()
    return JSONResponse({"message": "Successfully deleted"})


def _file_size_limit(value: Any) -> int:
    """parseFileSizeToBytes for strings ("50MB" = 50 000 000, decimal units); integers as they are."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise errors.RequestInvalid("body/file_size_limit must be integer or string")
    if isinstance(value, int):
        if value < 0:
            raise errors.RequestInvalid("body/file_size_limit must be >= 0")
        return value
    match = FILE_SIZE.match(value)
    if not match:
        raise errors.invalid_request("Invalid file size format, hint: use 20GB / 20MB / 30KB / 3B")
    return int(float(f"{float(match.group(1)):.3g}") * FILE_SIZE_UNITS[match.group(2).lower()])


def _mime_types(value: Any) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise errors.RequestInvalid("body/allowed_mime_types must be array")
    allowed = [item for item in value if item]
    for item in allowed:
        if len(item) > 1000 or not MIME_TYPE.search(item):
            raise errors.invalid_mime_type(item)
    return allowed
