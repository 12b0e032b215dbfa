"""Rate limits counted in Postgres (fixed windows, one atomic upsert per hit), so a limit holds
across every concurrent function instance."""

from __future__ import annotations

from shared.db import one, service_transaction
from shared.errors import RateLimited


def hit(action: str, subject: str, *, limit: int, window_seconds: int) -> None:
    """Count one `action` by `subject`; raise RateLimited (429 + Retry-After) past the limit."""
    with service_transaction() as conn:
        row = one(
            conn.execute(
                "select allowed, retry_after_seconds from private.hit_rate_limit(%s, %s, %s, %s)",
                [action, subject, limit, window_seconds],
            )
        )
    if not row["allowed"]:
        raise RateLimited(retry_after=row["retry_after_seconds"])
