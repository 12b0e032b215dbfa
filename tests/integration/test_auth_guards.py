"""Rate limits and login lockout, counted in Postgres."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from shared import lockout, rate_limit
from shared.db import one, service_transaction
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


def test_fifth_failure_locks_and_a_right_password_before_it_resets(app_env):
    """F3: the lock rule lives in the database (private.record_login_attempt), shared by the Auth
    hook and POST /auth/login; keys are the normalised email's hash."""

    def attempt(email: str, valid: bool) -> bool:
        with service_transaction() as conn:
            return bool(one(conn.execute("select refused from private.record_login_attempt(private.login_key(%s), %s)", [email, valid]))["refused"])

    assert [attempt("Someone@Example.com", False) for _ in range(4)] == [False] * 4
    assert attempt(" someone@example.com ", True) is False  # a right password clears the count
    assert [attempt("someone@example.com", False) for _ in range(5)] == [False] * 5  # the fifth starts the lock
    assert attempt("SOMEONE@example.com", True) is True
    assert 14 * 60 < lockout.account_locked("someone@example.com").retry_after <= 15 * 60


def test_failures_outside_the_window_do_not_count(app_env, admin_conn):
    for _ in range(4):
        lockout.count_unknown_email_failure("slow@example.com")
    admin_conn.execute("update private.login_failures set window_started_at = now() - interval '16 minutes'")
    for _ in range(4):
        lockout.count_unknown_email_failure("slow@example.com")


def test_an_expired_lock_lets_the_account_try_again(app_env, admin_conn):
    for _ in range(5):
        lockout.count_unknown_email_failure("later@example.com")
    with pytest.raises(AccountLocked):
        lockout.count_unknown_email_failure("later@example.com")
    admin_conn.execute("update private.login_failures set locked_until = now() - interval '1 second'")
    lockout.count_unknown_email_failure("later@example.com")


def test_clients_cannot_reach_the_counters(app_env, admin_conn):
    import psycopg

    from shared.db import user_transaction

    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with user_transaction({"sub": "00000000-0000-0000-0000-000000000001", "role": "authenticated"}) as conn:
            conn.execute("select * from private.login_failures")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with user_transaction({"sub": "00000000-0000-0000-0000-000000000001", "role": "authenticated"}) as conn:
            conn.execute("select private.record_login_attempt('x', true)")
