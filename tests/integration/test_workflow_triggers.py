"""The workflow chain: each trigger enqueues its next step exactly once, in the same transaction."""

from __future__ import annotations

import json

import psycopg
import pytest

from tests.rls import Actor, acting_as, create_user

TEAMIFIED = "00000000-0000-0000-0000-00000000a001"


@pytest.fixture
def candidate(admin_conn):
    return create_user(admin_conn, "candidate")


@pytest.fixture
def posting(admin_conn):
    """Factory: a job posting with the given tech stack and state."""

    def make(tech_stack=("react", "typescript"), status="active", cancelled=False):
        return str(
            admin_conn.execute(
                "insert into public.job_postings (organization_id, title, company, role_category, employment_type, work_setup,"
                " tech_stack, status, is_cancelled, cancellation_reason) values (%s, 'Engineer', 'Acme', 'engineering', 'permanent',"
                " 'remote', %s, %s, %s, %s) returning id",
                [TEAMIFIED, list(tech_stack), status, cancelled, "budget cut" if cancelled else None],
            ).fetchone()["id"]
        )

    return make


def jobs(admin_conn, kind):
    return admin_conn.execute("select payload, dedupe_key from private.jobs where kind = %s order by id", [kind]).fetchall()


def upload(database, user_id, bucket, name, size=1234):
    with psycopg.connect(database_dsn(database)) as conn:
        conn.execute(
            "select set_config('role', 'authenticated', false), set_config('request.jwt.claims', %s, false)",
            [json.dumps(Actor("u", user_id, "candidate").claims)],
        )
        conn.execute(
            "insert into storage.objects (bucket_id, name, owner, metadata) values (%s, %s, %s, %s)",
            [bucket, name, user_id, json.dumps({"size": size, "mimetype": "application/pdf"})],
        )


def database_dsn(database):
    from local import postgres

    return postgres.dsn(database)


def test_upload_into_resumes_creates_the_resume_and_its_job(database, admin_conn, candidate):
    upload(database, candidate, "resumes", f"{candidate}/cv.pdf")
    resume = admin_conn.execute("select * from public.resumes where candidate_id = %s", [candidate]).fetchone()
    assert resume["parsing_status"] == "pending"
    assert resume["file_name"] == "cv.pdf" and resume["file_size"] == 1234 and resume["is_active"]
    assert jobs(admin_conn, "resume.process") == [{"payload": {"resume_id": str(resume["id"])}, "dedupe_key": f"resume.process:{resume['id']}"}]


def test_a_newer_upload_becomes_the_active_resume(database, admin_conn, candidate):
    upload(database, candidate, "resumes", f"{candidate}/v1.pdf")
    upload(database, candidate, "resumes", f"{candidate}/v2.pdf")
    active = admin_conn.execute("select file_name from public.resumes where candidate_id = %s and is_active", [candidate]).fetchall()
    assert active == [{"file_name": "v2.pdf"}]
    assert len(jobs(admin_conn, "resume.process")) == 2


def test_an_upload_takes_the_name_recorded_for_its_key_and_uses_it_once(database, admin_conn, candidate):
    """Issue 22: keys hold only a storage-safe form of the name; the name the candidate gave is
    recorded by the API for that key, and the trigger moves it onto the resume row."""
    key = f"{candidate}/f1/resume_final.pdf"
    admin_conn.execute(
        "insert into private.resume_upload_names (storage_path, candidate_id, file_name) values (%s, %s, 'résumé [final].pdf')", [key, candidate]
    )
    upload(database, candidate, "resumes", key)
    upload(database, candidate, "resumes", f"{candidate}/f2/plain.pdf")  # no name recorded: the key's last segment
    names = admin_conn.execute("select storage_path, file_name from public.resumes where candidate_id = %s order by storage_path", [candidate])
    assert [(r["storage_path"], r["file_name"]) for r in names] == [(key, "résumé [final].pdf"), (f"{candidate}/f2/plain.pdf", "plain.pdf")]
    assert admin_conn.execute("select count(*) as n from private.resume_upload_names").fetchone()["n"] == 0


def test_a_name_is_only_recorded_for_a_key_in_its_candidates_folder(admin_conn, candidate):
    other = create_user(admin_conn, "candidate")
    with pytest.raises(psycopg.errors.CheckViolation):
        admin_conn.execute(
            "insert into private.resume_upload_names (storage_path, candidate_id, file_name) values (%s, %s, 'x.pdf')",
            [f"{other}/f/x.pdf", candidate],
        )


def test_uploads_into_other_buckets_are_ignored(database, admin_conn, candidate):
    upload(database, candidate, "audio", f"{candidate}/answer.webm")
    assert admin_conn.execute("select count(*) as n from public.resumes").fetchone()["n"] == 0
    assert jobs(admin_conn, "resume.process") == []


def test_parsed_resume_queues_feedback_once_even_when_updated_twice(database, admin_conn, candidate):
    upload(database, candidate, "resumes", f"{candidate}/cv.pdf")
    for _ in range(2):
        admin_conn.execute("update public.resumes set parsing_status = 'processing'")
        admin_conn.execute("update public.resumes set parsing_status = 'completed', parsed_at = now()")
    assert len(jobs(admin_conn, "feedback.generate")) == 1


def test_completed_interview_queues_scoring_once(admin_conn, candidate):
    interview = admin_conn.execute(
        "insert into public.interviews (candidate_id, role_type, status) values (%s, 'python', 'in_progress') returning id", [candidate]
    ).fetchone()["id"]
    for status in ("completed", "in_progress", "completed"):
        admin_conn.execute("update public.interviews set status = %s where id = %s", [status, interview])
    assert jobs(admin_conn, "interview.score") == [{"payload": {"interview_id": str(interview)}, "dedupe_key": f"interview.score:{interview}"}]


@pytest.mark.parametrize(
    ("stack", "role_type"),
    [
        (("react", "typescript"), "react"),
        (("Python", "Django"), "python"),
        (("node.js", "vue"), "javascript"),
        (("react", "fastapi"), "fullstack"),
        (("go", "kubernetes"), "fullstack"),  # nothing specific: the broad interview
    ],
)
def test_application_creates_a_linked_tailored_interview(database, admin_conn, candidate, posting, stack, role_type):
    posting_id = posting(stack)
    with acting_as(database, Actor("c", candidate, "candidate")) as conn:
        application = conn.execute(
            "insert into public.applications (candidate_id, job_posting_id) values (%s, %s) returning id, status, interview_id",
            [candidate, posting_id],
        ).fetchone()
        interview = conn.execute("select * from public.interviews where id = %s", [application["interview_id"]]).fetchone()
    assert application["status"] == "interview_scheduled"
    assert interview["role_type"] == role_type
    assert str(interview["application_id"]) == str(application["id"])
    assert str(interview["job_posting_id"]) == posting_id and interview["status"] == "scheduled"


@pytest.mark.parametrize(("status", "cancelled"), [("closed", False), ("paused", False), ("active", True)])
def test_closed_paused_or_cancelled_postings_refuse_applications(database, admin_conn, candidate, posting, status, cancelled):
    posting_id = posting(status=status, cancelled=cancelled)
    with pytest.raises(psycopg.errors.RaiseException) as raised:
        with acting_as(database, Actor("c", candidate, "candidate")) as conn:
            conn.execute("insert into public.applications (candidate_id, job_posting_id) values (%s, %s)", [candidate, posting_id])
    assert raised.value.diag.message_hint == "JOB_NOT_OPEN"
    assert admin_conn.execute("select count(*) as n from public.interviews").fetchone()["n"] == 0


def test_applying_twice_is_a_unique_violation(database, candidate, posting):
    posting_id = posting()
    with acting_as(database, Actor("c", candidate, "candidate")) as conn:
        conn.execute("insert into public.applications (candidate_id, job_posting_id) values (%s, %s)", [candidate, posting_id])
        with pytest.raises(psycopg.errors.UniqueViolation):
            conn.execute("insert into public.applications (candidate_id, job_posting_id) values (%s, %s)", [candidate, posting_id])


def test_assessment_moves_the_application_and_notifies_webhooks_once(database, admin_conn, candidate, posting):
    posting_id = posting()
    hook = admin_conn.execute(
        "insert into public.integration_webhooks (organization_id, url, event_types) values"
        " (%s, 'https://h.example/a', '{assessment.ready,application.status_changed}') returning id",
        [TEAMIFIED],
    ).fetchone()["id"]
    admin_conn.execute(
        "insert into public.integration_webhooks (organization_id, url, event_types, is_active)"
        " values (%s, 'https://h.example/off', '{assessment.ready}', false)",
        [TEAMIFIED],
    )
    application = admin_conn.execute(
        "insert into public.applications (candidate_id, job_posting_id) values (%s, %s) returning id, interview_id", [candidate, posting_id]
    ).fetchone()
    admin_conn.execute(
        "insert into public.assessment_results (interview_id, status, overall_score) values (%s, 'completed', 77)", [application["interview_id"]]
    )
    status = admin_conn.execute("select status from public.applications where id = %s", [application["id"]]).fetchone()["status"]
    assert status == "interview_completed"
    deliveries = admin_conn.execute(
        "select id, webhook_id, event_type, payload from public.webhook_deliveries order by created_at, event_type, id"
    ).fetchall()
    # the new application's first status, its move to interview_completed, the assessment; nothing for the inactive webhook
    assert sorted(d["event_type"] for d in deliveries) == ["application.status_changed", "application.status_changed", "assessment.ready"]
    assert all(d["webhook_id"] == hook and d["payload"]["type"] == d["event_type"] for d in deliveries)
    queued = jobs(admin_conn, "webhook.deliver")
    assert sorted(j["payload"]["delivery_id"] for j in queued) == sorted(str(d["id"]) for d in deliveries)
    assert {j["dedupe_key"] for j in queued} == {f"webhook.deliver:{d['id']}" for d in deliveries}
