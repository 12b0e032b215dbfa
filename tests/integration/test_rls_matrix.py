"""Row-level security matrix: every public table and the storage buckets, for anon, three
candidates, recruiter, viewer, admin, a recruiter of another organization and the service role,
across select/insert/update/delete. Positive cases are asserted too, so a policy that denies
everything fails here just like one that allows everything.

Tenancy (F7): candidates A and B registered on the portal (the home organization, Teamified);
C registered through the other firm; B also applied to one of the other firm's postings. Staff
see a candidate's data only when the candidate registered through or applied to their
organization: Teamified staff see A and B, never C; the other firm's recruiter sees B and C,
never A. Candidates never see the staff-only scoring data (F6)."""

from __future__ import annotations

import json
import uuid

import psycopg
import pytest
from psycopg.rows import dict_row

from local import postgres
from tests.rls import Actor, acting_as, create_user

OTHER_ORG = "00000000-0000-0000-0000-00000000b002"
TEAMIFIED = "00000000-0000-0000-0000-00000000a001"
DENIED = (psycopg.errors.InsufficientPrivilege,)


@pytest.fixture(scope="module")
def database(template_db):
    """One database for the whole matrix: every actor's statement is rolled back."""
    name = f"test_rls_{uuid.uuid4().hex[:8]}"
    postgres.create_database(name, template=template_db)
    yield name
    postgres.drop_database(name)


@pytest.fixture(scope="module")
def admin_conn(database):
    with postgres.connect(database) as conn:
        conn.row_factory = dict_row
        yield conn


@pytest.fixture(scope="module")
def world(database, admin_conn):
    """Two candidates, staff of two organizations, and one row of every kind owned by candidate A."""
    admin_conn.execute("insert into public.organizations (id, name) values (%s, 'Other Firm')", [OTHER_ORG])
    ids = {
        "a": create_user(admin_conn, "candidate", name="Alice Candidate"),
        "b": create_user(admin_conn, "candidate", name="Bob Candidate"),
        "recruiter": create_user(admin_conn, "recruiter", name="Rita Recruiter"),
        "viewer": create_user(admin_conn, "viewer", name="Vic Viewer"),
        "admin": create_user(admin_conn, "admin", name="Ada Admin"),
        "outsider": create_user(admin_conn, "recruiter", OTHER_ORG, name="Otto Outsider"),
        "c": create_user(admin_conn, "candidate", OTHER_ORG, name="Cara Candidate"),
    }
    q = admin_conn.execute

    def one(sql, params):
        return str(q(sql, params).fetchone()["id"])

    posting = (
        "insert into public.job_postings (organization_id, title, company, role_category, employment_type, work_setup, status, tech_stack)"
        " values (%s, %s, 'Acme', 'engineering', 'permanent', 'remote', %s, '{react}') returning id"
    )
    ids["posting_open"] = one(posting, [TEAMIFIED, "Open role", "active"])
    ids["posting_paused"] = one(posting, [TEAMIFIED, "Paused role", "paused"])
    ids["posting_other_org"] = one(posting, [OTHER_ORG, "Other firm role", "active"])
    q(
        "insert into storage.objects (bucket_id, name, owner, metadata) values ('resumes', %s, %s, %s)",
        [f"{ids['a']}/cv.pdf", ids["a"], json.dumps({"size": 1000, "mimetype": "application/pdf"})],
    )
    ids["resume"] = str(q("select id from public.resumes where candidate_id = %s", [ids["a"]]).fetchone()["id"])
    q("insert into storage.objects (bucket_id, name, owner) values ('resumes', %s, %s)", [f"{ids['a']}/old.pdf", ids["a"]])
    ids["resume_old"] = str(q("select id from public.resumes where storage_path = %s", [f"{ids['a']}/old.pdf"]).fetchone()["id"])
    ids["feedback_pending"] = one(
        "insert into public.resume_feedback (resume_id, candidate_id, feedback_content, auto_send_at, status)"
        " values (%s, %s, 'Pending text', now() + interval '4 hours', 'pending_approval') returning id",
        [ids["resume"], ids["a"]],
    )
    ids["feedback_sent"] = one(
        "insert into public.resume_feedback (resume_id, candidate_id, feedback_content, auto_send_at, status, sent_at)"
        " values (%s, %s, 'Sent text', now(), 'sent', now()) returning id",
        [ids["resume_old"], ids["a"]],
    )
    ids["application"] = one(
        "insert into public.applications (candidate_id, job_posting_id) values (%s, %s) returning id", [ids["a"], ids["posting_open"]]
    )
    ids["interview"] = str(q("select interview_id from public.applications where id = %s", [ids["application"]]).fetchone()["interview_id"])
    ids["session"] = one("insert into public.interview_sessions (interview_id) values (%s) returning id", [ids["interview"]])
    ids["message"] = one(
        "insert into public.interview_messages (interview_id, session_id, sequence_number, message_type, content_text)"
        " values (%s, %s, 1, 'ai_question', 'What is a closure?') returning id",
        [ids["interview"], ids["session"]],
    )
    ids["assessment"] = one(
        "insert into public.assessment_results (interview_id, status, overall_score) values (%s, 'completed', 80) returning id", [ids["interview"]]
    )
    ids["webhook"] = one(
        "insert into public.integration_webhooks (organization_id, url, event_types)"
        " values (%s, 'https://hooks.example/x', '{assessment.ready}') returning id",
        [TEAMIFIED],
    )
    ids["delivery"] = one(
        "insert into public.webhook_deliveries (webhook_id, event_type, payload) values (%s, 'assessment.ready', '{}') returning id",
        [ids["webhook"]],
    )
    q("insert into public.webhook_delivery_attempts (delivery_id, attempt, response_status) values (%s, 1, 500)", [ids["delivery"]])
    ids["webhook_secret"] = one(
        "insert into private.webhook_secrets (webhook_id, sealed, key_id) values (%s, '\\x00', 'k') returning id", [ids["webhook"]]
    )
    q(
        "insert into storage.objects (bucket_id, name, owner, metadata) values ('resumes', %s, %s, %s)",
        [f"{ids['c']}/cv.pdf", ids["c"], json.dumps({"size": 1000, "mimetype": "application/pdf"})],
    )
    ids["resume_c"] = str(q("select id from public.resumes where candidate_id = %s", [ids["c"]]).fetchone()["id"])
    ids["feedback_c"] = one(
        "insert into public.resume_feedback (resume_id, candidate_id, feedback_content, auto_send_at, status)"
        " values (%s, %s, 'Pending text for C', now() + interval '4 hours', 'pending_approval') returning id",
        [ids["resume_c"], ids["c"]],
    )
    ids["interview_c"] = one("insert into public.interviews (candidate_id, role_type) values (%s, 'python') returning id", [ids["c"]])
    ids["session_c"] = one("insert into public.interview_sessions (interview_id) values (%s) returning id", [ids["interview_c"]])
    ids["message_c"] = one(
        "insert into public.interview_messages (interview_id, session_id, sequence_number, message_type, content_text)"
        " values (%s, %s, 1, 'ai_question', 'What is a decorator?') returning id",
        [ids["interview_c"], ids["session_c"]],
    )
    ids["assessment_c"] = one(
        "insert into public.assessment_results (interview_id, status, overall_score) values (%s, 'completed', 70) returning id", [ids["interview_c"]]
    )
    ids["application_b"] = one(
        "insert into public.applications (candidate_id, job_posting_id) values (%s, %s) returning id", [ids["b"], ids["posting_other_org"]]
    )
    ids["interview_b"] = str(q("select interview_id from public.applications where id = %s", [ids["application_b"]]).fetchone()["interview_id"])
    for owner in ("a", "c"):
        for bucket, file_name in (("audio", "answer.wav"), ("interview-recordings", "recording.webm")):
            q("insert into storage.objects (bucket_id, name, owner) values (%s, %s, %s)", [bucket, f"{ids[owner]}/x/{file_name}", ids[owner]])
    ids["recording"] = one(
        "insert into public.video_recordings (interview_id, candidate_id, storage_path, mime_type, size_bytes, consent_given_at)"
        " values (%s, %s, %s, 'video/webm', 1000, now()) returning id",
        [ids["interview"], ids["a"], f"{ids['a']}/rec.webm"],
    )
    ids["note_home"] = one(
        "insert into public.candidate_notes (organization_id, candidate_id, author_id, body) values (%s, %s, %s, 'Strong on React') returning id",
        [TEAMIFIED, ids["a"], ids["recruiter"]],
    )
    ids["note_other"] = one(
        "insert into public.candidate_notes (organization_id, candidate_id, author_id, body) values (%s, %s, %s, 'Call back') returning id",
        [OTHER_ORG, ids["b"], ids["outsider"]],
    )
    q(
        "insert into public.assessment_reviews (organization_id, assessment_id, reviewed_by) values (%s, %s, %s)",
        [TEAMIFIED, ids["assessment"], ids["recruiter"]],
    )
    for organization in (TEAMIFIED, OTHER_ORG):
        q("insert into public.erased_candidate_counts (organization_id, month, registrations) values (%s, current_date, 1)", [organization])
    ids["realtime_session"] = one(
        "insert into private.realtime_sessions (interview_id, model, voice, expires_at)"
        " values (%s, 'gpt-realtime', 'marin', now() + interval '2 minutes') returning id",
        [ids["interview"]],
    )
    ids["realtime_event"] = one(
        "insert into private.realtime_events (interview_id, kind, key, transcript) values (%s, 'candidate_transcript', 'item_rls:0', 'Closures.')"
        " returning id",
        [ids["interview"]],
    )
    q("insert into private.realtime_usage (interview_id, responses, cost_usd) values (%s, 1, 0.01)", [ids["interview"]])
    return ids


def actor(world, name) -> Actor:
    roles = {
        "a": "candidate",
        "b": "candidate",
        "c": "candidate",
        "recruiter": "recruiter",
        "viewer": "viewer",
        "admin": "admin",
        "outsider": "recruiter",
    }
    if name == "anon":
        return Actor("anon", None, "anon")
    if name == "service":
        return Actor("service", None, "service_role")
    return Actor(name, world[name], roles[name])


def visible(database, world, who, table, id_column="id"):
    """Ids of `table` the actor can select, or 'denied'."""
    try:
        with acting_as(database, actor(world, who)) as conn:
            return {str(row["id"]) for row in conn.execute(f"select {id_column} as id from {table}")}
    except DENIED:
        return "denied"


STAFF = ("recruiter", "viewer", "admin")


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        # table: {actor: ids it sees (by world key), or "denied"}
        (
            "public.candidates",
            {
                "anon": "denied",
                "a": ["a"],
                "b": ["b"],
                "recruiter": ["a", "b"],
                "viewer": ["a", "b"],
                "admin": ["a", "b"],
                "outsider": ["b", "c"],
                "service": ["a", "b", "c"],
            },
        ),
        (
            "public.recruiters",
            {
                "anon": "denied",
                "a": [],
                "recruiter": ["recruiter", "viewer", "admin"],
                "outsider": ["outsider"],
                "service": ["recruiter", "viewer", "admin", "outsider"],
            },
        ),
        (
            "public.job_postings",
            {
                "anon": ["posting_open", "posting_other_org"],
                "a": ["posting_open", "posting_other_org"],
                "recruiter": ["posting_open", "posting_paused", "posting_other_org"],
                "outsider": ["posting_open", "posting_other_org"],
            },
        ),
        (
            "public.resumes",
            {
                "anon": "denied",
                "a": ["resume", "resume_old"],
                "b": [],
                "c": ["resume_c"],
                "viewer": ["resume", "resume_old"],
                "outsider": ["resume_c"],
                "service": ["resume", "resume_old", "resume_c"],
            },
        ),
        (
            "public.resume_feedback",
            {
                "anon": "denied",
                "a": ["feedback_sent"],
                "b": [],
                "c": [],
                "recruiter": ["feedback_pending", "feedback_sent"],
                "viewer": ["feedback_pending", "feedback_sent"],
                "outsider": ["feedback_c"],
            },
        ),
        (
            "public.interviews",
            {
                "anon": "denied",
                "a": ["interview"],
                "b": ["interview_b"],
                "recruiter": ["interview", "interview_b"],
                "outsider": ["interview_b", "interview_c"],
            },
        ),
        ("public.interview_sessions", {"anon": "denied", "a": [], "b": [], "c": [], "viewer": ["session"], "outsider": ["session_c"]}),
        (
            "public.interview_messages",
            {"anon": "denied", "a": ["message"], "b": [], "c": ["message_c"], "admin": ["message"], "outsider": ["message_c"]},
        ),
        (
            "public.assessment_results",
            {
                "anon": "denied",
                "a": [],
                "b": [],
                "c": [],
                "recruiter": ["assessment"],
                "outsider": ["assessment_c"],
                "service": ["assessment", "assessment_c"],
            },
        ),
        (
            "public.applications",
            {"anon": "denied", "a": ["application"], "b": ["application_b"], "recruiter": ["application"], "outsider": ["application_b"]},
        ),
        ("public.integration_webhooks", {"anon": "denied", "a": [], "recruiter": [], "viewer": [], "admin": ["webhook"], "outsider": []}),
        ("public.webhook_deliveries", {"anon": "denied", "a": [], "recruiter": [], "viewer": [], "admin": ["delivery"], "outsider": []}),
        ("private.webhook_secrets", {"anon": "denied", "a": "denied", "recruiter": "denied", "admin": "denied", "service": ["webhook_secret"]}),
        ("public.video_recordings", {"anon": "denied", "a": ["recording"], "b": [], "viewer": ["recording"], "outsider": []}),
        ("public.organizations", {"anon": "denied", "a": [], "recruiter": [TEAMIFIED], "outsider": [OTHER_ORG]}),
        ("private.jobs", {"anon": "denied", "a": "denied", "recruiter": "denied", "admin": "denied"}),
        ("private.email_outbox", {"a": "denied", "admin": "denied"}),
        # realtime sessions, the relay's ledger and realtime usage: the functions' (service role) only
        ("private.realtime_sessions", {"anon": "denied", "a": "denied", "recruiter": "denied", "admin": "denied", "service": ["realtime_session"]}),
        ("private.realtime_events", {"anon": "denied", "a": "denied", "viewer": "denied", "outsider": "denied", "service": ["realtime_event"]}),
    ],
)
def test_who_can_select_what(database, world, table, expected):
    for who, wanted in expected.items():
        seen = visible(database, world, who, table)
        if wanted == "denied":
            assert seen == "denied", (who, table)
        else:
            wanted_ids = {world.get(key, key) for key in wanted}
            assert seen != "denied" and wanted_ids <= seen, (who, table, seen)
            if who != "service":
                known = {value for value in world.values()}
                assert seen & known == wanted_ids & known or table == "public.organizations", (who, table, seen)


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anon", "denied"), ("a", []), ("recruiter", []), ("viewer", []), ("admin", ["delivery"]), ("outsider", []), ("service", ["delivery"])],
)
def test_webhook_delivery_attempts_are_read_by_the_organizations_admins_only(database, world, who, expected):
    seen = visible(database, world, who, "public.webhook_delivery_attempts", id_column="delivery_id")
    assert seen == (expected if expected == "denied" else {world[key] for key in expected})


def attempt(database, world, who, sql, params=()):
    """'denied' when the statement raises for lack of privilege or a policy, else the affected row count."""
    try:
        with acting_as(database, actor(world, who)) as conn:
            return conn.execute(sql, [world.get(p, p) if isinstance(p, str) else p for p in params]).rowcount
    except DENIED:
        return "denied"


@pytest.mark.parametrize(
    ("who", "sql", "params", "expected"),
    [
        # candidates: own profile fields only
        ("a", "update public.candidates set full_name = 'Alice A' where id = %s", ["a"], 1),
        ("a", "update public.candidates set full_name = 'Hacked' where id = %s", ["b"], 0),  # filtered
        ("a", "update public.candidates set email = 'x@example.com' where id = %s", ["a"], "denied"),  # column not writable
        ("a", "insert into public.candidates (id, email, full_name) values (gen_random_uuid(), 'n@example.com', 'New')", [], "denied"),
        ("recruiter", "delete from public.candidates where id = %s", ["a"], "denied"),
        # recruiters: admins manage their organization
        ("admin", "update public.recruiters set role = 'viewer' where id = %s", ["recruiter"], 1),
        ("admin", "update public.recruiters set is_active = false where id = %s", ["outsider"], 0),
        ("recruiter", "update public.recruiters set role = 'admin' where id = %s", ["recruiter"], 0),
        ("a", "update public.recruiters set role = 'admin' where id = %s", ["recruiter"], 0),
        # job postings: recruiters and admins of the organization write; viewers and candidates do not
        ("recruiter", "update public.job_postings set title = 'Renamed' where id = %s", ["posting_paused"], 1),
        ("recruiter", "update public.job_postings set title = 'Renamed' where id = %s", ["posting_other_org"], 0),
        ("viewer", "update public.job_postings set title = 'Renamed' where id = %s", ["posting_open"], 0),
        ("a", "update public.job_postings set title = 'Renamed' where id = %s", ["posting_open"], 0),
        ("anon", "update public.job_postings set title = 'Renamed' where id = %s", ["posting_open"], "denied"),
        ("recruiter", "delete from public.job_postings where id = %s", ["posting_open"], "denied"),
        # resumes: created by the upload trigger only; candidates activate and delete their own
        ("a", "update public.resumes set is_active = false where id = %s", ["resume"], 1),
        ("b", "update public.resumes set is_active = true where id = %s", ["resume"], 0),
        ("a", "update public.resumes set parsing_status = 'completed' where id = %s", ["resume"], "denied"),
        ("a", "insert into public.resumes (candidate_id, storage_path, file_name) values (%s, 'x/y.pdf', 'y.pdf')", ["a"], "denied"),
        ("a", "delete from public.resumes where id = %s", ["resume"], 1),
        ("b", "delete from public.resumes where id = %s", ["resume"], 0),
        ("recruiter", "delete from public.resumes where id = %s", ["resume"], 0),
        # feedback: recruiters and admins of the candidate's organizations edit; viewers and candidates cannot
        ("recruiter", "update public.resume_feedback set feedback_content = 'Edited' where id = %s", ["feedback_pending"], 1),
        ("recruiter", "update public.resume_feedback set feedback_content = 'Edited' where id = %s", ["feedback_c"], 0),  # F7
        ("outsider", "update public.resume_feedback set feedback_content = 'Edited' where id = %s", ["feedback_pending"], 0),  # F7
        ("outsider", "update public.resume_feedback set feedback_content = 'Edited' where id = %s", ["feedback_c"], 1),
        ("viewer", "update public.resume_feedback set feedback_content = 'Edited' where id = %s", ["feedback_pending"], 0),
        ("a", "update public.resume_feedback set status = 'sent' where id = %s", ["feedback_pending"], "denied"),  # approval workflow only (F5)
        ("a", "delete from public.resume_feedback where id = %s", ["feedback_sent"], "denied"),
        # interviews, sessions, messages, assessments: service role only
        ("a", "update public.interviews set status = 'completed' where id = %s", ["interview"], "denied"),
        ("a", "insert into public.interviews (candidate_id, role_type) values (%s, 'react')", ["a"], "denied"),
        (
            "a",
            "insert into public.interview_messages (interview_id, sequence_number, message_type, content_text)"
            " values (%s, 9, 'candidate_response', 'x')",
            ["interview"],
            "denied",
        ),
        ("a", "update public.interview_sessions set questions_asked_count = 99 where id = %s", ["session"], "denied"),
        ("recruiter", "update public.assessment_results set overall_score = 100 where id = %s", ["assessment"], "denied"),
        ("a", "delete from public.assessment_results where id = %s", ["assessment"], "denied"),
        ("service", "update public.interviews set status = 'in_progress' where id = %s", ["interview"], 1),
        # applications: candidates apply for themselves and may only withdraw; recruiters of the organization move them
        ("a", "insert into public.applications (candidate_id, job_posting_id) values (%s, %s)", ["a", "posting_other_org"], 1),
        ("a", "insert into public.applications (candidate_id, job_posting_id) values (%s, %s)", ["b", "posting_other_org"], "denied"),
        ("recruiter", "insert into public.applications (candidate_id, job_posting_id) values (%s, %s)", ["recruiter", "posting_other_org"], "denied"),
        ("a", "update public.applications set status = 'withdrawn' where id = %s", ["application"], 1),
        # a move the rules allow from interview_completed, but not the candidate's to make (the policy)
        ("a", "update public.applications set status = 'under_review' where id = %s", ["application"], "denied"),
        ("b", "update public.applications set status = 'withdrawn' where id = %s", ["application"], 0),
        ("recruiter", "update public.applications set status = 'under_review' where id = %s", ["application"], 1),
        ("viewer", "update public.applications set status = 'under_review' where id = %s", ["application"], 0),
        ("outsider", "update public.applications set status = 'rejected' where id = %s", ["application"], 0),
        # webhooks: admins of the organization read and delete them; creating and changing go through the webhooks
        # function (SSRF check, sealed secret), so no client role inserts or updates; deliveries are the job's
        (
            "admin",
            "insert into public.integration_webhooks (organization_id, url, event_types) values (%s, 'https://h.example', '{interview.completed}')",
            [TEAMIFIED],
            "denied",
        ),
        (
            "recruiter",
            "insert into public.integration_webhooks (organization_id, url, event_types) values (%s, 'https://h.example', '{interview.completed}')",
            [TEAMIFIED],
            "denied",
        ),
        ("admin", "update public.integration_webhooks set url = 'https://10.0.0.1/' where id = %s", ["webhook"], "denied"),
        ("admin", "update public.integration_webhooks set is_active = true, consecutive_failures = 0 where id = %s", ["webhook"], "denied"),
        ("admin", "delete from public.integration_webhooks where id = %s", ["webhook"], 1),
        ("viewer", "delete from public.integration_webhooks where id = %s", ["webhook"], 0),
        ("outsider", "delete from public.integration_webhooks where id = %s", ["webhook"], 0),
        ("admin", "update public.webhook_deliveries set status = 'delivered' where id = %s", ["delivery"], "denied"),
        ("admin", "insert into public.webhook_deliveries (webhook_id, event_type, payload) values (%s, 'x.y', '{}')", ["webhook"], "denied"),
        ("admin", "delete from public.webhook_deliveries where id = %s", ["delivery"], "denied"),
        ("admin", "insert into public.webhook_delivery_attempts (delivery_id, attempt) values (%s, 2)", ["delivery"], "denied"),
        ("admin", "update public.webhook_delivery_attempts set response_status = 200 where delivery_id = %s", ["delivery"], "denied"),
        ("admin", "update private.webhook_secrets set expires_at = now() where webhook_id = %s", ["webhook"], "denied"),
        ("service", "update private.webhook_secrets set expires_at = now() where webhook_id = %s", ["webhook"], 1),
        # recordings: rows come from a consent and the upload (the trigger), never from the API roles (issue 19)
        (
            "a",
            "insert into public.video_recordings (interview_id, candidate_id, storage_path, mime_type, size_bytes, consent_given_at)"
            " values (%s, %s, %s || '/r2.webm', 'video/webm', 10, now())",
            ["interview", "a", "a"],
            "denied",
        ),
        ("a", "update public.video_recordings set soft_deleted_at = now() where id = %s", ["recording"], "denied"),
        ("viewer", "delete from public.video_recordings where id = %s", ["recording"], "denied"),
        # erased candidates' counts: read by their organization's staff, written by erasure only
        ("admin", "insert into public.erased_candidate_counts (organization_id, month) values (%s, current_date)", [TEAMIFIED], "denied"),
        ("admin", "update public.erased_candidate_counts set applications = 0", [], "denied"),
        ("admin", "delete from public.erased_candidate_counts", [], "denied"),
        ("a", "select private.erase_candidate(%s)", ["a"], "denied"),
        (
            "b",
            "insert into public.video_recordings (interview_id, candidate_id, storage_path, mime_type, size_bytes, consent_given_at)"
            " values (%s, %s, %s || '/r2.webm', 'video/webm', 10, now())",
            ["interview", "b", "b"],
            "denied",
        ),
        ("a", "delete from public.video_recordings where id = %s", ["recording"], "denied"),
        # recruiter portal: notes are written by recruiters and admins of the organization, in their own name,
        # about its candidates; review marks likewise; nobody edits or deletes them, nobody writes the pipeline rows
        (
            "recruiter",
            "insert into public.candidate_notes (organization_id, candidate_id, author_id, body) values (%s, %s, %s, 'x')",
            [TEAMIFIED, "a", "recruiter"],
            1,
        ),
        (
            "admin",
            "insert into public.candidate_notes (organization_id, candidate_id, author_id, body) values (%s, %s, %s, 'x')",
            [TEAMIFIED, "b", "admin"],
            1,
        ),
        (
            "recruiter",
            "insert into public.candidate_notes (organization_id, candidate_id, author_id, body) values (%s, %s, %s, 'x')",
            [TEAMIFIED, "c", "recruiter"],  # not a candidate of the organization (F7)
            "denied",
        ),
        (
            "recruiter",
            "insert into public.candidate_notes (organization_id, candidate_id, author_id, body) values (%s, %s, %s, 'x')",
            [TEAMIFIED, "a", "admin"],  # in someone else's name
            "denied",
        ),
        (
            "recruiter",
            "insert into public.candidate_notes (organization_id, candidate_id, author_id, body) values (%s, %s, %s, 'x')",
            [OTHER_ORG, "b", "recruiter"],  # into another organization's notes
            "denied",
        ),
        (
            "outsider",
            "insert into public.candidate_notes (organization_id, candidate_id, author_id, body) values (%s, %s, %s, 'x')",
            [OTHER_ORG, "a", "outsider"],
            "denied",
        ),
        (
            "viewer",
            "insert into public.candidate_notes (organization_id, candidate_id, author_id, body) values (%s, %s, %s, 'x')",
            [TEAMIFIED, "a", "viewer"],
            "denied",
        ),
        (
            "a",
            "insert into public.candidate_notes (organization_id, candidate_id, author_id, body) values (%s, %s, %s, 'x')",
            [TEAMIFIED, "a", "a"],
            "denied",
        ),
        ("recruiter", "update public.candidate_notes set body = 'changed' where id = %s", ["note_home"], "denied"),
        ("admin", "delete from public.candidate_notes where id = %s", ["note_home"], "denied"),
        (
            "outsider",
            "insert into public.assessment_reviews (organization_id, assessment_id, reviewed_by) values (%s, %s, %s)",
            [OTHER_ORG, "assessment_c", "outsider"],
            1,
        ),
        (
            "outsider",
            "insert into public.assessment_reviews (organization_id, assessment_id, reviewed_by) values (%s, %s, %s)",
            [OTHER_ORG, "assessment", "outsider"],  # an assessment the organization does not see (F7)
            "denied",
        ),
        (
            "viewer",
            "insert into public.assessment_reviews (organization_id, assessment_id, reviewed_by) values (%s, %s, %s)",
            [TEAMIFIED, "assessment", "viewer"],
            "denied",
        ),
        (
            "admin",
            "insert into public.assessment_reviews (organization_id, assessment_id, reviewed_by) values (%s, %s, %s)",
            [TEAMIFIED, "assessment", "recruiter"],  # in someone else's name
            "denied",
        ),
        (
            "outsider",
            "insert into public.assessment_reviews (organization_id, assessment_id, reviewed_by, reviewed_at)"
            " values (%s, %s, %s, now() - interval '1 year')",
            [OTHER_ORG, "assessment_c", "outsider"],  # the time is the database's
            "denied",
        ),
        ("admin", "update public.assessment_reviews set reviewed_at = now() where assessment_id = %s", ["assessment"], "denied"),
        ("admin", "delete from public.assessment_reviews where assessment_id = %s", ["assessment"], "denied"),
        (
            "c",
            "insert into public.assessment_reviews (organization_id, assessment_id, reviewed_by) values (%s, %s, %s)",
            [OTHER_ORG, "assessment_c", "c"],
            "denied",
        ),
        (
            "admin",
            "insert into public.organization_candidates (organization_id, candidate_id, full_name, email, last_activity_at)"
            " values (%s, %s, 'x', 'x@example.com', now())",
            [TEAMIFIED, "c"],
            "denied",
        ),
        ("admin", "update public.organization_candidates set overall_score = 100 where candidate_id = %s", ["a"], "denied"),
        ("admin", "delete from public.organization_candidates where candidate_id = %s", ["a"], "denied"),
        # the private schema is unreachable
        ("a", "insert into private.jobs (kind) values ('x.y')", [], "denied"),
        ("admin", "delete from private.jobs", [], "denied"),
        ("a", "select private.enqueue_job('x.y', '{}')", [], "denied"),
        # realtime: no API role reaches the leases, the ledger or the usage; the service writes them
        (
            "a",
            "insert into private.realtime_sessions (interview_id, model, voice, expires_at) values (%s, 'm', 'v', now() + interval '1 hour')",
            ["interview"],
            "denied",
        ),
        ("a", "update private.realtime_sessions set expires_at = now() + interval '1 day' where id = %s", ["realtime_session"], "denied"),
        ("recruiter", "delete from private.realtime_sessions where id = %s", ["realtime_session"], "denied"),
        ("a", "insert into private.realtime_events (interview_id, kind, key) values (%s, 'tool_call', 'call_forged')", ["interview"], "denied"),
        ("a", "update private.realtime_events set transcript = 'forged' where id = %s", ["realtime_event"], "denied"),
        ("admin", "delete from private.realtime_events where id = %s", ["realtime_event"], "denied"),
        ("a", "update private.realtime_usage set cost_usd = 0 where interview_id = %s", ["interview"], "denied"),
        ("anon", "select * from private.realtime_usage", [], "denied"),
        ("recruiter", "select * from private.realtime_usage", [], "denied"),
        ("service", "update private.realtime_sessions set last_event_at = now() where id = %s", ["realtime_session"], 1),
        ("service", "update private.realtime_usage set responses = responses + 1 where interview_id = %s", ["interview"], 1),
    ],
)
def test_who_can_write_what(database, world, who, sql, params, expected):
    assert attempt(database, world, who, sql, params) == expected


@pytest.mark.parametrize(
    ("who", "bucket", "folder_of", "expected"),
    [
        ("a", "resumes", "a", 1),
        ("a", "resumes", "b", "denied"),  # another user's folder
        ("a", "audio", "a", 1),
        ("a", "interview-recordings", "a", 1),
        ("recruiter", "resumes", "a", "denied"),
        ("anon", "resumes", "a", "denied"),
    ],
)
def test_storage_uploads_only_into_the_callers_folder(database, world, who, bucket, folder_of, expected):
    name = f"{world[folder_of]}/{uuid.uuid4().hex}.bin"
    sql = "insert into storage.objects (bucket_id, name, owner) values (%s, %s, %s)"
    owner = world.get(who) if who in world else None
    assert attempt(database, world, who, sql, [bucket, name, owner]) == expected


@pytest.mark.parametrize("bucket", ["resumes", "audio", "interview-recordings"])
@pytest.mark.parametrize(
    ("who", "owner", "sees"),
    [
        ("a", "a", True),
        ("b", "a", False),
        ("recruiter", "a", True),
        ("viewer", "a", True),
        ("anon", "a", False),
        ("service", "a", True),
        ("outsider", "a", False),  # F7: another firm's staff
        ("outsider", "c", True),
        ("recruiter", "c", False),  # F7
        ("c", "c", True),
    ],
)
def test_storage_reads(database, world, who, owner, sees, bucket):
    found = visible(database, world, who, f"storage.objects where bucket_id = '{bucket}' and name like '{world[owner]}/%%'")
    assert (found not in ("denied", set())) is sees


@pytest.mark.parametrize(("who", "sees"), [("a", ["interview"]), ("b", []), ("c", ["interview_c"]), ("recruiter", []), ("anon", "denied")])
def test_candidates_read_their_assessments_only_through_the_candidate_view(database, world, who, sees):
    """F6: the candidate view exposes scores, strengths and weaknesses of the caller's own interviews only."""
    found = visible(database, world, who, "public.candidate_assessments", id_column="interview_id")
    assert found == ("denied" if sees == "denied" else {world[key] for key in sees})
    if who == "a":
        with acting_as(database, actor(world, "a")) as conn:
            columns = {column.name for column in conn.execute("select * from public.candidate_assessments").description or []}
        assert columns == {"interview_id", "status", "overall_score", "skill_scores", "strengths", "weaknesses", "generated_at"}


@pytest.mark.parametrize("column", ["evaluation", "audio_metadata"])
def test_candidates_and_staff_cannot_select_answer_evaluations_over_rest(database, world, column):
    """F6: per-answer AI evaluations are not selectable by the API roles (the functions read them as the service role)."""
    for who in ("a", "recruiter"):
        assert visible(database, world, who, "public.interview_messages", id_column=column) == "denied"


@pytest.mark.parametrize(("who", "expected"), [("a", 1), ("b", 0), ("recruiter", 0)])
def test_storage_deletes(database, world, who, expected):
    name = f"{world['a']}/cv.pdf"
    assert attempt(database, world, who, "delete from storage.objects where bucket_id = 'resumes' and name = %s", [name]) == expected


def test_rls_is_enabled_on_every_public_table(admin_conn):
    missing = admin_conn.execute(
        "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
        " where n.nspname in ('public', 'private') and c.relkind = 'r' and not c.relrowsecurity"
    ).fetchall()
    assert missing == []


def test_a_deactivated_recruiter_loses_access_at_once(database, world):
    recruiter = actor(world, "recruiter")
    with psycopg.connect(postgres.dsn(database), row_factory=dict_row) as conn, conn.transaction(force_rollback=True):
        conn.execute("update public.recruiters set is_active = false where id = %s", [world["recruiter"]])
        conn.execute("select set_config('role', 'authenticated', true), set_config('request.jwt.claims', %s, true)", [json.dumps(recruiter.claims)])
        assert conn.execute("select id from public.candidates").fetchall() == []


@pytest.mark.parametrize(
    ("who", "table", "sees"),
    [
        ("recruiter", "public.application_events", ["application"]),
        ("outsider", "public.application_events", ["application_b"]),  # tenancy (F7)
        ("viewer", "public.application_events", ["application"]),
        ("a", "public.application_events", []),  # the table (with notes) is staff-only
        ("anon", "public.application_events", "denied"),
        ("a", "public.candidate_application_events", ["application"]),  # own history, without notes
        ("b", "public.candidate_application_events", ["application_b"]),
        ("recruiter", "public.candidate_application_events", []),
        ("anon", "public.candidate_application_events", "denied"),
    ],
)
def test_application_history_is_read_by_the_organization_and_the_candidate_only(database, world, who, table, sees):
    found = visible(database, world, who, table, id_column="application_id")
    assert found == ("denied" if sees == "denied" else {world[key] for key in sees})


@pytest.mark.parametrize("who", ["a", "recruiter", "admin"])
def test_nobody_writes_application_history_directly(database, world, who):
    sql = "insert into public.application_events (application_id, to_status) values (%s, 'offered')"
    assert attempt(database, world, who, sql, ["application"]) == "denied"


@pytest.mark.parametrize(
    ("table", "id_column", "expected"),
    [
        (
            "public.organization_candidates",
            "candidate_id",
            {
                "anon": "denied",
                "a": [],
                "c": [],
                "recruiter": ["a", "b"],
                "viewer": ["a", "b"],
                "admin": ["a", "b"],
                "outsider": ["b", "c"],
                "service": ["a", "b", "c"],
            },
        ),
        (
            "public.candidate_notes",
            "id",
            {"anon": "denied", "a": [], "b": [], "recruiter": ["note_home"], "viewer": ["note_home"], "outsider": ["note_other"]},
        ),
        ("public.assessment_reviews", "assessment_id", {"anon": "denied", "a": [], "viewer": ["assessment"], "outsider": []}),
    ],
)
def test_recruiter_portal_tables_are_read_by_their_organization_only(database, world, table, id_column, expected):
    """Issue 17: the pipeline rows, notes and review marks are each organization's own; candidates never see them."""
    for who, wanted in expected.items():
        found = visible(database, world, who, table, id_column=id_column)
        assert found == ("denied" if wanted == "denied" else {world[key] for key in wanted}), (who, table, found)


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("anon", "denied"),
        ("a", set()),
        ("c", set()),
        ("recruiter", {TEAMIFIED}),
        ("viewer", {TEAMIFIED}),
        ("admin", {TEAMIFIED}),
        ("outsider", {OTHER_ORG}),
    ],
)
def test_erased_candidates_counts_are_read_by_their_organization_only(database, world, who, sees):
    """Issue 19: what an organization keeps of erased candidates (counts, no person) is its own."""
    assert visible(database, world, who, "public.erased_candidate_counts", id_column="organization_id") == sees


@pytest.mark.parametrize(("table", "column"), [("private.recording_consents", "storage_path"), ("private.account_erasures", "subject_hash")])
@pytest.mark.parametrize("who", ["anon", "a", "recruiter", "admin"])
def test_recording_consents_and_the_erasure_log_are_unreachable(database, world, table, column, who):
    """Issue 19: consents waiting for their upload and the erasure log are the platform's own."""
    assert visible(database, world, who, table, id_column=column) == "denied"


def test_pipeline_membership_is_exactly_the_tenancy_rule(admin_conn, world):
    """organization_candidates, which the tenancy policies consult, holds (organization, candidate)
    exactly when the candidate registered through the organization or applied to one of its postings."""
    rows = {(str(r["organization_id"]), str(r["candidate_id"])) for r in admin_conn.execute("select * from public.organization_candidates")}
    rule = admin_conn.execute(
        "select organization_id, id as candidate_id from public.candidates"
        " union select p.organization_id, a.candidate_id from public.applications a join public.job_postings p on p.id = a.job_posting_id"
    ).fetchall()
    assert rows == {(str(r["organization_id"]), str(r["candidate_id"])) for r in rule}
