"""The recruiter portal story over HTTP (issue 17), on the seeded stack: the seeded recruiter opens
the dashboard, filters the candidates by skill and score, opens the seeded candidate, reviews one
of their interviews answer by answer, writes a note and reads it back, marks the assessment
reviewed and exports the list as CSV; the seeded viewer reads all of it and gets 403 on every
write; a recruiter of another organization finds none of it (404 on the candidate and the review,
absent from the list and the export). Single refusals and every filter are in
tests/integration/test_recruiter_views.py."""

from __future__ import annotations

import csv
import io
import uuid

import pytest

from local import postgres
from local.seed import seed
from shared.services.recruiter import CSV_HEADER
from tests.e2e.test_seed import login

PORTAL = "/recruiter"
CANDIDATE_EMAIL = "candidate@teamified.local"


@pytest.fixture
def seeded(stack_db, stack_env, api) -> dict[str, str]:
    """The seeded stack's staff logged in; idempotent, so other tests' seeding changes nothing."""
    seed(stack_db, stack_env["SUPABASE_URL"], stack_env["SUPABASE_SERVICE_ROLE_KEY"])
    return {
        "recruiter": login(api, "recruiter@teamified.local", "Recruiter123!"),
        "viewer": login(api, "viewer@teamified.local", "Viewer123!"),
    }


@pytest.fixture
def outsider(stack_db, make_user) -> dict:
    """A recruiter of an organization of their own, which nobody applied to."""
    organization = str(uuid.uuid4())
    with postgres.connect(stack_db) as conn:
        conn.execute("insert into public.organizations (id, name) values (%s, 'Elsewhere Staffing')", [organization])
    return make_user("recruiter", "Otto Outsider", organization)


def ok(response, status: int = 200):
    assert response.status_code == status, response.text
    return response.json()["data"]


def casey_row(api, token: str) -> dict:
    """The seeded candidate's row in the caller's pipeline."""
    page = ok(api("GET", f"{PORTAL}/candidates", token=token, params={"q": CANDIDATE_EMAIL}))
    [row] = [item for item in page["items"] if item["candidate"]["email"] == CANDIDATE_EMAIL]
    return row


def exported(api, token: str, **params) -> list[dict[str, str]]:
    response = api("GET", f"{PORTAL}/candidates/export.csv", token=token, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    reader = csv.DictReader(io.StringIO(response.text))
    assert tuple(reader.fieldnames or ()) == CSV_HEADER
    return list(reader)


def check_review(review: dict) -> None:
    """Each answer carries its evaluation, and every flag of the assessment is shown on exactly the
    answers it cites (or among the other flags when it cites none); skills likewise."""
    entries = review["entries"]
    assert [entry["sequence_number"] for entry in entries] == sorted(entry["sequence_number"] for entry in entries)
    assert entries[0]["speaker"] == "interviewer"
    answers = {entry["message_id"]: entry for entry in entries if entry["speaker"] == "candidate"}
    assert answers, "the interview has no answers"
    for entry in answers.values():
        assert entry["evaluation"] is not None and 0 <= entry["evaluation"]["score"] <= 100 and entry["evaluation"]["skill"], entry
        assert entry["response_time_seconds"] is not None and entry["phase"] in {"warmup", "standard", "advanced"}
        assert entry["spoken"] is False and entry["audio_url"] is None  # the seed answers by text
    for entry in entries:
        if entry["speaker"] == "interviewer":
            assert entry["evaluation"] is None and entry["integrity_flags"] == []
    assessment = review["assessment"]
    for flag in assessment["integrity_flags"]:
        cited = [answers[str(message_id)] for message_id in flag["evidence"].get("message_ids") or [] if str(message_id) in answers]
        if cited:
            assert all(flag in entry["integrity_flags"] for entry in cited), flag
            assert flag not in review["other_flags"]
        else:
            assert flag in review["other_flags"]
    shown = [flag for entry in answers.values() for flag in entry["integrity_flags"]]
    assert all(flag in assessment["integrity_flags"] for flag in shown)
    for skill, scored in assessment["skill_scores"].items():
        for message_id in scored["evidence_message_ids"]:
            if message_id in answers:
                assert skill in answers[message_id]["cited_by_skills"], (skill, message_id)


def test_the_seeded_recruiter_runs_the_pipeline_and_the_viewer_only_reads(api, seeded, outsider):
    recruiter, viewer = seeded["recruiter"], seeded["viewer"]

    # the dashboard: the seeded candidate's four scored interviews were completed this week
    dashboard = ok(api("GET", f"{PORTAL}/dashboard", token=recruiter, params={"score_threshold": 0}))
    assert dashboard["completed_interviews"]["count"] >= 4 and dashboard["top_candidates"]["count"] >= 1
    assert dashboard["open_postings"] and all(item["posting"]["status"] == "active" for item in dashboard["open_postings"])

    # filter by one of the candidate's skills and their score, best first
    row = casey_row(api, recruiter)
    assert row["skills"] and row["overall_score"] is not None and row["application_status"] is not None
    skill, score = row["skills"][0], row["overall_score"]
    filters = {"skill": skill, "score_min": score, "sort": "score", "order": "desc", "limit": 100}
    page = ok(api("GET", f"{PORTAL}/candidates", token=recruiter, params=filters))
    assert CANDIDATE_EMAIL in [item["candidate"]["email"] for item in page["items"]]
    assert all(skill in item["skills"] and item["overall_score"] >= score for item in page["items"])
    scores = [item["overall_score"] for item in page["items"]]
    assert scores == sorted(scores, reverse=True) and page["total"] >= len(page["items"])
    if score < 100:
        above = ok(api("GET", f"{PORTAL}/candidates", token=recruiter, params={**filters, "score_min": score + 1}))
        assert CANDIDATE_EMAIL not in [item["candidate"]["email"] for item in above["items"]]

    # the candidate's file: six applications with their history, the four scored interviews
    candidate_id = row["candidate"]["id"]
    file = ok(api("GET", f"{PORTAL}/candidates/{candidate_id}", token=recruiter))
    assert file["candidate"]["email"] == CANDIDATE_EMAIL and file["pipeline"]["overall_score"] == score
    assert len(file["applications"]) == 6 and all(item["events"] for item in file["applications"])
    scored = [interview for interview in file["interviews"] if interview["status"] == "completed"]
    assert len(scored) == 4 and all(interview["assessments"] for interview in scored)
    interview = next(item for item in scored if item["id"] == row["interview_id"])
    [assessment] = [item for item in interview["assessments"] if item["is_current"]]

    # the interview answer by answer, every score next to its evidence
    review = ok(api("GET", f"{PORTAL}/interviews/{interview['id']}/review", token=recruiter))
    assert review["candidate"]["id"] == candidate_id and review["assessment"]["id"] == assessment["id"]
    check_review(review)

    # a note, read back with its author; the assessment marked reviewed
    body = f"Strong on fundamentals; ask about {skill} at the panel ({uuid.uuid4().hex[:6]})."
    note = ok(api("POST", f"{PORTAL}/candidates/{candidate_id}/notes", token=recruiter, json={"body": body}), 201)["note"]
    notes = ok(api("GET", f"{PORTAL}/candidates/{candidate_id}/notes", token=recruiter))["items"]
    assert notes[0]["id"] == note["id"] and notes[0]["body"] == body and notes[0]["author"]["full_name"] == "Rita Recruiter"
    marked = ok(api("POST", f"{PORTAL}/assessments/{assessment['id']}/reviewed", token=recruiter))
    assert marked["review"]["reviewed_by_name"] == "Rita Recruiter"

    # the same filtered list as CSV for an ATS
    rows = exported(api, recruiter, skill=skill, score_min=score, sort="score", order="desc")
    [line] = [line for line in rows if line["candidate_id"] == candidate_id]
    assert line["email"] == CANDIDATE_EMAIL and line["overall_score"] == str(score) and skill in line["skills"].split("; ")

    # the viewer reads everything the recruiter read...
    assert ok(api("GET", f"{PORTAL}/dashboard", token=viewer))["completed_interviews"]["count"] >= 4
    assert casey_row(api, viewer)["candidate"]["id"] == candidate_id
    assert ok(api("GET", f"{PORTAL}/candidates/{candidate_id}", token=viewer))["candidate"]["email"] == CANDIDATE_EMAIL
    assert ok(api("GET", f"{PORTAL}/interviews/{interview['id']}/review", token=viewer))["entries"] == review["entries"]
    assert note["id"] in [item["id"] for item in ok(api("GET", f"{PORTAL}/candidates/{candidate_id}/notes", token=viewer))["items"]]
    assert candidate_id in [line["candidate_id"] for line in exported(api, viewer, q=CANDIDATE_EMAIL)]
    # ...and writes nothing
    refused = api("POST", f"{PORTAL}/candidates/{candidate_id}/notes", token=viewer, json={"body": "Viewers cannot write."})
    assert refused.status_code == 403, refused.text
    refused = api("POST", f"{PORTAL}/assessments/{assessment['id']}/reviewed", token=viewer)
    assert refused.status_code == 403, refused.text
    assert len(ok(api("GET", f"{PORTAL}/candidates/{candidate_id}/notes", token=recruiter))["items"]) == len(notes)

    # another organization's recruiter finds none of it
    other = outsider["token"]
    assert api("GET", f"{PORTAL}/candidates/{candidate_id}", token=other).status_code == 404
    assert api("GET", f"{PORTAL}/interviews/{interview['id']}/review", token=other).status_code == 404
    assert api("GET", f"{PORTAL}/candidates/{candidate_id}/notes", token=other).status_code == 404
    assert ok(api("GET", f"{PORTAL}/candidates", token=other, params={"q": CANDIDATE_EMAIL}))["total"] == 0
    assert ok(api("GET", f"{PORTAL}/candidates", token=other, params={"limit": 100}))["items"] == []
    assert exported(api, other) == [] and exported(api, other, q=CANDIDATE_EMAIL) == []
    dashboard = ok(api("GET", f"{PORTAL}/dashboard", token=other, params={"score_threshold": 0}))
    assert dashboard["completed_interviews"]["count"] == 0 and dashboard["top_candidates"]["count"] == 0
