"""Writing an object as storage-api does (src/storage/uploader.ts, object.ts): the file is checked
against the bucket's MIME types and size limit, the key against the allowed characters, then the
caller's permission is tested with the INSERT (for an upsert, INSERT ... ON CONFLICT DO UPDATE) it
would make, run as the caller and rolled back, so the bucket's policies decide and a taken key is
409; then the bytes are stored and the row is written by the storage service itself (the service
role, as storage-api's superuser connection), owned by the uploader."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from local.supabase_standin import db
from local.supabase_standin.storage import errors
from local.supabase_standin.storage.body import Upload
from local.supabase_standin.storage.common import (
    OBJECT_COLUMNS,
    SERVICE,
    drop_version,
    find_bucket,
    must_be_valid_key,
    refusals,
    write_version,
)
from local.supabase_standin.tokens import Principal


def can_upload(principal: Principal, bucket_id: str, name: str, owner: str | None, upsert: bool, upload: Upload | None = None) -> None:
    """Uploader.canUpload: the row the caller is about to write (with the file's MIME type, length
    and user metadata, which policies may check), tried as the caller and rolled back."""
    metadata = {"mimetype": upload.mimetype, "contentLength": len(upload.data)} if upload else None
    user_metadata = upload.user_metadata if upload else None
    statement = (
        "insert into storage.objects (bucket_id, name, owner, owner_id, version, metadata, user_metadata) values (%s, %s, %s, %s, '1', %s, %s)"
    )
    if upsert:
        statement += " on conflict (bucket_id, name) do update set version = excluded.version"
    with refusals(), db.as_caller(principal) as conn, conn.transaction(force_rollback=True):
        conn.execute(statement, [bucket_id, name, owner, owner, _json(metadata), _json(user_metadata)])


def store(principal: Principal, bucket_id: str, name: str, upload: Upload, *, upsert: bool, owner: str | None) -> dict[str, Any]:
    """Upload `upload` to `bucket_id/name` for `principal`; returns the written row."""
    bucket = find_bucket(bucket_id)
    _check_limits(bucket, upload)
    must_be_valid_key(name)
    can_upload(principal, bucket_id, name, owner, upsert, upload)
    version = write_version(upload.data)
    try:
        row, replaced = write_row(
            bucket_id,
            name,
            owner,
            version,
            file_metadata(upload.data, upload.mimetype, upload.cache_control),
            upload.user_metadata or {},
            upsert=upsert,
        )
    except BaseException:
        drop_version(version)
        raise
    drop_version(replaced)
    return row


def _check_limits(bucket: dict[str, Any], upload: Upload) -> None:
    """validateMimeType against the bucket's allowed types (`type/*` allows a whole type), then
    the bucket's size limit."""
    allowed = bucket["allowed_mime_types"]
    if allowed and not any(_mime_matches(upload.mimetype, pattern) for pattern in allowed):
        raise errors.invalid_mime_type(upload.mimetype)
    if bucket["file_size_limit"] is not None and len(upload.data) > bucket["file_size_limit"]:
        raise errors.entity_too_large()


def _mime_matches(mimetype: str, pattern: str) -> bool:
    kind, _, subtype = mimetype.partition("/")
    allowed_kind, _, allowed_subtype = pattern.partition("/")
    return bool(subtype) and kind == allowed_kind and allowed_subtype in {subtype, "*"}


def file_metadata(data: bytes, mimetype: str, cache_control: str) -> dict[str, Any]:
    """storage.objects.metadata as storage-api fills it from S3's answer to the upload."""
    return {
        "eTag": '"' + hashlib.md5(data, usedforsecurity=False).hexdigest() + '"',
        "size": len(data),
        "mimetype": mimetype,
        "cacheControl": cache_control,
        "lastModified": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "contentLength": len(data),
        "httpStatusCode": 200,
    }


def write_row(
    bucket_id: str, name: str, owner: str | None, version: str, metadata: dict[str, Any], user_metadata: dict[str, Any] | None, *, upsert: bool
) -> tuple[dict[str, Any], str | None]:
    """Uploader.completeUpload: upsert the row as the service; returns it and the version it replaced
    (a row that appeared meanwhile is a conflict unless this is an upsert). An owner is only set
    when the uploader has one (an API key upload keeps the old owner)."""
    owner_update = ", owner = excluded.owner, owner_id = excluded.owner_id" if owner else ""
    with refusals(), db.as_caller(SERVICE) as conn:
        previous = conn.execute("select version from storage.objects where bucket_id = %s and name = %s for update", [bucket_id, name]).fetchone()
        if previous and not upsert:
            raise errors.key_already_exists()
        row = conn.execute(
            "insert into storage.objects (bucket_id, name, owner, owner_id, metadata, user_metadata, version)"
            " values (%s, %s, %s, %s, %s, %s, %s) on conflict (bucket_id, name) do update set metadata = excluded.metadata,"
            f" user_metadata = excluded.user_metadata, version = excluded.version{owner_update} returning {OBJECT_COLUMNS}",
            [bucket_id, name, owner, owner, _json(metadata), _json(user_metadata), version],
        ).fetchone()
    return row, previous["version"] if previous else None


def _json(value: dict[str, Any] | None) -> str | None:
    return json.dumps(value) if value is not None else None
