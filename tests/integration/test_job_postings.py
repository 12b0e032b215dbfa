"""Job postings: every allowed and forbidden status move, through the API and by direct table
updates as `authenticated` (the database's trigger decides both), the search's text matching
and ranking, and who sees and changes which posting."""

from __future__ import annotations

import psycopg
import pytest

from functions import job_postings
from tests.rls import Actor, acting_as, create_user
from tests.support import access_token, invoke

HOME = "00000000-0000-0000-0000-00000000a001"
OTHER = "00000000-0000-0000-0000-00000000b002"
INSERT = (
    "insert into public.job_postings (organization_id, title, company, role_category, employment_type, work_setup,"
    " status, is_cancelled, cancellation_reason, salary_min, salary_max, tech_stack)"
    " values (%s, %s, %s, 'engineering', 'permanent', 'remote', %s, %s, %s, %s, %s, %s) returning id::text as id"
)


def effective(status: str) -> tuple[str, bool, str | None]:
    return ("active", True, "Budget cut") if status == "cancelled" else (status, False, None)


@pytest.fixture
def posting(admin_conn):
    """A posting of HOME in `status` (active, paused, closed or cancelled); returns its id."""

    def make(status: str = "active", title: str = "Backend Engineer", company: str = "Acme", organization: str = HOME, **extra) -> str:
        state, cancelled, reason = effective(status)
        row = admin_conn.execute(
            INSERT,
            [organization, title, company, state, cancelled, reason, extra.get("salary_min"), extra.get("salary_max"), extra.get("tech_stack", [])],
        ).fetchone()
        return row["id"]

    return make


@pytest.fixture
def other_org(admin_conn) -> str:
    admin_conn.execute("insert into public.organizations (id, name) values (%s, 'Other Firm') on conflict (id) do nothing", [OTHER])
    return OTHER


@pytest.fixture
def recruiter(admin_conn):
    return create_user(admin_conn, "recruiter", organization_id=HOME)


def status_of(admin_conn, posting_id: str) -> str:
    row = admin_conn.execute("select status, is_cancelled from public.job_postings where id = %s", [posting_id]).fetchone()
    return "cancelled" if row["is_cancelled"] else row["status"]


# (from, route, to or None when refused with 409 INVALID_STATUS_MOVE)
API_MOVES = [
    ("active", "pause", "paused"),
    ("active", "close", "closed"),
    ("active", "cancel", "cancelled"),
    ("active", "reopen", "active"),  # already active: repeating a move changes nothing
    ("paused", "reopen", "active"),
    ("paused", "close", "closed"),
    ("paused", "cancel", "cancelled"),
    ("paused", "pause", "paused"),
    ("closed", "reopen", "active"),  # only the API's reopen brings a closed posting back
    ("closed", "pause", None),
    ("closed", "cancel", None),
    ("closed", "close", "closed"),
    ("cancelled", "reopen", None),  # cancelled is terminal
    ("cancelled", "pause", None),
    ("cancelled", "close", None),
    ("cancelled", "cancel", None),
]


@pytest.mark.parametrize(("start", "route", "end"), API_MOVES, ids=[f"{s}-{r}" for s, r, _ in API_MOVES])
def test_status_moves_through_the_api(app_env, admin_conn, posting, recruiter, start, route, end):
    """Each status route from each status: allowed moves land, refused ones are 409 INVALID_STATUS_MOVE and change nothing."""
    posting_id = posting(start)
    body = {"reason": "The role was filled internally."} if route == "cancel" else None
    reply = invoke(job_postings.handler, "POST", f"/{posting_id}/{route}", token=access_token(recruiter, "recruiter"), json_body=body)
    if end is None:
        assert reply.status == 409 and reply.error["code"] == "INVALID_STATUS_MOVE", reply.body
        assert status_of(admin_conn, posting_id) == start
    else:
        assert reply.status == 200, reply.body
        assert reply.data["job_posting"]["status"] == end and status_of(admin_conn, posting_id) == end


STATES = ["active", "paused", "closed", "cancelled"]
ALLOWED_BY_CLIENTS = {
    ("active", "paused"),
    ("paused", "active"),
    ("active", "closed"),
    ("paused", "closed"),
    ("active", "cancelled"),
    ("paused", "cancelled"),
}
SQL_MOVES = [(start, end) for start in STATES for end in STATES if start != end]


@pytest.mark.parametrize(("start", "end"), SQL_MOVES, ids=[f"{s}-to-{e}" for s, e in SQL_MOVES])
def test_status_moves_by_direct_update_as_authenticated(database, posting, recruiter, start, end):
    """A recruiter updating the table directly gets exactly the client moves: closed -> active and
    anything out of cancelled raise PT409."""
    posting_id = posting(start)
    state, cancelled, reason = effective(end)
    update = "update public.job_postings set status = %s, is_cancelled = %s, cancellation_reason = %s where id = %s returning id"
    with acting_as(database, Actor("recruiter", recruiter, "recruiter")) as conn:
        if (start, end) in ALLOWED_BY_CLIENTS:
            assert conn.execute(update, [state, cancelled, reason or "Budget cut" if cancelled else None, posting_id]).fetchall()
        else:
            with pytest.raises(psycopg.Error) as refused:
                conn.execute(update, [state, cancelled, reason, posting_id])
            assert refused.value.sqlstate == "PT409"


def test_a_cancelled_posting_cannot_be_edited_and_a_closed_one_can(database, posting, recruiter):
    """Cancelled rows are frozen (even their title); closed ones keep their content editable."""
    cancelled, closed = posting("cancelled"), posting("closed")
    with acting_as(database, Actor("recruiter", recruiter, "recruiter")) as conn:
        assert conn.execute("update public.job_postings set title = 'Renamed' where id = %s returning id", [closed]).fetchall()
        with pytest.raises(psycopg.Error) as refused:
            conn.execute("update public.job_postings set title = 'Renamed' where id = %s", [cancelled])
        assert refused.value.sqlstate == "PT409"


@pytest.mark.parametrize("status", ["closed", "cancelled"])
def test_clients_cannot_insert_a_posting_that_is_already_closed_or_cancelled(database, recruiter, status):
    state, cancelled, reason = effective(status)
    with acting_as(database, Actor("recruiter", recruiter, "recruiter")) as conn, pytest.raises(psycopg.Error) as refused:
        conn.execute(INSERT, [HOME, "Ghost role", "Acme", state, cancelled, reason, None, None, []])
    assert refused.value.sqlstate == "PT409"


def test_the_service_role_reopens_a_closed_posting_but_never_a_cancelled_one(database, posting):
    closed, cancelled = posting("closed"), posting("cancelled")
    with acting_as(database, Actor("service", None, "service_role")) as conn:
        assert conn.execute("update public.job_postings set status = 'active' where id = %s returning id", [closed]).fetchall()
        with pytest.raises(psycopg.Error) as refused:
            conn.execute("update public.job_postings set is_cancelled = false where id = %s", [cancelled])
        assert refused.value.sqlstate == "PT409"


def test_search_is_case_and_accent_insensitive_and_ranks_title_above_company(app_env, posting):
    """'cafe' finds 'Café' in a title; a title match ranks above a company match; search text is bound, never SQL."""
    in_title = posting(title="Café Platform Engineer", company="Acme")
    in_company = posting(title="Platform Engineer", company="CAFÉ Holdings")
    posting(title="Data Analyst", company="Elsewhere")
    reply = invoke(job_postings.handler, "GET", "/", query="q=cafe")
    assert reply.status == 200, reply.body
    assert [item["id"] for item in reply.data["items"]] == [in_title, in_company] and reply.data["total"] == 2
    assert invoke(job_postings.handler, "GET", "/", query="q=engineers").data["total"] == 2  # stemmed


def test_the_public_sees_active_postings_and_staff_also_their_organizations_others(app_env, posting, recruiter, other_org):
    mine_paused, others_paused = (
        posting("paused", title="Paused Home Role"),
        posting("paused", title="Paused Other Role", organization=other_org),
    )
    active = posting("active", title="Open Role")
    anonymous = {item["id"] for item in invoke(job_postings.handler, "GET", "/").data["items"]}
    staff = {item["id"] for item in invoke(job_postings.handler, "GET", "/", token=access_token(recruiter, "recruiter")).data["items"]}
    assert active in anonymous and not {mine_paused, others_paused} & anonymous
    assert {active, mine_paused} <= staff and others_paused not in staff
    assert invoke(job_postings.handler, "GET", f"/{mine_paused}").status == 404
    assert invoke(job_postings.handler, "GET", f"/{mine_paused}", token=access_token(recruiter, "recruiter")).status == 200


def test_another_organizations_recruiter_gets_404_and_a_viewer_403(app_env, admin_conn, posting, other_org):
    posting_id = posting("active")
    outsider = create_user(admin_conn, "recruiter", organization_id=other_org)
    viewer = create_user(admin_conn, "viewer", organization_id=HOME)
    for route in ("pause", "close", "reopen"):
        assert invoke(job_postings.handler, "POST", f"/{posting_id}/{route}", token=access_token(outsider, "recruiter")).status == 404
        assert invoke(job_postings.handler, "POST", f"/{posting_id}/{route}", token=access_token(viewer, "viewer")).status == 403
    edit = invoke(job_postings.handler, "PATCH", f"/{posting_id}", token=access_token(outsider, "recruiter"), json_body={"title": "Stolen"})
    assert edit.status == 404 and status_of(admin_conn, posting_id) == "active"


def test_a_recruiter_creates_a_posting_of_their_own_organization(app_env, admin_conn, recruiter):
    body = {
        "title": "Site Reliability Engineer",
        "company": "Acme",
        "role_category": "devops",
        "employment_type": "permanent",
        "work_setup": "hybrid",
    }
    reply = invoke(job_postings.handler, "POST", "/", token=access_token(recruiter, "recruiter"), json_body=body)
    assert reply.status == 201, reply.body
    row = admin_conn.execute(
        "select organization_id::text as org, created_by::text as by from public.job_postings where id = %s", [reply.data["job_posting"]["id"]]
    ).fetchone()
    assert row == {"org": HOME, "by": recruiter}
