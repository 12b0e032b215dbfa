"""Brute-force protection for password logins (SPEC §1): 5 failures for an account within 15
minutes lock it for 15 minutes, on every login path.

The rule is enforced where the password is checked. Supabase Auth calls its password
verification attempt hook (`public.hook_password_verification_attempt`, migration
20261126030000; enabled in supabase/config.toml) after checking a password on every password
grant, whether the client is this backend or anyone holding the public anon key. The hook counts
each attempt with one atomic upsert, so parallel logins cannot slip past the count, and while the
account is locked it rejects every attempt, right password or not: Supabase Auth then answers
`invalid_credentials` with the hook's message, LOCKED_MESSAGE.

This module is the functions' side of the rule: telling a lock from a wrong password, counting
failures for emails Supabase Auth has no password account for (it calls no hook for them, and
they must lock like known ones so that locking reveals nothing), and the Retry-After time. Counts
are keyed by sha256 of the normalised email (`private.login_key`), so no address is stored.
"""

from __future__ import annotations

from shared.db import one, service_transaction
from shared.errors import AccountLocked

LOCKED_MESSAGE = "Too many failed logins; the account is locked for a while."  # the hook's reject message


def is_lock_rejection(code: str | None, message: str) -> bool:
    """Whether a password grant's error is the hook refusing a locked account."""
    return code == "invalid_credentials" and message == LOCKED_MESSAGE


def account_locked(email: str) -> AccountLocked:
    """The error for a locked account, with the remaining lock time."""
    with service_transaction() as conn:
        row = one(conn.execute("select private.login_lock_remaining(private.login_key(%s)) as seconds", [email]))
    return AccountLocked(retry_after=max(1, row["seconds"]))


def count_unknown_email_failure(email: str) -> None:
    """Count a failed login for an email without a password account (a no-op for known accounts,
    which the hook has counted); AccountLocked when that email is locked."""
    with service_transaction() as conn:
        row = one(conn.execute("select refused, retry_after_seconds from private.record_unknown_email_login_failure(%s)", [email]))
    if row["refused"]:
        raise AccountLocked(retry_after=row["retry_after_seconds"])
