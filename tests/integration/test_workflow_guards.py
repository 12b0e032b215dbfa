"""Workflows cannot be skipped over REST: what a client (PostgREST with the user's token, here the
`authenticated` role with the user's claims) may no longer write directly, and the workflow paths
that still work. Each test names the finding it covers."""

from __future__ import annotations

import json
import uuid

import psycopg
import pytest
from psycopg.rows import dict_row

from functions import feedback
from local import postgres
from tests.rls import Actor, acting_as, create_user
from tests.support import access_token, invoke

HOME = "00000000-0000-0000-0000-00000000a001"
REFUSED = psycopg.errors.InsufficientPrivilege


@pytest.fixture
def people(admin_conn):
    """Two candidates of the home organization and its recruiter, viewer and admin."""
    return {
        "a": create_user(admin_conn, "candidate", name="Alice Candidate"),
        "b": create_user(admin_conn, "candidate", name="Bob Candidate"),
        "recruiter": create_user(admin_conn, "recruiter", HOME, name="Rita Recruiter"),
        "viewer": create_user(admin_conn, "viewer", HOME, name="Vic Viewer"),
        "admin": create_user(admin_conn, "admin", HOME, name="Ada Admin"),
    }


def actor(people, name: str) -> Actor:
    role = "candidate" if name in ("a", "b") else name
    return Actor(name, people[name], role)


@pytest.fixture
def resume_of(admin_conn):
    """Factory: upload a file into the candidate's folder (the trigger creates the resume row)."""

    def make(candidate: str, name: str = "cv.pdf") -> str:
        path = f"{candidate}/{uuid.uuid4().hex}/{name}"
        admin_conn.execute("insert into storage.objects (bucket_id, name, owner) values ('resumes', %s, %s)", [path, candidate])
        return str(admin_conn.execute("select id from public.resumes where storage_path = %s", [path]).fetchone()["id"])

    return make


@pytest.fixture
def feedback_for(admin_conn, resume_of):
    """Factory: feedback on a new resume of the candidate, in the given status."""

    def make(candidate: str, status: str = "pending_approval") -> str:
        return str(
            admin_conn.execute(
                "insert into public.resume_feedback (resume_id, candidate_id, feedback_content, auto_send_at, status, sent_at)"
                " values (%s, %s, 'The original feedback text.', now() + interval '4 hours', %s, case when %s = 'sent' then now() end)"
                " returning id",
                [resume_of(candidate), candidate, status, status],
            ).fetchone()["id"]
        )

    return make


@pytest.fixture
def posting(admin_conn):
    return str(
        admin_conn.execute(
            "insert into public.job_postings (organization_id, title, company, role_category, employment_type, work_setup, tech_stack)"
            " values (%s, 'Engineer', 'Acme', 'engineering', 'permanent', 'remote', '{react}') returning id",
            [HOME],
        ).fetchone()["id"]
    )


def feedback_row(admin_conn, feedback_id: str) -> dict:
    return admin_conn.execute(
        "select status, feedback_content, approved_by, approved_at, sent_at from public.resume_feedback where id = %s", [feedback_id]
    ).fetchone()


# -- F5: feedback approval ------------------------------------------------------------------


@pytest.mark.parametrize(
    "assignments",
    [
        "status = 'sent'",  # recorded as sent although no email was ever queued
        "status = 'approved'",  # approved without the function, so without an email
        "approved_by = %(admin)s, approved_at = '2020-01-01'",  # someone else named as approver, back-dated
    ],
)
def test_a_recruiter_cannot_write_the_approval_columns_of_feedback(database, admin_conn, people, feedback_for, assignments):
    """F5: the status, approver and approval time of feedback are not writable by a recruiter over
    REST; the row stays pending."""
    feedback_id = feedback_for(people["a"])
    with pytest.raises(REFUSED), acting_as(database, actor(people, "recruiter")) as conn:
        conn.execute(f"update public.resume_feedback set {assignments} where id = %(id)s", {**people, "id": feedback_id})
    row = feedback_row(admin_conn, feedback_id)
    assert (row["status"], row["approved_by"], row["approved_at"], row["sent_at"]) == ("pending_approval", None, None, None)


@pytest.mark.parametrize(
    "assignments",
    [
        "status = 'pending_approval', feedback_content = 'Rewritten after it was sent'",  # reopened and rewritten
        "feedback_content = 'Rewritten after it was sent'",  # rewritten in place
        "identified_gaps = '[\"new gap\"]'",
    ],
)
def test_sent_feedback_cannot_be_reopened_or_rewritten_by_a_recruiter(database, admin_conn, people, feedback_for, assignments):
    """F5: feedback the candidate already received cannot be moved back or edited."""
    feedback_id = feedback_for(people["a"], status="sent")
    with pytest.raises(REFUSED), acting_as(database, actor(people, "recruiter")) as conn:
        conn.execute(f"update public.resume_feedback set {assignments} where id = %s", [feedback_id])
    row = feedback_row(admin_conn, feedback_id)
    assert row["status"] == "sent" and row["feedback_content"] == "The original feedback text."


def test_a_recruiter_still_edits_the_content_of_pending_feedback(database, people, feedback_for):
    """F5: the content columns stay editable while the feedback awaits approval."""
    feedback_id = feedback_for(people["a"])
    with acting_as(database, actor(people, "recruiter")) as conn:
        changed = conn.execute(
            "update public.resume_feedback set feedback_content = 'Edited by the recruiter.', identified_gaps = '[\"Testing\"]',"
            ' recommended_resources = \'[{"title": "Jest", "url": "https://jestjs.io/", "reason": "Testing"}]\' where id = %s',
            [feedback_id],
        ).rowcount
    assert changed == 1


def test_the_trigger_refuses_workflow_columns_from_clients_even_if_a_grant_reappears(database, people, feedback_for):
    """F5: the second line of defence. Were UPDATE on status granted again by a later migration,
    the trigger still refuses status and approver changes made by a client role."""
    feedback_id = feedback_for(people["a"])
    claims = json.dumps(actor(people, "recruiter").claims)
    with psycopg.connect(postgres.dsn(database), row_factory=dict_row) as conn, conn.transaction(force_rollback=True):
        conn.execute("grant update (status, approved_by, approved_at) on public.resume_feedback to authenticated")
        conn.execute("select set_config('role', 'authenticated', true), set_config('request.jwt.claims', %s, true)", [claims])
        with pytest.raises(REFUSED, match="approval workflow"):
            conn.execute("update public.resume_feedback set status = 'approved', approved_by = %s where id = %s", [people["admin"], feedback_id])


@pytest.mark.parametrize(
    ("before", "after", "allowed"),
    [
        ("draft", "pending_approval", True),
        ("pending_approval", "approved", True),  # a recruiter's approval or the auto-send sweep
        ("approved", "sent", True),  # the email job
        ("approved", "failed", True),  # the email could not be delivered
        ("failed", "sent", True),  # a retried email went out after all
        ("sent", "pending_approval", False),  # reopening sent feedback
        ("sent", "approved", False),
        ("approved", "pending_approval", False),
        ("pending_approval", "sent", False),  # sent without an approval (and so without an email)
        ("draft", "sent", False),
    ],
)
def test_feedback_status_moves_only_forward_even_for_the_service_role(database, people, feedback_for, before, after, allowed):
    """F5: the status machine holds for every writer, so sent feedback is never reopened."""
    feedback_id = feedback_for(people["a"], status=before)
    with acting_as(database, Actor("service", None, "service_role")) as conn:
        if allowed:
            assert conn.execute("update public.resume_feedback set status = %s where id = %s", [after, feedback_id]).rowcount == 1
        else:
            with pytest.raises(psycopg.errors.RaiseException) as raised:
                conn.execute("update public.resume_feedback set status = %s where id = %s", [after, feedback_id])
            assert raised.value.diag.message_hint == "INVALID_TRANSITION"


def test_approval_through_the_function_records_the_approver_and_queues_the_email(app_env, admin_conn, people, feedback_for):
    """F5: the workflow path still works: the function approves as the caller, now, and queues the
    email in the same transaction."""
    feedback_id = feedback_for(people["a"])
    reply = invoke(feedback.handler, "POST", f"/{feedback_id}/approve", token=access_token(people["recruiter"], "recruiter"))
    assert reply.status == 200, reply.body
    assert reply.data["feedback"]["status"] == "approved" and reply.data["feedback"]["approved_by"] == people["recruiter"]
    row = feedback_row(admin_conn, feedback_id)
    assert row["status"] == "approved" and str(row["approved_by"]) == people["recruiter"] and row["approved_at"] is not None
    [email] = admin_conn.execute("select id, to_address from private.email_outbox where related_id = %s", [feedback_id]).fetchall()
    assert email["to_address"].startswith("candidate-")
    assert admin_conn.execute("select count(*) as n from private.jobs where dedupe_key = %s", [f"email.send:{email['id']}"]).fetchone()["n"] == 1


def test_the_function_cannot_approve_sent_feedback_again(app_env, admin_conn, people, feedback_for):
    """F5: approving feedback that was already sent is a conflict and changes nothing."""
    feedback_id = feedback_for(people["a"], status="sent")
    reply = invoke(feedback.handler, "POST", f"/{feedback_id}/approve", token=access_token(people["admin"], "admin"))
    assert reply.status == 409
    assert feedback_row(admin_conn, feedback_id)["approved_by"] is None
    assert admin_conn.execute("select count(*) as n from private.email_outbox").fetchone()["n"] == 0


# -- F12: an application's resume is the applicant's -----------------------------------------


def test_an_application_with_another_candidates_resume_is_refused(database, admin_conn, people, resume_of, posting):
    """F12: candidate B cannot apply with candidate A's resume, so no interview is linked to it."""
    resume_a = resume_of(people["a"])
    with pytest.raises(REFUSED), acting_as(database, actor(people, "b")) as conn:
        conn.execute(
            "insert into public.applications (candidate_id, job_posting_id, resume_id) values (%s, %s, %s)", [people["b"], posting, resume_a]
        )
    assert admin_conn.execute("select count(*) as n from public.interviews where resume_id = %s", [resume_a]).fetchone()["n"] == 0


def test_the_resume_rule_holds_for_trusted_writers_too(admin_conn, people, resume_of, posting):
    """F12: the trigger refuses a foreign resume whoever writes the application or the interview."""
    resume_a = resume_of(people["a"])
    with pytest.raises(REFUSED), admin_conn.transaction():
        admin_conn.execute(
            "insert into public.applications (candidate_id, job_posting_id, resume_id) values (%s, %s, %s)", [people["b"], posting, resume_a]
        )
    with pytest.raises(REFUSED), admin_conn.transaction():
        admin_conn.execute("insert into public.interviews (candidate_id, resume_id, role_type) values (%s, %s, 'react')", [people["b"], resume_a])


def test_an_application_with_the_candidates_own_resume_gives_the_interview_that_resume(database, people, resume_of, posting):
    """F12: the positive case: one's own (older, inactive) resume is accepted and linked."""
    older = resume_of(people["b"], "old.pdf")
    resume_of(people["b"], "new.pdf")
    with acting_as(database, actor(people, "b")) as conn:
        application = conn.execute(
            "insert into public.applications (candidate_id, job_posting_id, resume_id) values (%s, %s, %s) returning interview_id",
            [people["b"], posting, older],
        ).fetchone()
        interview = conn.execute("select resume_id from public.interviews where id = %s", [application["interview_id"]]).fetchone()
    assert str(interview["resume_id"]) == older


# -- F13: recording paths ------------------------------------------------------------------


@pytest.fixture
def interview_of(admin_conn):
    def make(candidate: str) -> str:
        return str(
            admin_conn.execute("insert into public.interviews (candidate_id, role_type) values (%s, 'react') returning id", [candidate]).fetchone()[
                "id"
            ]
        )

    return make


RECORDING = (
    "insert into public.video_recordings (interview_id, candidate_id, storage_path, mime_type, size_bytes, consent_given_at)"
    " values (%s, %s, %s, 'video/mp4', 10, now())"
)


@pytest.mark.parametrize(
    "path",
    [
        "{a}/{interview}/recording.mp4",  # another candidate's folder
        "recording.mp4",  # no folder at all
        "{interview}/recording.mp4",  # a folder that is not the caller's id
    ],
)
def test_a_recording_row_must_point_into_the_callers_own_folder(database, people, interview_of, path):
    """F13: candidate B cannot register a recording whose storage path is outside B's folder."""
    interview = interview_of(people["b"])
    with pytest.raises(REFUSED), acting_as(database, actor(people, "b")) as conn:
        conn.execute(RECORDING, [interview, people["b"], path.format(a=people["a"], interview=interview)])


def test_a_recording_in_the_callers_own_folder_is_not_registered_directly_either(database, people, interview_of):
    """F13, since consented uploads (issue 19): recording rows come only from the upload trigger
    of a consented object, so even a row pointing into the caller's own folder is refused."""
    interview = interview_of(people["b"])
    with pytest.raises(REFUSED), acting_as(database, actor(people, "b")) as conn:
        conn.execute(RECORDING, [interview, people["b"], f"{people['b']}/{interview}/recording.mp4"])


# -- F15: profile and link rules on every path ---------------------------------------------


@pytest.mark.parametrize(
    ("assignments", "values"),
    [
        ("full_name = %s", ["<script>alert(1)</script>" + "A" * 100_000]),  # 100k characters
        ("full_name = %s", ["   x   "]),  # one character once trimmed
        ("phone = %s", ["<img src=x onerror=alert(1)>"]),  # markup
        ("phone = %s", ["12"]),  # too short
    ],
)
def test_candidate_names_and_phones_keep_the_registration_rules_over_rest(database, admin_conn, people, assignments, values):
    """F15: the registration rules (name 2-120 characters, phone pattern) hold for direct updates."""
    with pytest.raises(psycopg.errors.CheckViolation), acting_as(database, actor(people, "b")) as conn:
        conn.execute(f"update public.candidates set {assignments} where id = %s", [*values, people["b"]])
    assert admin_conn.execute("select full_name, phone from public.candidates where id = %s", [people["b"]]).fetchone() == {
        "full_name": "Bob Candidate",
        "phone": None,
    }


def test_a_valid_name_and_phone_are_still_accepted(database, people):
    """F15: the positive case."""
    with acting_as(database, actor(people, "b")) as conn:
        changed = conn.execute(
            "update public.candidates set full_name = 'Bob  Builder', phone = '+61 (2) 9999-0000' where id = %s", [people["b"]]
        ).rowcount
    assert changed == 1


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(document.cookie)", "data:text/html,<script>alert(1)</script>", "https://", "https://example.com/a b", "//evil.example"],
)
def test_feedback_resources_with_non_http_links_are_refused_by_the_database(database, people, feedback_for, url):
    """F15: a recruiter writing recommended_resources over REST cannot store a script link."""
    feedback_id = feedback_for(people["a"])
    resources = json.dumps([{"title": "Click", "url": url, "reason": "x"}])
    with pytest.raises(psycopg.errors.CheckViolation), acting_as(database, actor(people, "recruiter")) as conn:
        conn.execute("update public.resume_feedback set recommended_resources = %s where id = %s", [resources, feedback_id])


# -- F19: attribution set by the database --------------------------------------------------


def test_a_spoofed_created_by_on_a_posting_is_replaced_by_the_caller(database, people):
    """F19: a recruiter who names the admin as a posting's author is recorded as its author."""
    with acting_as(database, actor(people, "recruiter")) as conn:
        created_by = conn.execute(
            "insert into public.job_postings (organization_id, created_by, title, company, role_category, employment_type, work_setup)"
            " values (%s, %s, 'Spoofed', 'Teamified', 'engineering', 'contract', 'remote') returning created_by",
            [HOME, people["admin"]],
        ).fetchone()["created_by"]
    assert str(created_by) == people["recruiter"]


@pytest.mark.parametrize(
    ("assignments", "value"),
    [
        ("created_by = %s", "admin"),  # re-attributed after the fact
        ("organization_id = %s", HOME),
        ("id = %s", str(uuid.uuid4())),
        ("created_at = %s", "2020-01-01"),
    ],
)
def test_recruiters_cannot_change_a_postings_identity_columns(database, people, posting, assignments, value):
    """F19: authorship, ownership, id and creation time are not writable after insert."""
    with pytest.raises(REFUSED), acting_as(database, actor(people, "recruiter")) as conn:
        conn.execute(f"update public.job_postings set {assignments} where id = %s", [people.get(value, value), posting])


def test_recruiters_still_edit_their_postings(database, people, posting):
    """F19: the positive case: content and state stay editable."""
    with acting_as(database, actor(people, "recruiter")) as conn:
        assert conn.execute("update public.job_postings set title = 'Senior Engineer', status = 'paused' where id = %s", [posting]).rowcount == 1


def test_admins_cannot_insert_webhooks_directly_so_authorship_is_the_functions(database, people):
    """F19 for webhooks: clients no longer insert them at all (issue 19: the webhooks function
    checks the URL and seals the secret, and records the caller as the author)."""
    with pytest.raises(REFUSED), acting_as(database, actor(people, "admin")) as conn:
        conn.execute(
            "insert into public.integration_webhooks (organization_id, url, event_types, created_by)"
            " values (%s, 'https://hooks.example/x', '{assessment.ready}', %s)",
            [HOME, people["recruiter"]],
        )


def test_trusted_writers_keep_the_author_they_name(admin_conn, people):
    """F19: seeds and service-role code may attribute a posting explicitly."""
    created_by = admin_conn.execute(
        "insert into public.job_postings (organization_id, created_by, title, company, role_category, employment_type, work_setup)"
        " values (%s, %s, 'Seeded', 'Teamified', 'engineering', 'contract', 'remote') returning created_by",
        [HOME, people["admin"]],
    ).fetchone()["created_by"]
    assert str(created_by) == people["admin"]
