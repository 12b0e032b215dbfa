"""Database access of the stand-in: a pool, and transactions as the caller's role with the
caller's claims, exactly as storage-api and PostgREST set them, so RLS and triggers apply."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from local.supabase_standin.config import get_config
from local.supabase_standin.tokens import Principal


@lru_cache
def pool() -> ConnectionPool:
    return ConnectionPool(get_config().database_url, min_size=1, max_size=10, kwargs={"row_factory": dict_row}, open=True)


@contextmanager
def admin() -> Iterator[psycopg.Connection]:
    """The service's own connection (like GoTrue's supabase_auth_admin)."""
    with pool().connection() as conn, conn.transaction():
        yield conn


@contextmanager
def as_caller(principal: Principal) -> Iterator[psycopg.Connection]:
    """A transaction as the caller: role and request.jwt.claims set locally."""
    with pool().connection() as conn, conn.transaction():
        conn.execute(
            "select set_config('role', %s, true), set_config('request.jwt.claims', %s, true),"
            " set_config('request.jwt.claim.role', %s, true), set_config('request.jwt.claim.sub', %s, true)",
            [principal.role, json.dumps(principal.claims), principal.role, principal.user_id or ""],
        )
        yield conn
