"""The two listings, both run as the caller so the policies decide what is listed.

`POST /object/list/{bucket}` (listObjects.ts over the `storage.search` function): one folder
level under `prefix`, folders first (name only, null id), then objects, offset/limit paging.

`POST /object/list-v2/{bucket}` (listObjectsV2.ts, ObjectStorage.listObjectsV2): full keys under
`prefix`, sorted by name (or updated_at/created_at, name breaking ties), cursor paging with
`{hasNext, nextCursor, nextCursorKey, folders, objects}`; with `with_delimiter` the keys below
the next `/` fold into folder entries (`name` ends with `/`, null id)."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from local.supabase_standin import db
from local.supabase_standin.storage import errors
from local.supabase_standin.storage.body import Incoming
from local.supabase_standin.storage.common import OBJECT_COLUMNS, caller, iso, object_json

ENTRY_TIMES = ("updated_at", "created_at", "last_accessed_at")
V2_LIMIT = 1000
V2_SORT_COLUMNS = {"name", "updated_at", "created_at"}
CURSOR_PARTS = {"l": "startAfter", "o": "sortOrder", "c": "sortColumn", "a": "sortColumnAfter"}
EPOCH = datetime.fromtimestamp(0, UTC)


def list_objects(request: Request, incoming: Incoming) -> Response:
    body = incoming.json or {}
    prefix = str(body.get("prefix") or "").strip("/")
    base = f"{prefix}/" if prefix else ""
    limit, offset = int(body.get("limit") or 100), int(body.get("offset") or 0)
    sort = body.get("sortBy") or {}
    column = sort.get("column") if sort.get("column") in {"name", *ENTRY_TIMES} else "name"
    descending = sort.get("order") == "desc"
    starts_with = (base + str(body.get("search") or "")).lower()
    folders: dict[str, dict[str, Any]] = {}
    objects: list[dict[str, Any]] = []
    for row in _rows(request, request.path_params["bucket"], ""):  # `ilike`: filtered below, case-insensitively
        if not row["name"].lower().startswith(starts_with):
            continue
        head, _, tail = row["name"][len(base) :].partition("/")
        if tail:
            folders[head] = {"name": head, "id": None, **dict.fromkeys(ENTRY_TIMES), "metadata": None}
        else:
            objects.append({**object_json(row, "id", *ENTRY_TIMES, "metadata"), "name": head, "_sort": row[column] or EPOCH})
    ordered_folders = sorted(folders.values(), key=lambda entry: entry["name"], reverse=descending)
    objects.sort(key=lambda entry: (entry["_sort"], entry["name"]), reverse=descending)
    entries = ordered_folders + [{key: value for key, value in entry.items() if key != "_sort"} for entry in objects]
    return JSONResponse(entries[offset : offset + limit])


def list_v2(request: Request, incoming: Incoming) -> Response:
    body = incoming.json or {}
    prefix = str(body.get("prefix") or "")
    limit = min(int(body.get("limit") or V2_LIMIT), V2_LIMIT)
    cursor = _decode_cursor(body["cursor"]) if body.get("cursor") else {}
    sort = body.get("sortBy") or {}
    column = cursor.get("sortColumn") or sort.get("column") or "name"
    order = cursor.get("sortOrder") or sort.get("order") or "asc"
    if column not in V2_SORT_COLUMNS or order not in {"asc", "desc"}:
        raise errors.RequestInvalid("body/sortBy must be a known column and order")
    rows = _rows(request, request.path_params["bucket"], prefix)
    entries = _fold(rows, prefix, request.path_params["bucket"]) if body.get("with_delimiter") else [_v2_object(row) for row in rows]
    entries.sort(key=lambda entry: _sort_key(entry, column), reverse=order == "desc")
    if "startAfter" in cursor:
        after = (_parse_time(cursor.get("sortColumnAfter")), cursor["startAfter"]) if column != "name" else cursor["startAfter"]
        entries = [entry for entry in entries if (_sort_key(entry, column) > after if order == "asc" else _sort_key(entry, column) < after)]
    page, has_next = entries[:limit], len(entries) > limit
    result: dict[str, Any] = {
        "hasNext": has_next,
        "folders": [_strip(entry) for entry in page if entry["id"] is None],
        "objects": [_strip(entry) for entry in page if entry["id"] is not None],
    }
    if has_next:
        last = page[-1]
        result["nextCursor"] = _encode_cursor(last, column, order)
        result["nextCursorKey"] = last["name"]
    return JSONResponse(result)


def _rows(request: Request, bucket_id: str, prefix: str) -> list[dict[str, Any]]:
    with db.as_caller(caller(request)) as conn:
        return conn.execute(
            f'select {OBJECT_COLUMNS} from storage.objects where bucket_id = %s and left(name, %s) = %s order by name collate "C"',
            [bucket_id, len(prefix), prefix],
        ).fetchall()


def _v2_object(row: dict[str, Any]) -> dict[str, Any]:
    return {**object_json(row, "id", "name", "metadata", *ENTRY_TIMES), "_row": row}


def _fold(rows: list[dict[str, Any]], prefix: str, bucket_id: str) -> list[dict[str, Any]]:
    """search_v2's level: objects right under the prefix keep their `key` (their segment at the
    level), deeper keys become one folder entry each."""
    level = len(prefix.split("/")) if prefix else 1
    entries: dict[str, dict[str, Any]] = {}
    for row in rows:
        below = row["name"][len(prefix) :]
        if "/" in below:
            folder = prefix + below[: below.index("/") + 1]
            entries.setdefault(folder, {"id": None, "name": folder, "bucket_id": bucket_id, **dict.fromkeys(ENTRY_TIMES)})
        else:
            entries[row["name"]] = {"key": row["name"].split("/")[level - 1], **_v2_object(row)}
    return list(entries.values())


def _sort_key(entry: dict[str, Any], column: str) -> Any:
    if column == "name":
        return entry["name"]
    row = entry.get("_row")
    return (row[column] if row else None) or EPOCH, entry["name"]


def _strip(entry: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in entry.items() if key != "_row"}


def _encode_cursor(last: dict[str, Any], column: str, order: str) -> str:
    """encodeContinuationToken: `k:value` lines, default values left out, base64."""
    parts = {"l": last["name"]}
    if order != "asc":
        parts["o"] = order
    if column != "name":
        parts["c"] = column
        row = last.get("_row")
        if row and row[column]:
            parts["a"] = iso(row[column].astimezone(UTC))
    return base64.b64encode("\n".join(f"{key}:{value}" for key, value in parts.items()).encode()).decode()


def _decode_cursor(token: Any) -> dict[str, str]:
    try:
        lines = base64.b64decode(str(token), validate=True).decode().split("\n")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise _invalid_cursor() from exc
    cursor = {}
    for line in lines:
        key, separator, value = line.partition(":")
        if not separator or key not in CURSOR_PARTS:
            raise _invalid_cursor()
        cursor[CURSOR_PARTS[key]] = value
    return cursor


def _parse_time(value: str | None) -> datetime:
    try:
        return datetime.fromisoformat(value) if value else EPOCH
    except ValueError as exc:
        raise _invalid_cursor() from exc


def _invalid_cursor() -> errors.StorageError:
    return errors.StorageError(400, "InvalidParameter", "Invalid Parameter continuation token")
