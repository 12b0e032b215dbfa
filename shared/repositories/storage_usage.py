"""Storage usage per bucket of the caller's organization (public.organization_storage_usage)."""

from __future__ import annotations

from shared.db import Connection
from shared.models.media import BucketUsage


def of_organization(conn: Connection) -> list[BucketUsage]:
    """Per bucket, as the calling admin's organization counts it (no rows for anyone else)."""
    rows = conn.execute(
        "select bucket_id as bucket, objects, bytes, objects_added_30d, bytes_added_30d from public.organization_storage_usage()"
    ).fetchall()
    return [BucketUsage.model_validate(row) for row in rows]
