"""What every storage handler needs: who calls, key and bucket-name rules (src/storage/limits.ts),
bucket lookups, the file store and the JSON shapes of rows.

Bytes are stored as storage-api stores them in S3, one file per object version
(`<storage dir>/objects/<version>`), so any key storage-api accepts, `..` or `a//b` included, is
safe on disk and a replaced or moved object never loses its bytes half-way."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg
from starlette.requests import Request

from local.supabase_standin import db
from local.supabase_standin.config import get_config
from local.supabase_standin.storage import errors
from local.supabase_standin.tokens import InvalidToken, Principal, principal_from

# isValidKey / isValidBucketName: S3-safe characters only (`\w` is ASCII in JavaScript).
KEY = re.compile(r"^[A-Za-z0-9_/!.*'() &$=@;:+,?-]+$")
BUCKET_NAME = re.compile(r"^[A-Za-z0-9_!.*'() &$=@;:+,?-]{1,63}$")
# How storage-api's superuser connection runs: the service role with the service key's claims.
SERVICE = Principal(role="service_role", claims={"role": "service_role"})
OBJECT_COLUMNS = "id, bucket_id, name, owner, owner_id, metadata, user_metadata, version, created_at, updated_at, last_accessed_at"


def must_be_valid_key(key: str) -> str:
    """mustBeValidKey: the key itself, or InvalidKey."""
    if not KEY.match(key):
        raise errors.invalid_key(key)
    return key


def must_be_valid_bucket_name(name: str) -> str:
    if not BUCKET_NAME.match(name):
        raise errors.invalid_bucket_name()
    return name


def caller(request: Request) -> Principal:
    """The verified caller; a missing or bad JWT is storage-api's AccessDenied (sent as HTTP 400)."""
    try:
        return principal_from(request)
    except InvalidToken as exc:
        raise errors.access_denied("Invalid JWT") from exc


def owner_of(principal: Principal) -> str | None:
    """request.owner: the JWT's `sub` (none for the API keys)."""
    return principal.user_id


def find_bucket(bucket_id: str, principal: Principal = SERVICE) -> dict[str, Any]:
    """The bucket as `principal` sees it (RLS on storage.buckets), or NoSuchBucket."""
    with db.as_caller(principal) as conn:
        row = conn.execute("select * from storage.buckets where id = %s", [bucket_id]).fetchone()
    if row is None:
        raise errors.no_such_bucket()
    return row


def find_object(principal: Principal, bucket_id: str, name: str) -> dict[str, Any]:
    """findObject: the row as `principal` sees it, or NoSuchKey."""
    with db.as_caller(principal) as conn:
        row = conn.execute(f"select {OBJECT_COLUMNS} from storage.objects where bucket_id = %s and name = %s", [bucket_id, name]).fetchone()
    if row is None:
        raise errors.no_such_key()
    return row


@contextmanager
def refusals() -> Iterator[None]:
    """Postgres refusals on storage.objects as storage-api's database layer reports them."""
    try:
        yield
    except psycopg.errors.UniqueViolation as exc:
        raise errors.key_already_exists() from exc
    except psycopg.errors.InsufficientPrivilege as exc:
        raise errors.access_denied() from exc


# Files ------------------------------------------------------------------------------------------


def object_file(version: str) -> Path:
    return get_config().storage_dir / "objects" / str(uuid.UUID(version))


def write_version(data: bytes) -> str:
    """Store the bytes as a new version; returns the version id to put in the row."""
    version = str(uuid.uuid4())
    path = object_file(version)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{version}.tmp")
    partial.write_bytes(data)
    os.replace(partial, path)
    return version


def read_version(row: dict[str, Any]) -> bytes:
    if not row.get("version"):
        raise errors.no_such_key()
    try:
        return object_file(row["version"]).read_bytes()
    except FileNotFoundError as exc:
        raise errors.no_such_key() from exc


def drop_version(version: str | None) -> None:
    if version:
        object_file(version).unlink(missing_ok=True)


# JSON shapes ------------------------------------------------------------------------------------


def iso(value: Any) -> Any:
    """A column value as JSON carries it: timestamps in ISO 8601, uuids as strings."""
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value) if isinstance(value, uuid.UUID) else value


def object_json(row: dict[str, Any], *columns: str) -> dict[str, Any]:
    return {column: iso(row[column]) for column in columns}


def bucket_json(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "owner": row["owner_id"] or "",
        "public": row["public"],
        "file_size_limit": row["file_size_limit"],
        "allowed_mime_types": row["allowed_mime_types"],
        "created_at": iso(row["created_at"]),
        "updated_at": iso(row["updated_at"]),
    }
