"""Account erasure in the database (issue 19.3): private.erase_candidate removes every row of the
candidate, those the foreign keys cascade to and those they do not reach (outbox emails, jobs,
webhook deliveries, rate-limit and login-failure rows), keeps anonymous counts for the
organizations and logs the erasure by a hash. Checked across every table of the catalog, so a
table added later is covered without changing this test. The whole path through Auth and Storage
is tests/e2e/test_privacy_api.py."""

from __future__ import annotations

import hashlib
import json
import uuid

import psycopg
import pytest

from tests.erasure import files_of, own_ids, rows_naming
from tests.rls import Actor, acting_as, create_user

HOME = "00000000-0000-0000-0000-00000000a001"


def one(conn, sql, params=()):
    return str(conn.execute(sql, params).fetchone()["id"])


def email_of(conn, candidate):
    return conn.execute("select email from public.candidates where id = %s", [candidate]).fetchone()["email"]


def furnish(conn, candidate, posting, recruiter):
    """A candidate with one of everything: files and their rows, feedback and its email, an
    application with history, a completed and scored interview with messages, a reviewed
    assessment, a recruiter's note, a recording and a pending recording consent, webhook
    deliveries and jobs naming them, rate-limit and login-failure rows."""
    for bucket, name, meta in (
        ("resumes", f"{candidate}/{uuid.uuid4().hex}/cv.pdf", {"size": 1000, "mimetype": "application/pdf"}),
        ("audio", f"{candidate}/answer.wav", {"size": 10, "mimetype": "audio/wav"}),
    ):
        conn.execute(
            "insert into storage.objects (bucket_id, name, owner, metadata) values (%s, %s, %s, %s)", [bucket, name, candidate, json.dumps(meta)]
        )
    resume = one(conn, "select id from public.resumes where candidate_id = %s", [candidate])
    feedback = one(
        conn,
        "insert into public.resume_feedback (resume_id, candidate_id, feedback_content, auto_send_at, status, sent_at)"
        " values (%s, %s, 'Dear you, ...', now(), 'sent', now()) returning id",
        [resume, candidate],
    )
    outbox = one(
        conn,
        "insert into private.email_outbox (to_address, subject, body_text, related_type, related_id)"
        " values (%s, 'Feedback', 'Dear you', 'resume_feedback', %s) returning id",
        [email_of(conn, candidate), feedback],
    )
    conn.execute("select private.enqueue_job('email.send', %s::jsonb, %s)", [json.dumps({"outbox_id": outbox}), f"email.send:{outbox}"])
    row = conn.execute(
        "insert into public.applications (candidate_id, job_posting_id) values (%s, %s) returning id, interview_id", [candidate, posting]
    )
    application = row.fetchone()
    interview = str(application["interview_id"])
    conn.execute("update public.interviews set status = 'completed', started_at = now(), completed_at = now() where id = %s", [interview])
    conn.execute(
        "insert into public.interview_messages (interview_id, sequence_number, message_type, content_text, content_audio_url)"
        " values (%s, 1, 'ai_question', 'What is a closure?', %s), (%s, 2, 'candidate_response', 'A function with its scope', null)",
        [interview, f"{candidate}/{interview}/question-1.mp3", interview],
    )
    assessment = one(
        conn, "insert into public.assessment_results (interview_id, status, overall_score) values (%s, 'completed', 77) returning id", [interview]
    )
    conn.execute(
        "insert into public.assessment_reviews (organization_id, assessment_id, reviewed_by) values (%s, %s, %s)", [HOME, assessment, recruiter]
    )
    conn.execute(
        "insert into public.candidate_notes (organization_id, candidate_id, author_id, body) values (%s, %s, %s, 'Call back')",
        [HOME, candidate, recruiter],
    )
    conn.execute("update public.applications set status = 'under_review' where id = %s", [application["id"]])
    consented = f"{candidate}/{interview}/{uuid.uuid4().hex}.webm"
    conn.execute(
        "insert into private.recording_consents (storage_path, candidate_id, interview_id, mime_type) values (%s, %s, %s, 'video/webm')",
        [consented, candidate, interview],
    )
    conn.execute(
        "insert into storage.objects (bucket_id, name, owner, metadata) values ('interview-recordings', %s, %s, %s)",
        [consented, candidate, json.dumps({"size": 2048, "mimetype": "video/webm"})],
    )
    conn.execute(
        "insert into private.recording_consents (storage_path, candidate_id, interview_id, mime_type) values (%s, %s, %s, 'video/mp4')",
        [f"{candidate}/{interview}/{uuid.uuid4().hex}.mp4", candidate, interview],
    )
    conn.execute(
        "insert into private.resume_upload_names (storage_path, candidate_id, file_name) values (%s, %s, 'next.pdf')",
        [f"{candidate}/{uuid.uuid4().hex}/next.pdf", candidate],
    )
    conn.execute("insert into private.rate_limit_counters (action, subject, window_start, hits) values ('resume.upload', %s, now(), 1)", [candidate])
    conn.execute(
        "insert into private.login_failures (account_key, failures, window_started_at) values (private.login_key(%s), 2, now())",
        [email_of(conn, candidate)],
    )
    return {"interview": interview, "application": str(application["id"]), "assessment": assessment}


@pytest.fixture
def world(app_env, admin_conn):
    recruiter = create_user(admin_conn, "recruiter", name="Rita Recruiter")
    posting = one(
        admin_conn,
        "insert into public.job_postings (organization_id, title, company, role_category, employment_type, work_setup, status, tech_stack)"
        " values (%s, 'Python Engineer', 'Acme', 'engineering', 'permanent', 'remote', 'active', '{python}') returning id",
        [HOME],
    )
    admin_conn.execute(
        "insert into public.integration_webhooks (organization_id, url, event_types)"
        " values (%s, 'https://hooks.example/x', '{interview.completed,assessment.ready,application.status_changed}')",
        [HOME],
    )
    erased = create_user(admin_conn, "candidate", name="Erin Erased")
    kept = create_user(admin_conn, "candidate", name="Kim Kept")
    return {
        "posting": posting,
        "recruiter": recruiter,
        "erased": erased,
        "kept": kept,
        "erased_rows": furnish(admin_conn, erased, posting, recruiter),
        "kept_rows": furnish(admin_conn, kept, posting, recruiter),
    }


def erase_everything(conn, candidate):
    """What the privacy function does after the SQL: Storage removes the files, Auth the user."""
    subject_hash = conn.execute("select private.erase_candidate(%s) as h", [candidate]).fetchone()["h"]
    for bucket, names in files_of(conn, candidate).items():
        conn.execute("delete from storage.objects where bucket_id = %s and name = any(%s)", [bucket, names])
    conn.execute("delete from auth.users where id = %s", [candidate])
    return subject_hash


def test_erasure_leaves_no_row_of_the_candidate_in_any_table(world, admin_conn):
    erased = world["erased"]
    email = email_of(admin_conn, erased)
    ids = own_ids(admin_conn, erased, email)
    assert {world["erased_rows"]["interview"], world["erased_rows"]["application"], world["erased_rows"]["assessment"]} <= ids
    before = rows_naming(admin_conn, [*ids, email])
    for table in ("public.webhook_deliveries", "private.jobs", "private.email_outbox", "public.candidate_notes", "private.recording_consents"):
        assert before.get(table), f"the fixture should put the candidate in {table}"

    erase_everything(admin_conn, erased)

    assert rows_naming(admin_conn, [*ids, email]) == {}
    assert files_of(admin_conn, erased) == {}


def test_erasure_keeps_the_other_candidates_rows(world, admin_conn):
    kept = world["kept"]
    email = email_of(admin_conn, kept)
    before = rows_naming(admin_conn, [kept, email])
    erase_everything(admin_conn, world["erased"])
    assert rows_naming(admin_conn, [kept, email]) == before
    assert admin_conn.execute("select count(*) as n from public.video_recordings where candidate_id = %s", [kept]).fetchone()["n"] == 1


def test_organizations_keep_counts_without_personal_data_and_the_log_holds_a_hash(world, admin_conn):
    erased = world["erased"]
    subject_hash = erase_everything(admin_conn, erased)
    counts = admin_conn.execute(
        "select organization_id::text, job_posting_id::text, registrations, applications, completed_interviews, assessments"
        " from public.erased_candidate_counts order by job_posting_id nulls first"
    ).fetchall()
    assert counts == [
        {"organization_id": HOME, "job_posting_id": None, "registrations": 1, "applications": 0, "completed_interviews": 0, "assessments": 0},
        {
            "organization_id": HOME,
            "job_posting_id": world["posting"],
            "registrations": 0,
            "applications": 1,
            "completed_interviews": 1,
            "assessments": 1,
        },
    ]
    assert subject_hash == hashlib.sha256(erased.encode()).hexdigest()
    log = admin_conn.execute("select subject_hash, requested_at, completed_at from private.account_erasures").fetchall()
    assert [row["subject_hash"] for row in log] == [subject_hash] and log[0]["completed_at"] is None
    admin_conn.execute("select private.complete_erasure(%s, 3)", [subject_hash])
    assert admin_conn.execute("select objects_removed from private.account_erasures").fetchone()["objects_removed"] == 3


def test_erasing_again_changes_nothing(world, admin_conn):
    """A retry after Storage or Auth failed: the rows are gone, the counts are not added twice."""
    erased = world["erased"]
    first = admin_conn.execute("select private.erase_candidate(%s) as h", [erased]).fetchone()["h"]
    counts = admin_conn.execute("select * from public.erased_candidate_counts order by job_posting_id nulls first").fetchall()
    again = admin_conn.execute("select private.erase_candidate(%s) as h", [erased]).fetchone()["h"]
    assert again == first
    assert admin_conn.execute("select * from public.erased_candidate_counts order by job_posting_id nulls first").fetchall() == counts
    assert admin_conn.execute("select count(*) as n from private.account_erasures").fetchone()["n"] == 1


def test_an_erased_account_can_no_longer_write_files(world, admin_conn):
    """Its access token outlives it by up to an hour: Storage's write policies need a profile now."""
    erased = world["erased"]
    admin_conn.execute("select private.erase_candidate(%s)", [erased])
    with pytest.raises(psycopg.errors.InsufficientPrivilege), acting_as(admin_conn.info.dbname, Actor("erased", erased, "candidate")) as conn:
        conn.execute("insert into storage.objects (bucket_id, name, owner) values ('resumes', %s, %s)", [f"{erased}/late.pdf", erased])
