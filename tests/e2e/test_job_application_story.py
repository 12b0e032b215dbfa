"""The job application story over HTTP (issue 16): a candidate searches the postings a recruiter
published, filters them, opens one, applies, takes the scheduled interview question by question
until it completes, and follows the application to interview_completed and the recruiter's next
move; a posting the recruiter closes takes no new applicants, and a withdrawn application stays
listed. Single refusals (unknown posting, another organization's recruiter, a viewer's move) are
in test_applications_api.py."""

from __future__ import annotations

import random
import string
import uuid

import pytest

from tests.e2e.test_applications_api import apply
from tests.e2e.test_interview_api import turn
from tests.interview_answers import bank_question, strong_answer


def unique_word() -> str:
    """A made-up word that only this test's postings contain, so searches see nothing else."""
    return "".join(random.choices(string.ascii_lowercase, k=12))


def publish(api, recruiter, word: str, **overrides) -> dict:
    body = {
        "title": f"Backend Engineer {word}",
        "company": f"Café Zürich {word}",
        "description": "APIs in Python.",
        "role_category": "engineering",
        "tech_stack": ["python", "fastapi"],
        "employment_type": "permanent",
        "work_setup": "remote",
        "location": "Sydney",
        "salary_min": 120000,
        "salary_max": 150000,
        **overrides,
    }
    created = api("POST", "/job-postings/", token=recruiter["token"], json=body)
    assert created.status_code == 201, created.text
    return created.json()["data"]["job_posting"]


@pytest.fixture
def recruiter(make_user):
    return make_user("recruiter", "Rory Recruiter")


@pytest.fixture
def candidate(make_user):
    return make_user("candidate", "Cleo Candidate")


def test_a_candidate_finds_a_posting_applies_and_completes_its_interview(api, recruiter, candidate):
    word = unique_word()
    posting = publish(api, recruiter, word)
    onsite = publish(api, recruiter, word, work_setup="onsite")

    found = api("GET", "/job-postings/", params={"q": f"cafe zurich {word}"})  # no token, no accents
    assert found.status_code == 200, found.text
    assert found.json()["data"]["total"] == 2 and {p["id"] for p in found.json()["data"]["items"]} == {posting["id"], onsite["id"]}
    filtered = api("GET", "/job-postings/", token=candidate["token"], params={"q": word, "tech_stack": ["go", "fastapi"], "work_setup": "remote"})
    assert [p["id"] for p in filtered.json()["data"]["items"]] == [posting["id"]]
    opened = api("GET", f"/job-postings/{posting['id']}", token=candidate["token"])
    assert opened.status_code == 200 and opened.json()["data"]["job_posting"]["tech_stack"] == ["python", "fastapi"]

    applied = apply(api, candidate, posting["id"], cover_note="I build APIs in FastAPI.")
    assert applied.status_code == 201, applied.text
    application, interview = applied.json()["data"]["application"], applied.json()["data"]["interview"]
    assert application["status"] == "interview_scheduled" and application["interview_id"] == interview["id"]
    assert interview["status"] == "scheduled" and interview["role_type"] == "python"

    started = api("POST", "/start-interview/", token=candidate["token"], json={"application_id": application["id"]})
    assert started.status_code == 201, started.text
    assert started.json()["data"]["interview"]["id"] == interview["id"]
    question, previous, asked = started.json()["data"]["question"], None, 1
    for _ in range(25):
        previous = bank_question(question["text"], previous)
        reply = turn(api, candidate, interview["id"], text=strong_answer(previous), client_turn_id=str(uuid.uuid4()))
        assert reply.status_code == 200, reply.text
        if reply.json()["data"]["done"]:
            break
        question, asked = reply.json()["data"]["question"], asked + 1
    else:
        pytest.fail("the interview never completed")
    assert 12 <= asked <= 20

    [mine] = api("GET", "/applications/me", token=candidate["token"]).json()["data"]["items"]
    assert mine["application"]["status"] == "interview_completed" and mine["interview"]["status"] == "completed"
    assert mine["posting"]["id"] == posting["id"] and mine["result"] is None  # moved at completion, before any scoring
    detail = api("GET", f"/applications/{application['id']}", token=candidate["token"]).json()["data"]
    assert detail["application"]["status"] == "interview_completed"
    assert [(e["from_status"], e["to_status"]) for e in detail["events"]] == [
        (None, "interview_scheduled"),
        ("interview_scheduled", "interview_completed"),
    ]

    listed = api("GET", "/applications/", token=recruiter["token"], params={"job_posting_id": posting["id"]}).json()["data"]
    assert [(i["application"]["id"], i["application"]["status"]) for i in listed["items"]] == [(application["id"], "interview_completed")]
    move = {"status": "under_review", "note": "Strong answers throughout."}
    assert api("PATCH", f"/applications/{application['id']}/status", token=recruiter["token"], json=move).status_code == 200
    events = api("GET", f"/applications/{application['id']}", token=candidate["token"]).json()["data"]["events"]
    assert events[-1]["to_status"] == "under_review" and events[-1]["note"] is None  # the note is internal

    again = apply(api, candidate, posting["id"])
    assert again.status_code == 409 and again.json()["error"]["code"] == "ALREADY_APPLIED"


def test_a_closed_posting_takes_no_new_applicants_and_a_withdrawn_application_stays_listed(api, recruiter, candidate, make_user):
    posting = publish(api, recruiter, unique_word())
    application = apply(api, candidate, posting["id"]).json()["data"]["application"]
    closed = api("POST", f"/job-postings/{posting['id']}/close", token=recruiter["token"])
    assert closed.status_code == 200 and closed.json()["data"]["job_posting"]["status"] == "closed"
    assert api("GET", f"/job-postings/{posting['id']}").status_code == 404  # off the public board

    late = apply(api, make_user("candidate", "Lee Late"), posting["id"])
    assert late.status_code == 409 and late.json()["error"]["code"] == "JOB_NOT_OPEN"
    start = api("POST", "/start-interview/", token=candidate["token"], json={"application_id": application["id"]})
    assert start.status_code == 409 and start.json()["error"]["code"] == "JOB_NOT_OPEN"

    withdrawn = api("POST", f"/applications/{application['id']}/withdraw", token=candidate["token"])
    assert withdrawn.status_code == 200 and withdrawn.json()["data"]["application"]["status"] == "withdrawn"
    [mine] = api("GET", "/applications/me", token=candidate["token"]).json()["data"]["items"]
    assert (mine["application"]["id"], mine["application"]["status"]) == (application["id"], "withdrawn")
    assert mine["interview"]["status"] == "abandoned" and mine["posting"]["status"] == "closed"
    listed = api("GET", "/applications/", token=recruiter["token"], params={"job_posting_id": posting["id"], "status": "withdrawn"}).json()["data"]
    assert [i["application"]["id"] for i in listed["items"]] == [application["id"]]
