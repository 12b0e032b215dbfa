"""user_transaction really runs as `authenticated` with the caller's claims, so RLS decides."""

import uuid

import psycopg
import pytest

from shared.db import anon_transaction, service_transaction, user_transaction

ALICE, BOB = str(uuid.uuid4()), str(uuid.uuid4())


@pytest.fixture
def notes(app_env, admin_conn):
    admin_conn.execute(
        """
        create table public.notes (id serial primary key, owner uuid not null, body text not null);
        alter table public.notes enable row level security;
        create policy "Owners read their notes" on public.notes for select to authenticated
          using (owner = (select auth.uid()));
        create policy "Owners add their notes" on public.notes for insert to authenticated
          with check (owner = (select auth.uid()));
        grant select, insert on public.notes to authenticated;
        """
    )
    admin_conn.execute("insert into public.notes (owner, body) values (%s, 'a1'), (%s, 'a2'), (%s, 'b1')", [ALICE, ALICE, BOB])


def _claims(sub):
    return {"sub": sub, "role": "authenticated", "aud": "authenticated", "app_metadata": {"role": "candidate"}}


def test_user_transaction_sees_only_the_callers_rows(notes):
    with user_transaction(_claims(ALICE)) as conn:
        bodies = sorted(row["body"] for row in conn.execute("select body from public.notes"))
    assert bodies == ["a1", "a2"]
    with user_transaction(_claims(BOB)) as conn:
        assert [row["body"] for row in conn.execute("select body from public.notes")] == ["b1"]


def test_user_transaction_switches_role_and_claims(notes):
    with user_transaction(_claims(ALICE)) as conn:
        row = conn.execute("select current_user as role, auth.uid()::text as uid, auth.jwt() -> 'app_metadata' ->> 'role' as app_role").fetchone()
    assert row == {"role": "authenticated", "uid": ALICE, "app_role": "candidate"}


def test_settings_do_not_leak_into_the_next_transaction(notes):
    with user_transaction(_claims(ALICE)) as conn:
        conn.execute("select 1")
    with service_transaction() as conn:
        row = conn.execute("select current_user as role, auth.uid() as uid").fetchone()
    assert row == {"role": "service_role", "uid": None}


def test_policy_refuses_writing_for_someone_else(notes):
    with pytest.raises(psycopg.errors.InsufficientPrivilege), user_transaction(_claims(ALICE)) as conn:
        conn.execute("insert into public.notes (owner, body) values (%s, 'forged')", [BOB])


def test_service_role_bypasses_rls_and_anon_sees_nothing(notes):
    with service_transaction() as conn:
        assert conn.execute("select count(*) as n from public.notes").fetchone()["n"] == 3
    with anon_transaction() as conn:
        assert conn.execute("select count(*) as n from public.notes").fetchone()["n"] == 0
