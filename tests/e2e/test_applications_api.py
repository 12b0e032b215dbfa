"""Applications over HTTP: apply (interview scheduled), apply twice, apply to a closed posting,
withdraw, tenancy and roles of the status route, and taking the application's interview."""

from __future__ import annotations

import uuid

import pytest

from local import postgres

TEAMIFIED = "00000000-0000-0000-0000-00000000a001"


def new_posting(stack_db, stack=("typescript", "node.js"), status="active") -> str:
    with postgres.connect(stack_db) as conn:
        return str(
            conn.execute(
                "insert into public.job_postings (organization_id, title, company, role_category, employment_type, work_setup, tech_stack, status)"
                " values (%s, 'Node Engineer', 'Acme', 'engineering', 'permanent', 'remote', %s, %s) returning id",
                [TEAMIFIED, list(stack), status],
            ).fetchone()[0]
        )


@pytest.fixture
def candidate(make_user):
    return make_user("candidate", "Ann Applicant")


def apply(api, user, posting, **body):
    return api("POST", "/applications/", token=user["token"], json={"job_posting_id": posting, **body})


def test_applying_returns_201_with_the_scheduled_interview_tailored_to_the_posting(api, candidate, stack_db):
    reply = apply(api, candidate, new_posting(stack_db), cover_note="Keen to join")
    assert reply.status_code == 201, reply.text
    data = reply.json()["data"]
    assert data["application"]["status"] == "interview_scheduled" and data["application"]["cover_note"] == "Keen to join"
    assert data["interview"]["status"] == "scheduled" and data["interview"]["role_type"] == "javascript"
    mine = api("GET", "/applications/me", token=candidate["token"]).json()["data"]["items"]
    assert [item["application"]["id"] for item in mine] == [data["application"]["id"]]
    assert mine[0]["interview"]["status"] == "scheduled" and mine[0]["result"] is None


def test_applying_twice_is_409_already_applied(api, candidate, stack_db):
    posting = new_posting(stack_db)
    assert apply(api, candidate, posting).status_code == 201
    again = apply(api, candidate, posting)
    assert again.status_code == 409 and again.json()["error"]["code"] == "ALREADY_APPLIED"


def test_applying_to_a_closed_posting_is_409_job_not_open_and_an_unknown_one_404(api, candidate, stack_db):
    closed = apply(api, candidate, new_posting(stack_db, status="closed"))
    assert closed.status_code == 409 and closed.json()["error"]["code"] == "JOB_NOT_OPEN"
    assert apply(api, candidate, str(uuid.uuid4())).status_code == 404


def test_withdrawing_keeps_the_record_with_its_history(api, candidate, stack_db):
    application = apply(api, candidate, new_posting(stack_db)).json()["data"]["application"]["id"]
    withdrawn = api("POST", f"/applications/{application}/withdraw", token=candidate["token"])
    assert withdrawn.status_code == 200 and withdrawn.json()["data"]["application"]["status"] == "withdrawn"
    detail = api("GET", f"/applications/{application}", token=candidate["token"]).json()["data"]
    assert detail["application"]["status"] == "withdrawn" and detail["interview"]["status"] == "abandoned"
    assert [e["to_status"] for e in detail["events"]] == ["interview_scheduled", "withdrawn"]
    again = api("POST", f"/applications/{application}/withdraw", token=candidate["token"])
    assert again.status_code == 409


def test_a_recruiter_of_another_organization_gets_404_and_a_viewer_403(api, candidate, make_user, stack_db):
    application = apply(api, candidate, new_posting(stack_db)).json()["data"]["application"]["id"]
    outsider = make_user("recruiter", "Otto Outsider")
    with postgres.connect(stack_db) as conn:
        conn.execute("insert into public.organizations (id, name) values ('00000000-0000-0000-0000-00000000b002', 'Other') on conflict do nothing")
        conn.execute("update public.recruiters set organization_id = '00000000-0000-0000-0000-00000000b002' where id = %s", [outsider["id"]])
    assert api("GET", f"/applications/{application}", token=outsider["token"]).status_code == 404
    move = {"status": "interview_completed"}
    assert api("PATCH", f"/applications/{application}/status", token=outsider["token"], json=move).status_code == 404
    viewer = make_user("viewer", "Vera Viewer")
    assert api("PATCH", f"/applications/{application}/status", token=viewer["token"], json=move).status_code == 403
    recruiter = make_user("recruiter", "Rae Recruiter")
    listed = api("GET", "/applications/", token=recruiter["token"], params={"status": "interview_scheduled", "sort": "score"})
    assert listed.status_code == 200 and application in [i["application"]["id"] for i in listed.json()["data"]["items"]]
    assert api("GET", "/applications/", token=recruiter["token"], params={"page": 0}).status_code == 422
    assert api("GET", "/applications/", token=recruiter["token"], params={"status": "hired"}).status_code == 422


def test_taking_and_completing_the_interview_moves_the_application_to_interview_completed(api, candidate, stack_db):
    application = apply(api, candidate, new_posting(stack_db)).json()["data"]["application"]["id"]
    started = api("POST", "/start-interview/", token=candidate["token"], json={"application_id": application})
    assert started.status_code == 201, started.text
    interview = started.json()["data"]["interview"]["id"]
    assert api("POST", f"/interview/{interview}/complete", token=candidate["token"]).status_code == 200
    detail = api("GET", f"/applications/{application}", token=candidate["token"]).json()["data"]
    assert detail["application"]["status"] == "interview_completed" and detail["interview"]["status"] == "completed"
