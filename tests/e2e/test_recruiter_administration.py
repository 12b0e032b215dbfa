"""Recruiter administration over HTTP: scoped to the admin's organization (read from the
database, not the token), never on the admin's own account, and a role change or deactivation
ends the target's sessions."""

from __future__ import annotations

import uuid

import pytest
from psycopg.rows import dict_row

from local import postgres
from supabase import ClientOptions, create_client
from tests.e2e.conftest import PASSWORD

OTHER_FIRM = "00000000-0000-0000-0000-00000000c0de"
TEAMIFIED = "00000000-0000-0000-0000-00000000a001"


@pytest.fixture(scope="module")
def db(stack_db):
    with postgres.connect(stack_db) as conn:
        conn.row_factory = dict_row
        conn.execute("insert into public.organizations (id, name) values (%s, 'Other firm') on conflict (id) do nothing", [OTHER_FIRM])
        yield conn


@pytest.fixture
def staff_of(stack_env, supabase_url, api, db):
    """An account of `role` in `organization`, logged in; returns {id, email, token, refresh_token}."""
    admin_api = create_client(
        supabase_url, stack_env["SUPABASE_SERVICE_ROLE_KEY"], options=ClientOptions(auto_refresh_token=False, persist_session=False)
    ).auth.admin

    def make(organization: str, role: str = "admin") -> dict:
        email = f"{role}-{uuid.uuid4().hex[:10]}@example.com"
        admin_api.create_user(
            {
                "email": email,
                "password": PASSWORD,
                "email_confirm": True,
                "app_metadata": {"role": role, "organization_id": organization},
                "user_metadata": {"full_name": "Staff Member"},
            }
        )
        login = api("POST", "/auth/login", json={"email": email, "password": PASSWORD})
        assert login.status_code == 200, login.text
        data = login.json()["data"]
        return {"id": data["user"]["id"], "email": email, "token": data["session"]["access_token"], "refresh_token": data["session"]["refresh_token"]}

    return make


def recruiter_row(db, user_id: str) -> dict:
    return db.execute("select role, is_active, organization_id::text as organization_id from public.recruiters where id = %s", [user_id]).fetchone()


@pytest.mark.parametrize("change", [{"is_active": False}, {"role": "admin"}, {"role": "viewer"}])
def test_an_admin_cannot_change_another_organizations_recruiter(staff_of, api, db, change):
    """F2: an admin of another firm gets 404 for a Teamified recruiter (as if it did not exist), and
    nothing changes: the recruiter keeps its role, stays active and can still log in."""
    outsider = staff_of(OTHER_FIRM)
    recruiter = staff_of(TEAMIFIED, "recruiter")
    response = api("PATCH", f"/auth/recruiters/{recruiter['id']}", token=outsider["token"], json=change)
    assert response.status_code == 404, response.text
    assert response.json()["error"]["code"] == "NOT_FOUND"
    assert recruiter_row(db, recruiter["id"]) == {"role": "recruiter", "is_active": True, "organization_id": TEAMIFIED}
    assert api("POST", "/auth/login", json={"email": recruiter["email"], "password": PASSWORD}).status_code == 200


def test_accounts_an_admin_creates_join_the_admins_organization(staff_of, api, db):
    """F2: an account created by the other firm's admin belongs to the other firm (before, every new
    account joined Teamified, so that admin minted Teamified admins); Teamified's admin cannot
    touch it, its own admin can."""
    outsider = staff_of(OTHER_FIRM)
    teamified_admin = staff_of(TEAMIFIED)
    email = f"made-by-other-firm-{uuid.uuid4().hex[:8]}@example.com"
    created = api(
        "POST",
        "/auth/recruiters",
        token=outsider["token"],
        json={"email": email, "full_name": "Made By Other", "role": "admin", "password": PASSWORD},
    )
    assert created.status_code == 201, created.text
    new_id = created.json()["data"]["user"]["id"]
    assert recruiter_row(db, new_id) == {"role": "admin", "is_active": True, "organization_id": OTHER_FIRM}
    assert api("PATCH", f"/auth/recruiters/{new_id}", token=teamified_admin["token"], json={"role": "viewer"}).status_code == 404
    assert api("PATCH", f"/auth/recruiters/{new_id}", token=outsider["token"], json={"role": "viewer"}).status_code == 200

    own = api(
        "POST", "/auth/recruiters", token=teamified_admin["token"], json={"email": f"t-{uuid.uuid4().hex[:8]}@example.com", "full_name": "Tim Team"}
    )
    assert own.status_code == 201 and recruiter_row(db, own.json()["data"]["user"]["id"])["organization_id"] == TEAMIFIED


@pytest.mark.parametrize("change", [{"is_active": False}, {"role": "viewer"}, {"role": "recruiter"}, {"is_active": True}])
def test_an_admin_cannot_change_their_own_role_or_active_status(staff_of, api, db, change):
    """F1: an admin's own role and active status are another admin's to change (a deactivated
    admin's old token re-activated itself before)."""
    admin = staff_of(TEAMIFIED)
    response = api("PATCH", f"/auth/recruiters/{admin['id']}", token=admin["token"], json=change)
    assert response.status_code == 409, response.text
    assert response.json()["error"]["code"] == "OWN_ACCOUNT_CHANGE"
    assert recruiter_row(db, admin["id"]) == {"role": "admin", "is_active": True, "organization_id": TEAMIFIED}


@pytest.mark.parametrize("change", [{"role": "viewer"}, {"is_active": False}])
def test_a_role_change_or_deactivation_ends_the_targets_sessions(staff_of, api, db, change):
    """F1: the target's sessions are deleted (and their refresh tokens with them), so an old token
    is cut off wherever the session is checked, and a refresh fails."""
    admin = staff_of(TEAMIFIED)
    recruiter = staff_of(TEAMIFIED, "recruiter")
    second = api("POST", "/auth/login", json={"email": recruiter["email"], "password": PASSWORD}).json()["data"]["session"]
    assert db.execute("select count(*) as n from auth.sessions where user_id = %s", [recruiter["id"]]).fetchone()["n"] == 2
    assert api("PATCH", f"/auth/recruiters/{recruiter['id']}", token=admin["token"], json=change).status_code == 200
    left = "select (select count(*) from auth.sessions where user_id = %(u)s) + (select count(*) from auth.refresh_tokens where user_id = %(u)s) as n"
    assert db.execute(left, {"u": recruiter["id"]}).fetchone()["n"] == 0
    for refresh_token in (recruiter["refresh_token"], second["refresh_token"]):
        assert api("POST", "/auth/refresh", json={"refresh_token": refresh_token}).status_code in {401, 403}
    assert api("GET", "/auth/me", token=admin["token"]).status_code == 200  # the admin's own sessions are untouched
