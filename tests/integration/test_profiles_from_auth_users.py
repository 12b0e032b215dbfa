"""Profile rows made by the triggers on auth.users, for users written the way Supabase Auth's admin
API writes them: the INSERT carries app_metadata {provider, providers} only, and the role and
organization follow by an UPDATE in the same transaction (supabase/auth adminUserCreate)."""

from __future__ import annotations

import json
import uuid

import pytest

OTHER_FIRM = "00000000-0000-0000-0000-00000000f1a1"
TEAMIFIED = "00000000-0000-0000-0000-00000000a001"
EMAIL_PROVIDER = {"provider": "email", "providers": ["email"]}


@pytest.fixture
def other_firm(admin_conn) -> str:
    admin_conn.execute("insert into public.organizations (id, name) values (%s, 'Other firm') on conflict (id) do nothing", [OTHER_FIRM])
    return OTHER_FIRM


def insert_user(conn, user_id: str) -> None:
    conn.execute(
        "insert into auth.users (id, aud, role, email, encrypted_password, raw_app_meta_data, raw_user_meta_data)"
        " values (%s, 'authenticated', 'authenticated', %s, 'x', %s, %s)",
        [user_id, f"user-{user_id[:8]}@example.com", json.dumps(EMAIL_PROVIDER), json.dumps({"full_name": "Late Metadata"})],
    )


def write_app_metadata(conn, user_id: str, app_metadata: dict) -> None:
    conn.execute("update auth.users set raw_app_meta_data = raw_app_meta_data || %s where id = %s", [json.dumps(app_metadata), user_id])


def profiles(conn, user_id: str) -> dict:
    return conn.execute(
        "select (select organization_id::text from public.candidates where id = %(u)s) as candidate_organization,"
        " (select role from public.recruiters where id = %(u)s) as staff_role,"
        " (select organization_id::text from public.recruiters where id = %(u)s) as staff_organization",
        {"u": user_id},
    ).fetchone()


@pytest.mark.parametrize("role", ["recruiter", "admin", "viewer"])
def test_a_staff_role_written_after_the_insert_files_the_account_as_staff(admin_conn, other_firm, role):
    user_id = str(uuid.uuid4())
    with admin_conn.transaction():
        insert_user(admin_conn, user_id)
        write_app_metadata(admin_conn, user_id, {"role": role, "organization_id": other_firm})
    assert profiles(admin_conn, user_id) == {"candidate_organization": None, "staff_role": role, "staff_organization": other_firm}


def test_a_candidate_organization_written_after_the_insert_is_kept(admin_conn, other_firm):
    user_id = str(uuid.uuid4())
    with admin_conn.transaction():
        insert_user(admin_conn, user_id)
        write_app_metadata(admin_conn, user_id, {"role": "candidate", "organization_id": other_firm})
    assert profiles(admin_conn, user_id) == {"candidate_organization": other_firm, "staff_role": None, "staff_organization": None}


def test_a_later_app_metadata_change_never_moves_an_existing_account(admin_conn, other_firm):
    """Only the profile made in the creating transaction is corrected: a candidate given a staff
    role or another organization afterwards keeps their candidate row (and everything hanging off it)."""
    user_id = str(uuid.uuid4())
    with admin_conn.transaction():
        insert_user(admin_conn, user_id)
        write_app_metadata(admin_conn, user_id, {"role": "candidate"})
    write_app_metadata(admin_conn, user_id, {"role": "recruiter", "organization_id": other_firm})
    assert profiles(admin_conn, user_id) == {"candidate_organization": TEAMIFIED, "staff_role": None, "staff_organization": None}
