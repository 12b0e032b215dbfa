"""Brute-force protection for password logins (SPEC §1): 5 failures for an account within 15
minutes lock it for 15 minutes. Counted in Postgres so it holds across function instances, keyed
by a hash of the normalised email so that unknown emails lock exactly like known ones and no
address is stored."""

from __future__ import annotations

import hashlib

from shared.db import one, service_transaction
from shared.errors import AccountLocked
from shared.settings import get_settings


def _key(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def ensure_not_locked(email: str) -> None:
    """Raise AccountLocked with the remaining lock time when the account is locked."""
    with service_transaction() as conn:
        row = one(conn.execute("select private.login_lock_remaining(%s) as seconds", [_key(email)]))
    if row["seconds"] > 0:
        raise AccountLocked(retry_after=row["seconds"])


def record_failure(email: str) -> None:
    """Count a failed login; the failure that reaches the threshold starts the lock."""
    settings = get_settings()
    with service_transaction() as conn:
        conn.execute(
            "select private.record_login_failure(%s, %s, %s, %s)",
            [_key(email), settings.lockout_max_failures, settings.lockout_window_seconds, settings.lockout_seconds],
        )


def clear(email: str) -> None:
    """A successful login resets the count."""
    with service_transaction() as conn:
        conn.execute("select private.clear_login_failures(%s)", [_key(email)])
