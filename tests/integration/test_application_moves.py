"""Application status moves: every allowed and forbidden move, through the API (PATCH /{id}/status
and POST /{id}/withdraw) and by direct table updates as `authenticated`; the history the moves
leave (staff see notes, the candidate does not); the outbox emails; completion, withdrawal and
restart of the application's interview; the one role-type rule."""

from __future__ import annotations

import psycopg
import pytest

from functions import applications as applications_function
from functions import start_interview as start_function
from shared.services import interviews
from tests.rls import Actor, acting_as, create_user
from tests.support import access_token, invoke

TEAMIFIED = "00000000-0000-0000-0000-00000000a001"
OTHER_ORG = "00000000-0000-0000-0000-00000000b002"
STATUSES = ["applied", "interview_scheduled", "interview_completed", "under_review", "rejected", "offered", "accepted", "withdrawn"]
STAFF_ALLOWED = {
    ("applied", "interview_scheduled"),
    ("interview_scheduled", "interview_completed"),
    ("interview_completed", "under_review"),
    ("under_review", "rejected"),
    ("under_review", "offered"),
    ("offered", "accepted"),
}
OPEN = ["applied", "interview_scheduled", "interview_completed", "under_review", "offered"]
STAFF_MOVES = [(a, b) for a in STATUSES for b in STATUSES if b != "withdrawn"]
WITHDRAWALS = [(a, "withdrawn") for a in STATUSES]


@pytest.fixture
def world(admin_conn):
    admin_conn.execute("insert into public.organizations (id, name) values (%s, 'Other Firm') on conflict do nothing", [OTHER_ORG])
    people = {
        "candidate": create_user(admin_conn, "candidate"),
        "recruiter": create_user(admin_conn, "recruiter", TEAMIFIED),
        "viewer": create_user(admin_conn, "viewer", TEAMIFIED),
        "outsider": create_user(admin_conn, "recruiter", OTHER_ORG),
    }
    posting = admin_conn.execute(
        "insert into public.job_postings (organization_id, title, company, role_category, employment_type, work_setup, tech_stack)"
        " values (%s, 'Node Engineer', 'Acme', 'engineering', 'permanent', 'remote', %s) returning id",
        [TEAMIFIED, ["typescript", "node.js"]],
    ).fetchone()["id"]
    return {**people, "posting": str(posting)}


def new_application(admin_conn, world, status: str) -> str:
    """An application of the candidate put in `status` (arranged as the superuser, around the move rules)."""
    application = admin_conn.execute(
        "insert into public.applications (candidate_id, job_posting_id) values (%s, %s) returning id", [world["candidate"], world["posting"]]
    ).fetchone()["id"]
    if status != "interview_scheduled":
        admin_conn.execute("alter table public.applications disable trigger applications_check_move")
        admin_conn.execute("update public.applications set status = %s where id = %s", [status, application])
        admin_conn.execute("alter table public.applications enable trigger applications_check_move")
    return str(application)


def status_of(admin_conn, application_id: str) -> str:
    return admin_conn.execute("select status from public.applications where id = %s", [application_id]).fetchone()["status"]


@pytest.mark.parametrize(("from_status", "to_status"), STAFF_MOVES)
def test_a_recruiter_moves_an_application_only_along_the_allowed_moves_at_the_api(app_env, admin_conn, world, from_status, to_status):
    application = new_application(admin_conn, world, from_status)
    reply = invoke(
        applications_function.handler,
        "PATCH",
        f"/{application}/status",
        json_body={"status": to_status, "note": "internal"},
        token=access_token(world["recruiter"], "recruiter"),
    )
    if (from_status, to_status) in STAFF_ALLOWED:
        assert reply.status == 200, reply.body
        assert reply.data["application"]["status"] == to_status == status_of(admin_conn, application)
    elif to_status == "applied":  # never a target: refused by the request model
        assert (reply.status, reply.error["code"]) == (422, "VALIDATION_ERROR")
        assert status_of(admin_conn, application) == from_status
    else:
        assert (reply.status, reply.error["code"]) == (409, "STATUS_MOVE_NOT_ALLOWED")
        assert status_of(admin_conn, application) == from_status


@pytest.mark.parametrize(("from_status", "to_status"), WITHDRAWALS)
def test_a_candidate_withdraws_only_an_open_application_at_the_api(app_env, admin_conn, world, from_status, to_status):
    application = new_application(admin_conn, world, from_status)
    reply = invoke(applications_function.handler, "POST", f"/{application}/withdraw", token=access_token(world["candidate"]))
    if from_status in OPEN:
        assert reply.status == 200 and status_of(admin_conn, application) == "withdrawn"
    else:
        assert (reply.status, reply.error["code"]) == (409, "STATUS_MOVE_NOT_ALLOWED")
        assert status_of(admin_conn, application) == from_status


def test_a_recruiter_cannot_withdraw_for_the_candidate(app_env, admin_conn, world):
    application = new_application(admin_conn, world, "under_review")
    reply = invoke(
        applications_function.handler,
        "PATCH",
        f"/{application}/status",
        json_body={"status": "withdrawn"},
        token=access_token(world["recruiter"], "recruiter"),
    )
    assert (reply.status, reply.error["code"]) == (422, "VALIDATION_ERROR")


@pytest.mark.parametrize(("from_status", "to_status"), STAFF_MOVES + WITHDRAWALS)
def test_direct_updates_as_authenticated_follow_the_same_moves(database, admin_conn, world, from_status, to_status):
    application = new_application(admin_conn, world, from_status)
    mover = Actor("c", world["candidate"], "candidate") if to_status == "withdrawn" else Actor("r", world["recruiter"], "recruiter")
    allowed = (from_status in OPEN) if to_status == "withdrawn" else (from_status, to_status) in STAFF_ALLOWED
    with acting_as(database, mover) as conn:
        if allowed:
            moved = conn.execute("update public.applications set status = %s where id = %s returning status", [to_status, application]).fetchall()
            assert moved == [{"status": to_status}]
        else:
            with pytest.raises(psycopg.errors.RaiseException, match="cannot move"):
                conn.execute("update public.applications set status = %s where id = %s", [to_status, application])


@pytest.mark.parametrize(
    ("who", "status", "refusal"),
    [
        ("candidate", "under_review", "policy"),  # candidates only withdraw
        ("viewer", "under_review", "filtered"),  # viewers read only
        ("outsider", "under_review", "filtered"),  # another organization's recruiter
        ("recruiter", "withdrawn", "policy"),  # withdrawing is the candidate's
    ],
)
def test_direct_updates_by_the_wrong_person_change_nothing(database, admin_conn, world, who, status, refusal):
    application = new_application(admin_conn, world, "interview_completed")
    role = "candidate" if who == "candidate" else ("viewer" if who == "viewer" else "recruiter")
    with acting_as(database, Actor(who, world[who], role)) as conn:
        if refusal == "filtered":
            assert conn.execute("update public.applications set status = %s where id = %s returning id", [status, application]).fetchall() == []
        else:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("update public.applications set status = %s where id = %s", [status, application])
    assert status_of(admin_conn, application) == "interview_completed"


def test_every_move_is_in_the_history_and_the_candidate_reads_it_without_notes(app_env, database, admin_conn, world):
    application = new_application(admin_conn, world, "interview_completed")
    recruiter = access_token(world["recruiter"], "recruiter")
    for status, note in (("under_review", "strong systems answers"), ("offered", "salary band B")):
        assert (
            invoke(
                applications_function.handler, "PATCH", f"/{application}/status", json_body={"status": status, "note": note}, token=recruiter
            ).status
            == 200
        )
    staff_view = invoke(applications_function.handler, "GET", f"/{application}", token=recruiter).data
    moves = [(e["from_status"], e["to_status"], e["note"]) for e in staff_view["events"]]
    assert moves[-2:] == [("interview_completed", "under_review", "strong systems answers"), ("under_review", "offered", "salary band B")]
    assert moves[0] == (None, "interview_scheduled", None)
    assert staff_view["events"][-1]["changed_by"] == world["recruiter"]
    candidate_view = invoke(applications_function.handler, "GET", f"/{application}", token=access_token(world["candidate"])).data
    assert [e["to_status"] for e in candidate_view["events"]][-2:] == ["under_review", "offered"]
    assert all(e["note"] is None and e["changed_by"] is None for e in candidate_view["events"])
    with acting_as(database, Actor("c", world["candidate"], "candidate")) as conn:
        assert conn.execute("select * from public.application_events").fetchall() == []  # the table itself: staff only


@pytest.mark.parametrize(("status", "emailed"), [("offered", True), ("rejected", True)])
def test_offers_and_rejections_are_emailed_through_the_outbox(app_env, admin_conn, world, status, emailed):
    application = new_application(admin_conn, world, "under_review")
    reply = invoke(
        applications_function.handler,
        "PATCH",
        f"/{application}/status",
        json_body={"status": status},
        token=access_token(world["recruiter"], "recruiter"),
    )
    assert reply.status == 200
    queued = admin_conn.execute("select to_address, subject from private.email_outbox where related_id = %s", [application]).fetchall()
    assert len(queued) == 1 and queued[0]["subject"].startswith("Your application for Node Engineer")


def test_a_review_move_sends_no_email(app_env, admin_conn, world):
    application = new_application(admin_conn, world, "interview_completed")
    invoke(
        applications_function.handler,
        "PATCH",
        f"/{application}/status",
        json_body={"status": "under_review"},
        token=access_token(world["recruiter"], "recruiter"),
    )
    assert admin_conn.execute("select count(*) as n from private.email_outbox").fetchone()["n"] == 0


def test_a_viewer_gets_403_and_another_organization_gets_404(app_env, admin_conn, world):
    application = new_application(admin_conn, world, "interview_completed")
    body = {"status": "under_review"}
    viewer = invoke(applications_function.handler, "PATCH", f"/{application}/status", json_body=body, token=access_token(world["viewer"], "viewer"))
    outsider = invoke(
        applications_function.handler, "PATCH", f"/{application}/status", json_body=body, token=access_token(world["outsider"], "recruiter")
    )
    read = invoke(applications_function.handler, "GET", f"/{application}", token=access_token(world["outsider"], "recruiter"))
    assert (viewer.status, outsider.status, read.status) == (403, 404, 404)


def test_completing_the_interview_moves_the_application_to_interview_completed(admin_conn, world):
    application = new_application(admin_conn, world, "interview_scheduled")
    interview = admin_conn.execute("select interview_id from public.applications where id = %s", [application]).fetchone()["interview_id"]
    admin_conn.execute("update public.interviews set status = 'in_progress', started_at = now() where id = %s", [interview])
    assert status_of(admin_conn, application) == "interview_scheduled"
    admin_conn.execute("update public.interviews set status = 'completed', completed_at = now() where id = %s", [interview])
    assert status_of(admin_conn, application) == "interview_completed"
    event = admin_conn.execute("select from_status, to_status, changed_by from public.application_events order by id desc limit 1").fetchone()
    assert event == {"from_status": "interview_scheduled", "to_status": "interview_completed", "changed_by": None}


def test_withdrawing_keeps_the_application_and_abandons_its_unfinished_interview(app_env, admin_conn, world):
    application = new_application(admin_conn, world, "interview_scheduled")
    reply = invoke(applications_function.handler, "POST", f"/{application}/withdraw", token=access_token(world["candidate"]))
    assert reply.status == 200
    row = admin_conn.execute(
        "select a.status, i.status as interview_status, i.end_reason from public.applications a join public.interviews i on i.id = a.interview_id"
        " where a.id = %s",
        [application],
    ).fetchone()
    assert row == {"status": "withdrawn", "interview_status": "abandoned", "end_reason": "application_withdrawn"}


def test_applying_answers_201_then_409_and_a_closed_posting_409_and_an_unknown_one_404(app_env, admin_conn, world):
    token = access_token(world["candidate"])
    first = invoke(applications_function.handler, "POST", "/", json_body={"job_posting_id": world["posting"], "cover_note": "Hi"}, token=token)
    assert first.status == 201 and first.data["application"]["status"] == "interview_scheduled"
    assert first.data["interview"]["role_type"] == "javascript" and first.data["interview"]["status"] == "scheduled"
    again = invoke(applications_function.handler, "POST", "/", json_body={"job_posting_id": world["posting"]}, token=token)
    assert (again.status, again.error["code"]) == (409, "ALREADY_APPLIED")
    admin_conn.execute("update public.job_postings set status = 'closed' where id = %s", [world["posting"]])
    other = create_user(admin_conn, "candidate")
    closed = invoke(applications_function.handler, "POST", "/", json_body={"job_posting_id": world["posting"]}, token=access_token(other))
    assert (closed.status, closed.error["code"]) == (409, "JOB_NOT_OPEN")
    unknown = invoke(applications_function.handler, "POST", "/", json_body={"job_posting_id": TEAMIFIED}, token=token)
    assert unknown.status == 404


def test_a_closed_posting_blocks_starting_the_interview_but_keeps_the_application(app_env, admin_conn, world):
    application = new_application(admin_conn, world, "interview_scheduled")
    admin_conn.execute("update public.job_postings set status = 'closed' where id = %s", [world["posting"]])
    reply = invoke(start_function.handler, "POST", "/", json_body={"application_id": application}, token=access_token(world["candidate"]))
    assert (reply.status, reply.error["code"]) == (409, "JOB_NOT_OPEN")
    mine = invoke(applications_function.handler, "GET", "/me", token=access_token(world["candidate"])).data["items"]
    assert [(item["application"]["id"], item["posting"]["status"]) for item in mine] == [(application, "closed")]


def test_an_abandoned_interview_of_an_application_restarts_as_a_new_interview(app_env, admin_conn, world):
    application = new_application(admin_conn, world, "interview_scheduled")
    first = admin_conn.execute("select interview_id from public.applications where id = %s", [application]).fetchone()["interview_id"]
    admin_conn.execute("update public.interviews set status = 'abandoned', end_reason = 'inactive' where id = %s", [first])
    reply = invoke(start_function.handler, "POST", "/", json_body={"application_id": application}, token=access_token(world["candidate"]))
    assert reply.status in (200, 201), reply.body
    restarted = reply.data["interview"]["id"]
    assert restarted != str(first)
    rows = admin_conn.execute(
        "select id, status, application_id from public.interviews where application_id = %s order by created_at", [application]
    ).fetchall()
    assert [(str(r["id"]), r["status"]) for r in rows] == [(str(first), "abandoned"), (restarted, "in_progress")]
    assert (
        str(admin_conn.execute("select interview_id from public.applications where id = %s", [application]).fetchone()["interview_id"]) == restarted
    )


@pytest.mark.parametrize(
    ("skills", "role_type"),
    [
        (["TypeScript", "Node.js"], "javascript"),  # the reported bug: was a Python interview
        (["javascript"], "javascript"),
        (["node.js", "vue"], "javascript"),
        (["React", "TypeScript"], "react"),
        (["react", "node.js"], "fullstack"),  # frontend and backend
        (["react", "fastapi"], "fullstack"),
        (["Python", "Django"], "python"),
        (["python", "typescript"], "python"),
        (["go", "kubernetes"], None),  # nothing recognised: the resume path asks for a role type
    ],
)
def test_resume_skills_and_posting_stacks_map_to_the_same_role_type(app_env, admin_conn, skills, role_type):
    from shared.db import service_transaction

    with service_transaction() as conn:
        assert interviews.role_from_skills(conn, skills) == role_type
    posting_role = admin_conn.execute("select private.role_type_for(%s::text[]) as r", [[s.lower() for s in skills]]).fetchone()["r"]
    assert posting_role == (role_type or "fullstack")
