"""Database access: one psycopg pool per cold start and the two kinds of transaction.

`user_transaction(claims)` runs as Supabase's API does (SET LOCAL ROLE authenticated plus
request.jwt.claims), so row-level security decides what the caller sees. `service_transaction()`
is trusted system work as service_role (BYPASSRLS). Prepared statements are off so that the
Supabase pooler in transaction mode works.

A pooled connection the server closed while it sat idle (a database restart, the pooler
recycling it) fails at BEGIN, before any work: it is dropped and the next one taken, so the pool
recovers by itself. Other connection failures raise psycopg's OperationalError, which the HTTP
layer answers as 503; the transaction is then rolled back, never half-applied.

Every connection returns rows as dicts (`Connection` below), so `cursor.fetchone()` is
`dict[str, Any] | None`; `one(cursor)` is for queries that always return a row.

The hot paths (a turn, a start, the interview reads) pay one network round trip per call instead
of one per statement: `round_trip(...)` sends its statements as one pipeline in one implicit
transaction (the extended protocol's: everything up to the Sync commits together or not at all),
starting with the role and claims (`as_user(claims)`, or `on_behalf_of(claims)` for the service).
Between Lambda and Supabase's pooler a round trip costs 1-5 ms, more than the statements.
"""

from __future__ import annotations

import json
import select
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from functools import lru_cache
from typing import Any, TypeAlias

import psycopg
from psycopg.rows import DictRow, dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

from shared.errors import ServiceUnavailable
from shared.settings import get_settings

Connection: TypeAlias = psycopg.Connection[DictRow]
Params: TypeAlias = Sequence[Any] | Mapping[str, Any]
Statement: TypeAlias = tuple[str, Params]


def one(cursor: psycopg.Cursor[DictRow]) -> DictRow:
    """The next row of a query that always returns one (`select count(*)`, `insert ... returning`)."""
    row = cursor.fetchone()
    if row is None:
        raise RuntimeError("The query returned no row where one was expected.")
    return row


def _configure(conn: Connection) -> None:
    conn.prepare_threshold = None


@lru_cache
def get_pool() -> ConnectionPool[Connection]:
    settings = get_settings()
    pool: ConnectionPool[Connection] = ConnectionPool(
        settings.database_url.get_secret_value(),
        min_size=settings.db_pool_min_size,
        max_size=settings.db_pool_max_size,
        kwargs={
            "row_factory": dict_row,
            "connect_timeout": settings.db_connect_timeout_s,
            # JIT compiles plans whose estimated cost is high, as row-level security's subqueries
            # make it: 0.2-1 s of LLVM for statements that run in milliseconds (bench/job_search.py).
            "options": f"-c statement_timeout={settings.db_statement_timeout_ms} -c jit=off",
        },
        configure=_configure,
        open=True,
        timeout=settings.db_connect_timeout_s,
    )
    return pool


def close_pool() -> None:
    """Close the pool (tests and the local gateway use it when settings change)."""
    if get_pool.cache_info().currsize:
        get_pool().close()
    get_pool.cache_clear()


@contextmanager
def _transaction() -> Iterator[Connection]:
    """A pooled connection inside a transaction; stale pooled connections are skipped."""
    pool = get_pool()
    attempts = pool.max_size + 1  # after a restart every pooled connection may be stale
    for attempt in range(1, attempts + 1):
        with pool.connection() as conn:
            began = ExitStack()
            try:
                began.enter_context(conn.transaction())
            except psycopg.OperationalError:
                if conn.broken and attempt < attempts:
                    continue  # the pool discards the broken connection on return
                raise
            with began:
                yield conn
            return


@contextmanager
def user_transaction(claims: Mapping[str, Any]) -> Iterator[Connection]:
    """A transaction as the authenticated caller: RLS policies see auth.uid() and auth.jwt()."""
    with _transaction() as conn:
        conn.execute(
            "select set_config('role', 'authenticated', true),"
            " set_config('request.jwt.claims', %s, true),"
            " set_config('request.jwt.claim.sub', '', true)",
            [json.dumps(dict(claims))],
        )
        yield conn


@contextmanager
def anon_transaction() -> Iterator[Connection]:
    """A transaction as an unauthenticated client (role anon)."""
    with _transaction() as conn:
        conn.execute(
            "select set_config('role', 'anon', true), set_config('request.jwt.claims', %s, true)",
            [json.dumps({"role": "anon"})],
        )
        yield conn


@contextmanager
def service_transaction() -> Iterator[Connection]:
    """A transaction as service_role, for trusted system work (jobs, schedules, auth flows)."""
    with _transaction() as conn:
        conn.execute(
            "select set_config('role', 'service_role', true), set_config('request.jwt.claims', %s, true)",
            [json.dumps({"role": "service_role"})],
        )
        yield conn


def become_service(conn: Connection) -> None:
    """Continue the current transaction as service_role, after the caller's own RLS-checked writes,
    so that their follow-up system work (an outbox row, a job) commits or rolls back with them."""
    conn.execute(
        "select set_config('role', 'service_role', true), set_config('request.jwt.claims', %s, true)",
        [json.dumps({"role": "service_role"})],
    )


def as_user(claims: Mapping[str, Any]) -> Statement:
    """The first statement of a round trip as the authenticated caller (what `user_transaction` sets)."""
    return (
        "select set_config('role', 'authenticated', true), set_config('request.jwt.claims', %s, true), set_config('request.jwt.claim.sub', '', true)",
        [json.dumps(dict(claims))],
    )


def on_behalf_of(claims: Mapping[str, Any]) -> Statement:
    """The first statement of a round trip as service_role that keeps the caller's verified claims,
    so that a `private` function (which only the service may execute) checks the caller's
    ownership with auth.uid() itself instead of trusting an argument for identity."""
    return ("select set_config('role', 'service_role', true), set_config('request.jwt.claims', %s, true)", [json.dumps(dict(claims))])


def round_trip(statements: Sequence[Statement]) -> list[list[DictRow]]:
    """Run `statements` in order in one transaction sent as one pipeline: one network round trip.
    Returns each statement's rows. An error in any statement rolls all of them back and raises.

    A statement can continue the transaction as the service after an RLS-checked read, as
    `become_service` does, by selecting `set_config('role', 'service_role', true)` from the row it
    may see (nothing visible, no switch); the statements after it that must only run as the
    service say `where current_user = 'service_role'`."""
    pool = get_pool()
    for _ in range(pool.max_size + 1):  # after a restart every pooled connection may be stale
        with pool.connection() as conn:
            if _closed_by_server(conn):
                conn.close()  # the pool replaces it; nothing was sent on it
                continue
            conn.autocommit = True  # the pipeline's Sync ends the implicit transaction: no BEGIN/COMMIT trips
            try:
                with conn.pipeline():
                    cursors = [conn.execute(sql, params) for sql, params in statements]
                return [cursor.fetchall() if cursor.description else [] for cursor in cursors]
            finally:
                if not conn.closed:
                    conn.autocommit = False
    raise psycopg.OperationalError("No live database connection was available.")


def _closed_by_server(conn: Connection) -> bool:
    """Whether the server ended this idle pooled connection (a restart, a terminated session): an
    idle connection has nothing to read, so anything readable is the server's goodbye or the end
    of the stream. Checked locally, without a round trip, before anything is sent on it."""
    poller = select.poll()
    poller.register(conn.fileno(), select.POLLIN)
    return bool(poller.poll(0))


def ping() -> None:
    """Raise ServiceUnavailable when the database cannot answer a trivial query."""
    try:
        with service_transaction() as conn:
            conn.execute("select 1")
    except (psycopg.Error, PoolTimeout) as exc:
        raise ServiceUnavailable("The database is not reachable.") from exc
