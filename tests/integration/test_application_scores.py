"""The score kept on each application (applications.overall_score): it follows the current, not
failed assessment of the application's interview through rescoring, failures, deletions and
interview restarts; clients cannot write it; the staff list sorts by it, best first and
unscored last."""

from __future__ import annotations

import psycopg
import pytest

from functions import applications as applications_function
from tests.rls import Actor, acting_as, create_user
from tests.support import access_token, invoke

TEAMIFIED = "00000000-0000-0000-0000-00000000a001"


@pytest.fixture
def posting(admin_conn) -> str:
    row = admin_conn.execute(
        "insert into public.job_postings (organization_id, title, company, role_category, employment_type, work_setup, tech_stack)"
        " values (%s, 'Python Developer', 'Acme', 'engineering', 'permanent', 'remote', %s) returning id",
        [TEAMIFIED, ["python"]],
    ).fetchone()
    return str(row["id"])


@pytest.fixture
def apply(admin_conn, posting):
    """Apply as a new candidate; returns (candidate_id, application_id, interview_id)."""

    def make(name: str = "Test Candidate") -> tuple[str, str, str]:
        candidate = create_user(admin_conn, "candidate", name=name)
        row = admin_conn.execute(
            "insert into public.applications (candidate_id, job_posting_id) values (%s, %s) returning id, interview_id", [candidate, posting]
        ).fetchone()
        return candidate, str(row["id"]), str(row["interview_id"])

    return make


def store(admin_conn, interview_id: str, status: str, score: int | None) -> None:
    """A new current assessment, retiring the previous one (as scoring does)."""
    admin_conn.execute("update public.assessment_results set is_current = false where interview_id = %s and is_current", [interview_id])
    admin_conn.execute(
        "insert into public.assessment_results (interview_id, status, overall_score) values (%s, %s, %s)", [interview_id, status, score]
    )


def score_of(admin_conn, application_id: str) -> int | None:
    return admin_conn.execute("select overall_score from public.applications where id = %s", [application_id]).fetchone()["overall_score"]


def test_an_application_follows_its_interviews_current_ready_assessment(admin_conn, apply):
    _, application, interview = apply()
    assert score_of(admin_conn, application) is None
    steps = [
        ("completed", 70, 70),
        ("completed", 85, 85),  # a rescore replaces the score
        ("failed", None, None),  # a failed rescore shows none, as the candidate's view does
        ("partial", 55, 55),
    ]
    for status, score, expected in steps:
        store(admin_conn, interview, status, score)
        assert score_of(admin_conn, application) == expected, (status, score)
    admin_conn.execute("update public.assessment_results set overall_score = 60 where interview_id = %s and is_current", [interview])
    assert score_of(admin_conn, application) == 60
    admin_conn.execute("delete from public.assessment_results where interview_id = %s and is_current", [interview])
    assert score_of(admin_conn, application) is None


def test_a_restarted_interview_starts_the_application_unscored(admin_conn, apply):
    candidate, application, interview = apply()
    store(admin_conn, interview, "completed", 80)
    restarted = admin_conn.execute(
        "insert into public.interviews (candidate_id, role_type, application_id) values (%s, 'python', %s) returning id", [candidate, application]
    ).fetchone()["id"]
    admin_conn.execute("update public.applications set interview_id = %s where id = %s", [restarted, application])
    assert score_of(admin_conn, application) is None
    store(admin_conn, str(restarted), "completed", 65)
    assert score_of(admin_conn, application) == 65


def test_a_candidate_cannot_write_the_score(database, admin_conn, apply):
    candidate, application, _ = apply()
    with acting_as(database, Actor("candidate", candidate, "candidate")) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("update public.applications set overall_score = 100 where id = %s", [application])


def test_the_staff_list_by_score_puts_the_best_first_and_the_unscored_last(app_env, admin_conn, apply, posting):
    for name, status, score in (("Fifty", "completed", 50), ("Unscored", None, None), ("Ninety", "completed", 90), ("Failed", "failed", None)):
        _, _, interview = apply(name)
        if status is not None:
            store(admin_conn, interview, status, score)
    recruiter = create_user(admin_conn, "recruiter", TEAMIFIED)
    reply = invoke(
        applications_function.handler, "GET", "/", query=f"job_posting_id={posting}&sort=score", token=access_token(recruiter, "recruiter")
    )
    assert reply.status == 200, reply.body
    items = reply.data["items"]
    assert [(item["candidate"]["full_name"], item["overall_score"]) for item in items[:2]] == [("Ninety", 90), ("Fifty", 50)]
    assert {item["candidate"]["full_name"] for item in items[2:]} == {"Unscored", "Failed"}
    assert [item["overall_score"] for item in items[2:]] == [None, None]
    assert reply.data["total"] == 4
