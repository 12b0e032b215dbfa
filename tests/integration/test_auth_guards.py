"""Rate limits and login lockout, counted in Postgres."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from shared import lockout, rate_limit
from shared.errors import AccountLocked, RateLimited


def test_rate_limit_is_atomic_under_concurrency(app_env):
    def attempt(_):
        try:
            rate_limit.hit("register", "10.0.0.1", limit=10, window_seconds=3600)
            return True
        except RateLimited:
            return False

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(attempt, range(25)))
    assert results.count(True) == 10


def test_rate_limit_sets_retry_after_within_the_window(app_env):
    rate_limit.hit("interview.start", "user-1", limit=1, window_seconds=3600)
    with pytest.raises(RateLimited) as raised:
        rate_limit.hit("interview.start", "user-1", limit=1, window_seconds=3600)
    assert 0 < raised.value.retry_after <= 3600
    rate_limit.hit("interview.start", "user-2", limit=1, window_seconds=3600)  # other subjects are unaffected


def test_fifth_failure_locks_and_clear_resets(app_env):
    for _ in range(4):
        lockout.record_failure("Someone@Example.com")
    lockout.ensure_not_locked("someone@example.com")
    lockout.record_failure("someone@example.com")
    with pytest.raises(AccountLocked) as raised:
        lockout.ensure_not_locked(" SOMEONE@example.com ")
    assert 14 * 60 < raised.value.retry_after <= 15 * 60
    lockout.clear("someone@example.com")
    lockout.ensure_not_locked("someone@example.com")


def test_failures_outside_the_window_do_not_count(app_env, admin_conn):
    for _ in range(4):
        lockout.record_failure("slow@example.com")
    admin_conn.execute("update private.login_failures set window_started_at = now() - interval '16 minutes'")
    lockout.record_failure("slow@example.com")
    lockout.ensure_not_locked("slow@example.com")


def test_an_expired_lock_lets_the_account_try_again(app_env, admin_conn):
    for _ in range(5):
        lockout.record_failure("later@example.com")
    admin_conn.execute("update private.login_failures set locked_until = now() - interval '1 second'")
    lockout.ensure_not_locked("later@example.com")
    lockout.record_failure("later@example.com")
    lockout.ensure_not_locked("later@example.com")


def test_clients_cannot_reach_the_counters(app_env, admin_conn):
    import psycopg

    from shared.db import user_transaction

    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with user_transaction({"sub": "00000000-0000-0000-0000-000000000001", "role": "authenticated"}) as conn:
            conn.execute("select * from private.login_failures")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with user_transaction({"sub": "00000000-0000-0000-0000-000000000001", "role": "authenticated"}) as conn:
            conn.execute("select private.clear_login_failures('x')")
