"""Helpers for row-level security tests, in the spirit of supabase-test-helpers: create auth users
(the trigger gives them their profile row) and run SQL as a given actor in a rolled-back
transaction with Supabase's role and claims."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
from psycopg.rows import dict_row

from local import postgres


@dataclass(frozen=True)
class Actor:
    name: str
    user_id: str | None
    role: str  # app_metadata role, or 'anon' / 'service_role'

    @property
    def db_role(self) -> str:
        return self.role if self.role in {"anon", "service_role"} else "authenticated"

    @property
    def claims(self) -> dict:
        if self.user_id is None:
            return {"role": self.db_role}
        return {"sub": self.user_id, "role": "authenticated", "aud": "authenticated", "app_metadata": {"role": self.role}}


def create_user(conn: psycopg.Connection, role: str = "candidate", organization_id: str | None = None, name: str = "Test User") -> str:
    """Insert an auth user as Supabase Auth would; the trigger creates the profile row."""
    user_id = str(uuid.uuid4())
    app_meta = {"provider": "email", "role": role}
    if organization_id:
        app_meta["organization_id"] = organization_id
    conn.execute(
        "insert into auth.users (id, email, encrypted_password, raw_app_meta_data, raw_user_meta_data, email_confirmed_at)"
        " values (%s, %s, 'x', %s, %s, now())",
        [user_id, f"{role}-{user_id[:8]}@example.com", json.dumps(app_meta), json.dumps({"full_name": name})],
    )
    return user_id


@contextmanager
def acting_as(database: str, actor: Actor) -> Iterator[psycopg.Connection]:
    """A connection inside a transaction as `actor`; everything is rolled back afterwards."""
    with psycopg.connect(postgres.dsn(database), row_factory=dict_row) as conn:
        with conn.transaction(force_rollback=True):
            conn.execute(
                "select set_config('role', %s, true), set_config('request.jwt.claims', %s, true)",
                [actor.db_role, json.dumps(actor.claims)],
            )
            yield conn
