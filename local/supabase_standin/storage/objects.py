"""Object endpoints (src/http/routes/object/): upload and update, download, info, delete one or
many, copy and move. Reads of private buckets run as the caller, so the policies on
storage.objects decide; public buckets are read by the service."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from local.supabase_standin import db
from local.supabase_standin.storage import errors, render
from local.supabase_standin.storage.body import Incoming, header_metadata
from local.supabase_standin.storage.common import (
    OBJECT_COLUMNS,
    SERVICE,
    caller,
    drop_version,
    find_bucket,
    find_object,
    iso,
    must_be_valid_key,
    object_json,
    owner_of,
    read_version,
    refusals,
    write_version,
)
from local.supabase_standin.storage.uploads import can_upload, store, write_row
from local.supabase_standin.tokens import Principal

ROW_FIELDS = tuple(column.strip() for column in OBJECT_COLUMNS.split(","))


def upload(request: Request, incoming: Incoming) -> Response:
    """POST /object/{bucket}/{key} (an upsert with `x-upsert: true`) and PUT (always an upsert):
    createObject.ts, updateObject.ts."""
    principal = caller(request)
    bucket_id, name = request.path_params["bucket"], request.path_params["name"]
    upsert = request.method == "PUT" or request.headers.get("x-upsert") == "true"
    row = store(principal, bucket_id, name, incoming.file(), upsert=upsert, owner=owner_of(principal))
    return JSONResponse({"Id": str(row["id"]), "Key": f"{bucket_id}/{name}"})


def download(request: Request, incoming: Incoming) -> Response:
    """GET /object/{bucket}/{key} and /object/authenticated/...: getObject.ts."""
    bucket_id, name = request.path_params["bucket"], request.path_params["name"]
    return render.asset(request, _readable(caller(request), bucket_id, name))


def download_public(request: Request, incoming: Incoming) -> Response:
    """GET /object/public/{bucket}/{key}: getPublicObject.ts (only a public bucket has one)."""
    bucket_id, name = request.path_params["bucket"], request.path_params["name"]
    _public_bucket(bucket_id)
    return render.asset(request, find_object(SERVICE, bucket_id, must_be_valid_key(name)))


def info(request: Request, incoming: Incoming) -> Response:
    """GET /object/info/{bucket}/{key} and /object/info/authenticated/...: getObjectInfo.ts with
    the InfoRenderer's body and headers."""
    bucket_id, name = request.path_params["bucket"], request.path_params["name"]
    return _info(_readable(caller(request), bucket_id, name))


def info_public(request: Request, incoming: Incoming) -> Response:
    """GET /object/info/public/{bucket}/{key}: only for a public bucket, read by the service."""
    bucket_id, name = request.path_params["bucket"], request.path_params["name"]
    _public_bucket(bucket_id)
    return _info(find_object(SERVICE, bucket_id, must_be_valid_key(name)))


def delete(request: Request, incoming: Incoming) -> Response:
    """DELETE /object/{bucket}/{key}: deleteObject.ts. The object must exist (NoSuchKey); the
    caller's DELETE must remove it, else the policies refused (AccessDenied)."""
    principal = caller(request)
    bucket_id, name = request.path_params["bucket"], request.path_params["name"]
    find_object(SERVICE, bucket_id, name)
    with db.as_caller(principal) as conn:
        deleted = conn.execute("delete from storage.objects where bucket_id = %s and name = %s returning version", [bucket_id, name]).fetchone()
    if deleted is None:
        raise errors.access_denied("Access denied")
    drop_version(deleted["version"])
    return JSONResponse({"message": "Successfully deleted"})


def remove(request: Request, incoming: Incoming) -> Response:
    """DELETE /object/{bucket} {prefixes}: deleteObjects.ts; the rows the caller could delete."""
    principal = caller(request)
    prefixes = (incoming.json or {}).get("prefixes")
    if not isinstance(prefixes, list) or not prefixes or not all(isinstance(prefix, str) for prefix in prefixes):
        raise errors.RequestInvalid("body/prefixes must be a non-empty array of strings")
    with db.as_caller(principal) as conn:
        rows = conn.execute(
            f"delete from storage.objects where bucket_id = %s and name = any(%s) returning {OBJECT_COLUMNS}",
            [request.path_params["bucket"], prefixes],
        ).fetchall()
    for row in rows:
        drop_version(row["version"])
    return JSONResponse([object_json(row, *ROW_FIELDS) for row in rows])


def copy(request: Request, incoming: Incoming) -> Response:
    """POST /object/copy: copyObject.ts. The caller must see the source and may write the
    destination (tested as for an upload); the new row is the service's, owned by the caller."""
    principal = caller(request)
    bucket_id, source_key, destination_key = _required(incoming, "bucketId", "sourceKey", "destinationKey")
    body = incoming.json or {}
    destination_bucket = str(body.get("destinationBucket") or bucket_id)
    must_be_valid_key(destination_key)
    find_bucket(destination_bucket)
    source = find_object(principal, bucket_id, source_key)
    metadata = dict(source["metadata"] or {})
    user_metadata = source["user_metadata"]
    if body.get("copyMetadata", True) is False:
        metadata.pop("cacheControl", None)
        metadata.pop("mimetype", None)
        metadata.update({key: value for key, value in (body.get("metadata") or {}).items() if key in {"cacheControl", "mimetype"}})
        user_metadata = header_metadata(request)
    upsert = request.headers.get("x-upsert") == "true"
    owner = owner_of(principal)
    can_upload(principal, destination_bucket, destination_key, owner, upsert)
    version = write_version(read_version(source))
    try:
        row, replaced = write_row(
            destination_bucket, destination_key, owner, version, {**metadata, "lastModified": iso(_now())}, user_metadata, upsert=True
        )
    except BaseException:
        drop_version(version)
        raise
    drop_version(replaced)
    return JSONResponse({"Id": str(row["id"]), "Key": f"{destination_bucket}/{destination_key}", **object_json(row, *ROW_FIELDS)})


def move(request: Request, incoming: Incoming) -> Response:
    """POST /object/move: moveObject.ts. The caller must see the source and may update it into
    the destination (tested as the caller and rolled back); the service then moves the row."""
    principal = caller(request)
    bucket_id, source_key, destination_key = _required(incoming, "bucketId", "sourceKey", "destinationKey")
    destination_bucket = str((incoming.json or {}).get("destinationBucket") or bucket_id)
    must_be_valid_key(destination_key)
    find_bucket(destination_bucket)
    owner = owner_of(principal)
    _test_move(principal, bucket_id, source_key, destination_bucket, destination_key, owner)
    source = find_object(SERVICE, bucket_id, source_key)
    version = write_version(read_version(source))
    owner_update = ", owner = %(owner)s, owner_id = %(owner)s" if owner else ""
    try:
        with refusals(), db.as_caller(SERVICE) as conn:
            moved = conn.execute(
                "update storage.objects set bucket_id = %(to_bucket)s, name = %(to_name)s, version = %(version)s,"
                " metadata = coalesce(metadata, '{}') || jsonb_build_object('lastModified', %(now)s::text)"
                + owner_update
                + " where bucket_id = %(bucket)s and name = %(name)s returning id",
                {
                    "to_bucket": destination_bucket,
                    "to_name": destination_key,
                    "version": version,
                    "now": iso(_now()),
                    "owner": owner,
                    "bucket": bucket_id,
                    "name": source_key,
                },
            ).fetchone()
    except BaseException:
        drop_version(version)
        raise
    if moved is None:
        drop_version(version)
        raise errors.no_such_key()
    drop_version(source["version"])
    return JSONResponse({"message": "Successfully moved", "Id": str(moved["id"]), "Key": destination_key})


def _readable(principal: Principal, bucket_id: str, name: str) -> dict[str, Any]:
    """The row to serve: from a public bucket as the service, from a private one as the caller."""
    bucket = find_bucket(bucket_id)
    return find_object(SERVICE if bucket["public"] else principal, bucket_id, must_be_valid_key(name))


def _public_bucket(bucket_id: str) -> None:
    if not find_bucket(bucket_id)["public"]:
        raise errors.no_such_bucket()


def _info(row: dict[str, Any]) -> Response:
    metadata = row["metadata"] or {}
    body = {
        "id": str(row["id"]),
        "name": row["name"],
        "version": row["version"],
        "bucket_id": row["bucket_id"],
        "size": metadata.get("size"),
        "content_type": metadata.get("mimetype"),
        "cache_control": metadata.get("cacheControl"),
        "etag": metadata.get("eTag"),
        "metadata": row["user_metadata"],
        "last_modified": iso(row["updated_at"]),
        "created_at": iso(row["created_at"]),
    }
    headers = {"etag": metadata.get("eTag", ""), "cache-control": metadata.get("cacheControl") or "no-cache"}
    return JSONResponse(body, headers=headers)


def _test_move(principal: Principal, bucket_id: str, source: str, destination_bucket: str, destination: str, owner: str | None) -> None:
    """moveObject's testPermission: the caller finds the source and updates it into the
    destination (its SELECT and UPDATE policies), rolled back."""
    with refusals(), db.as_caller(principal) as conn, conn.transaction(force_rollback=True):
        find = "select 1 from storage.objects where bucket_id = %s and name = %s"
        if conn.execute(find, [bucket_id, source]).fetchone() is None:
            raise errors.no_such_key()
        updated = conn.execute(
            "update storage.objects set bucket_id = %s, name = %s, version = %s, owner = coalesce(%s, owner)"
            " where bucket_id = %s and name = %s returning id",
            [destination_bucket, destination, "1", owner, bucket_id, source],
        ).fetchone()
        if updated is None:
            raise errors.no_such_key()


def _required(incoming: Incoming, *names: str) -> list[str]:
    body = incoming.json or {}
    for name in names:
        if not isinstance(body.get(name), str):
            raise errors.RequestInvalid(f"body must have required property '{name}'")
    return [body[name] for name in names]


def _now() -> datetime:
    return datetime.now(UTC)
