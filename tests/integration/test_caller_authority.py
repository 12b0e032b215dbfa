"""Authority comes from the database, not from an old token: staff power is the active recruiters
row's role, and an ended session stops state-changing and staff routes at once."""

from __future__ import annotations

import uuid

import pytest

from functions import assessments, auth, feedback, interview, process_turn, start_interview
from tests.rls import Actor, acting_as, create_user
from tests.support import access_token, invoke

HOME = "00000000-0000-0000-0000-00000000a001"


@pytest.fixture
def recruiter(admin_conn):
    return create_user(admin_conn, "recruiter", organization_id=HOME)


@pytest.fixture
def admin(admin_conn):
    return create_user(admin_conn, "admin", organization_id=HOME)


def test_a_demoted_recruiter_loses_manager_power_with_the_old_token(app_env, admin_conn, database, recruiter):
    """F4: after a demotion to viewer, a token that still claims "recruiter" (its session alive)
    can no longer edit or rescore: staff power is the row's role."""
    admin_conn.execute("update public.recruiters set role = 'viewer' where id = %s", [recruiter])
    token = access_token(recruiter, "recruiter")
    edit = invoke(feedback.handler, "PATCH", f"/{uuid.uuid4()}", token=token, json_body={"identified_gaps": ["x"]})
    rescore = invoke(assessments.handler, "POST", f"/{uuid.uuid4()}/rescore", token=token)
    assert edit.status == 403 and rescore.status == 403
    with acting_as(database, Actor("demoted", recruiter, "recruiter")) as conn:
        assert conn.execute("select access.can_manage() as manage, access.is_staff() as staff").fetchone() == {"manage": False, "staff": True}


def test_a_deactivated_admin_cannot_act_with_a_token_from_before(app_env, admin_conn, admin):
    """F1: a deactivated admin's still-valid token (even with a live session) can neither create
    staff nor re-activate itself."""
    admin_conn.execute("update public.recruiters set is_active = false where id = %s", [admin])
    token = access_token(admin, "admin")
    created = invoke(
        auth.handler, "POST", "/recruiters", token=token, json_body={"email": "ghost@example.com", "full_name": "Ghost Admin", "role": "admin"}
    )
    reactivated = invoke(auth.handler, "PATCH", f"/recruiters/{admin}", token=token, json_body={"is_active": True})
    assert created.status == 403 and created.error["code"] == "ACCOUNT_DISABLED"
    assert reactivated.status == 403
    assert admin_conn.execute("select count(*) as n from auth.users where email = 'ghost@example.com'").fetchone()["n"] == 0
    assert admin_conn.execute("select is_active from public.recruiters where id = %s", [admin]).fetchone()["is_active"] is False


def test_an_ended_session_stops_state_changing_and_staff_routes(app_env, admin_conn, recruiter):
    """F17: once the session is gone (logout, role change), the access token no longer works for
    writes or staff routes, although it has not expired."""
    candidate = create_user(admin_conn, "candidate")
    candidate_token, recruiter_token = access_token(candidate), access_token(recruiter, "recruiter")
    admin_conn.execute("delete from auth.sessions where user_id in (%s, %s)", [candidate, recruiter])
    started = invoke(start_interview.handler, "POST", "/", token=candidate_token, json_body={"role_type": "python"})
    pending = invoke(feedback.handler, "GET", "/pending", token=recruiter_token)
    assert started.status == 401 and started.error["message"] == "The session has ended; sign in again."
    assert pending.status == 401
    assert admin_conn.execute("select count(*) as n from public.interviews where candidate_id = %s", [candidate]).fetchone()["n"] == 0


def test_an_ended_session_stops_a_turn_and_counts_no_start(app_env, admin_conn):
    """F17 on the hot paths, which check the session inside their first read: once it is gone a
    turn is refused with nothing stored, a start neither starts nor counts against the limit, and
    the interview cannot be completed."""
    candidate = create_user(admin_conn, "candidate")
    token = access_token(candidate)
    started = invoke(start_interview.handler, "POST", "/", token=token, json_body={"role_type": "python"})
    interview_id = started.data["interview"]["id"]
    admin_conn.execute("delete from auth.sessions where user_id = %s", [candidate])
    answer = {"text": "I would profile it first.", "question_id": started.data["question"]["id"]}
    turned = invoke(process_turn.handler, "POST", f"/{interview_id}", token=token, json_body=answer)
    again = invoke(start_interview.handler, "POST", "/", token=token, json_body={"role_type": "python"})
    completed = invoke(interview.handler, "POST", f"/{interview_id}/complete", token=token)
    assert (turned.status, turned.error["message"]) == (401, "The session has ended; sign in again.")
    assert again.status == 401 and completed.status == 401
    assert admin_conn.execute("select status from public.interviews where id = %s", [interview_id]).fetchone() == {"status": "in_progress"}
    assert admin_conn.execute("select count(*) as n from public.interview_messages where interview_id = %s", [interview_id]).fetchone()["n"] == 1
    assert admin_conn.execute("select count(*) as n from public.interviews where candidate_id = %s", [candidate]).fetchone()["n"] == 1
    counted = admin_conn.execute(
        "select sum(hits) as n from private.rate_limit_counters where action = 'interview.start' and subject = %s", [candidate]
    ).fetchone()
    assert counted["n"] == 1


def test_a_token_without_a_session_is_refused_for_writes(app_env, admin_conn):
    """F17: a token that names no live session (forged claims, a session id that never existed) cannot write."""
    candidate = create_user(admin_conn, "candidate")
    token = access_token(candidate, session=False)
    assert invoke(start_interview.handler, "POST", "/", token=token, json_body={"role_type": "python"}).status == 401


def test_the_token_of_a_deleted_account_is_a_401_not_a_500(app_env, admin_conn):
    """F11: an account deleted while its token is still valid gets a 401, not a foreign-key 500."""
    candidate = create_user(admin_conn, "candidate")
    token = access_token(candidate)
    admin_conn.execute("delete from auth.users where id = %s", [candidate])
    reply = invoke(start_interview.handler, "POST", "/", token=token, json_body={"role_type": "python"})
    assert reply.status == 401


def test_nobody_changes_their_own_role_or_activation_even_over_rest(database, admin_conn, admin):
    """F1: an admin cannot re-activate or promote themself by updating their recruiters row directly."""
    import psycopg

    with acting_as(database, Actor("admin", admin, "admin")) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("update public.recruiters set role = 'viewer' where id = %s", [admin])


def test_a_role_change_or_deactivation_ends_the_persons_sessions(app_env, admin_conn, recruiter, admin, database):
    """F1, F4: when an admin demotes or deactivates someone, that person's sessions end at once."""
    token = access_token(recruiter, "recruiter")
    with acting_as(database, Actor("admin", admin, "admin")) as conn:
        assert conn.execute("update public.recruiters set role = 'viewer' where id = %s", [recruiter]).rowcount == 1
        conn.execute("reset role")
        assert conn.execute("select count(*) as n from auth.sessions where user_id = %s", [recruiter]).fetchone()["n"] == 0
    admin_conn.execute("update public.recruiters set is_active = false where id = %s", [recruiter])
    assert admin_conn.execute("select count(*) as n from auth.sessions where user_id = %s", [recruiter]).fetchone()["n"] == 0
    assert invoke(feedback.handler, "GET", "/pending", token=token).status == 401
