"""Workflow 2 over HTTP: upload -> trigger -> resume.process -> feedback.generate -> recruiter
approval (or auto-send) -> outbox -> email through SES (moto). Jobs and the schedule run in this
process against the running stack, so time can be moved and AWS and the AI provider mocked."""

from __future__ import annotations

from datetime import timedelta

import boto3
import httpx
import pytest
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses import ses_backends

from local import postgres
from shared.errors import AIUnavailable
from shared.queue import drain
from shared.services import feedback as feedback_service
from tests.documents import make_docx, make_pdf

FRONTEND_RESUME = """Sam Frontend
Frontend Developer
Skills: JavaScript, React, HTML, CSS
Experience:
Frontend Developer, Pixel Studio, 2021 - 2024
Education:
Diploma of Web Development, TAFE NSW, 2020
"""
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def candidate(make_user):
    return make_user("candidate", "Jordan Example")


@pytest.fixture(scope="module")
def recruiter(make_user):
    return make_user("recruiter", "Rita Recruiter")


def upload(api, user, name="cv.pdf", data=None, content_type=PDF):
    data = make_pdf() if data is None else data
    return api("POST", "/resumes/upload", token=user["token"], files={"file": (name, data, content_type)})


def run_jobs() -> None:
    import shared.jobs  # noqa: F401 - registers the handlers in this process

    drain()


def db_rows(stack_db, sql, params=()):
    with postgres.connect(stack_db) as conn:
        return conn.execute(sql, params).fetchall()


def test_pdf_goes_from_upload_to_approved_feedback_emailed_through_ses(api, candidate, recruiter, in_stack, stack_db, monkeypatch):
    uploaded = upload(api, candidate)
    assert uploaded.status_code == 201, uploaded.text
    resume = uploaded.json()["data"]["resume"]
    assert resume["parsing_status"] == "pending" and resume["is_active"] is True and resume["file_name"] == "cv.pdf"

    run_jobs()
    got = api("GET", f"/resumes/{resume['id']}", token=candidate["token"]).json()["data"]["resume"]
    assert got["parsing_status"] == "completed" and got["parsed_at"]
    assert {"Python", "React", "Django", "PostgreSQL"} <= set(got["parsed_data"]["skills"])
    assert got["parsed_data"]["experience_years"] >= 7
    assert got["feedback"] is None  # pending feedback is not the candidate's to see yet

    queue = api("GET", "/feedback/pending", token=recruiter["token"]).json()["data"]["items"]
    mine = [item for item in queue if item["resume_id"] == resume["id"]]
    assert len(mine) == 1 and mine[0]["candidate"]["full_name"] == "Jordan Example"
    assert [item["generated_at"] for item in queue] == sorted(item["generated_at"] for item in queue)
    item = mine[0]
    assert item["status"] == "pending_approval" and item["feedback_content"] and item["auto_send_at"] > item["generated_at"]
    assert isinstance(item["identified_gaps"], list) and isinstance(item["recommended_resources"], list)

    assert api("POST", f"/feedback/{item['id']}/approve", token=candidate["token"]).status_code == 403
    assert api("GET", "/feedback/pending", token=candidate["token"]).status_code == 403
    edited = api(
        "PATCH",
        f"/feedback/{item['id']}",
        token=recruiter["token"],
        json={"feedback_content": "Your resume is strong; add measurable outcomes to each role."},
    )
    assert edited.status_code == 200, edited.text
    approved = api("POST", f"/feedback/{item['id']}/approve", token=recruiter["token"])
    assert approved.status_code == 200 and approved.json()["data"]["feedback"]["status"] == "approved"
    assert approved.json()["data"]["feedback"]["approved_by"] == recruiter["id"]
    assert api("POST", f"/feedback/{item['id']}/approve", token=recruiter["token"]).status_code == 409

    monkeypatch.setenv("EMAIL_BACKEND", "ses")
    monkeypatch.setenv("EMAIL_SENDER", "no-reply@teamified.test")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    from shared.email import get_backend
    from shared.settings import get_settings

    get_settings.cache_clear()
    get_backend.cache_clear()
    with mock_aws():
        boto3.client("ses", region_name="us-east-1").verify_email_identity(EmailAddress="no-reply@teamified.test")
        run_jobs()
        sent = [m for m in ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages if m.destinations["ToAddresses"] == [candidate["email"]]]
    get_backend.cache_clear()
    assert len(sent) == 1
    assert sent[0].subject == "Feedback on your resume" and "measurable outcomes" in sent[0].body

    seen = api("GET", f"/resumes/{resume['id']}", token=candidate["token"]).json()["data"]["resume"]["feedback"]
    assert seen["status"] == "sent" and seen["sent_at"] and "measurable outcomes" in seen["feedback_content"]
    outbox = db_rows(stack_db, "select status, attempts, provider_message_id from private.email_outbox where related_id = %s", [item["id"]])
    assert outbox == [("sent", 1, sent[0].id)]


def test_docx_feedback_is_sent_automatically_once_due(api, candidate, in_stack, stack_db):
    uploaded = upload(api, candidate, "resume.docx", make_docx(FRONTEND_RESUME), DOCX)
    assert uploaded.status_code == 201, uploaded.text
    resume_id = uploaded.json()["data"]["resume"]["id"]
    run_jobs()
    parsed = api("GET", f"/resumes/{resume_id}", token=candidate["token"]).json()["data"]["resume"]["parsed_data"]
    assert {"JavaScript", "React", "HTML", "CSS"} <= set(parsed["skills"]) and "Python" not in parsed["skills"]
    [(feedback_id, generated_at, auto_send_at, gaps, resources)] = db_rows(
        stack_db,
        "select id, generated_at, auto_send_at, identified_gaps, recommended_resources from public.resume_feedback where resume_id = %s",
        [resume_id],
    )
    assert auto_send_at - generated_at == timedelta(hours=4)
    assert {"TypeScript", "Jest"} <= set(gaps) and {r["title"] for r in resources} >= {"TypeScript Handbook"}

    feedback_service.send_due(now=auto_send_at - timedelta(minutes=1))
    assert _still_pending(stack_db, feedback_id)
    feedback_service.send_due(now=auto_send_at + timedelta(minutes=1))
    run_jobs()
    [(status, approved_by, sent_at)] = db_rows(
        stack_db, "select status, approved_by, sent_at from public.resume_feedback where id = %s", [feedback_id]
    )
    assert (status, approved_by) == ("sent", None) and sent_at is not None
    assert db_rows(stack_db, "select status from private.email_outbox where related_id = %s", [feedback_id]) == [("sent",)]
    feedback_service.send_due(now=auto_send_at + timedelta(hours=1))
    run_jobs()
    assert len(db_rows(stack_db, "select 1 from private.email_outbox where related_id = %s", [feedback_id])) == 1


def _still_pending(stack_db, feedback_id) -> bool:
    return db_rows(stack_db, "select status from public.resume_feedback where id = %s", [feedback_id]) == [("pending_approval",)]


@pytest.mark.parametrize(
    ("name", "data", "content_type", "status"),
    [
        ("cv.txt", b"plain text resume with enough words", "text/plain", 422),
        ("cv.pdf", b"PK\x03\x04 this is not a pdf at all", PDF, 422),
        ("cv.pdf", b"", PDF, 422),
        ("../../etc/cv.pdf", make_pdf(), PDF, 422),
        ("cv.docx", make_pdf(), DOCX, 422),
        ("cv.pdf", b"%PDF-1.4\n" + b"0" * (6 * 1024 * 1024), PDF, 413),
    ],
    ids=["wrong-extension", "not-a-pdf", "empty", "path-traversal", "pdf-named-docx", "too-large"],
)
def test_bad_uploads_are_refused_and_store_nothing(api, candidate, stack_db, name, data, content_type, status):
    response = upload(api, candidate, name, data, content_type)
    assert response.status_code == status, response.text
    assert response.json()["success"] is False and response.json()["error"]["code"]
    assert db_rows(stack_db, "select 1 from public.resumes where candidate_id = %s", [candidate["id"]]) == []
    assert db_rows(stack_db, "select 1 from storage.objects where bucket_id = 'resumes' and name like %s", [candidate["id"] + "/%"]) == []


def test_upload_without_a_file_or_as_json_is_a_clear_4xx(api, candidate):
    assert api("POST", "/resumes/upload", token=candidate["token"], json={"file": "x"}).status_code == 415
    missing = api("POST", "/resumes/upload", token=candidate["token"], files={"other": ("a.pdf", make_pdf(), PDF)})
    assert missing.status_code == 400 and missing.json()["error"]["code"] == "BAD_REQUEST"
    assert api("POST", "/resumes/upload", files={"file": ("a.pdf", make_pdf(), PDF)}).status_code == 401


def test_signed_upload_url_is_checked_first_and_the_put_creates_the_resume(api, candidate, stack_db):
    too_big = api(
        "POST", "/resumes/upload-url", token=candidate["token"], json={"file_name": "cv.pdf", "content_type": PDF, "file_size": 10 * 1024 * 1024 + 1}
    )
    assert too_big.status_code == 413
    bad_name = api("POST", "/resumes/upload-url", token=candidate["token"], json={"file_name": "../cv.pdf", "content_type": PDF, "file_size": 10})
    assert bad_name.status_code == 422
    granted = api("POST", "/resumes/upload-url", token=candidate["token"], json={"file_name": "large.pdf", "content_type": PDF, "file_size": 5000})
    assert granted.status_code == 201, granted.text
    grant = granted.json()["data"]
    assert grant["path"].startswith(candidate["id"] + "/") and grant["token"]
    put = httpx.put(grant["upload_url"], content=make_pdf(), headers={"content-type": PDF})
    assert put.status_code == 200, put.text
    listed = api("GET", "/resumes/", token=candidate["token"]).json()["data"]["resumes"]
    assert [r["file_name"] for r in listed] == ["large.pdf"] and listed[0]["parsing_status"] == "pending"


def test_corrupt_pdf_that_passes_the_upload_check_ends_failed_with_a_reason(api, candidate, in_stack, stack_db):
    uploaded = upload(api, candidate, "broken.pdf", b"%PDF-1.7\n" + b"\x00garbage" * 200)
    assert uploaded.status_code == 201, uploaded.text
    resume_id = uploaded.json()["data"]["resume"]["id"]
    run_jobs()
    resume = api("GET", f"/resumes/{resume_id}", token=candidate["token"]).json()["data"]["resume"]
    assert resume["parsing_status"] == "failed" and resume["parsing_error"]
    assert "processing" not in db_rows(stack_db, "select parsing_status from public.resumes where id = %s", [resume_id])[0]


def test_other_candidates_get_404_and_owners_download_activate_delete(api, candidate, make_user, in_stack, stack_db):
    first = upload(api, candidate, "first.pdf").json()["data"]["resume"]
    second = upload(api, candidate, "second.pdf").json()["data"]["resume"]
    intruder = make_user("candidate")
    for method, path in [("GET", ""), ("GET", "/download"), ("DELETE", ""), ("POST", "/activate")]:
        response = api(method, f"/resumes/{first['id']}{path}", token=intruder["token"])
        assert response.status_code == 404, (method, path, response.text)
    assert api("POST", f"/resumes/{first['id']}/reparse", token=candidate["token"]).status_code == 403

    link = api("GET", f"/resumes/{first['id']}/download", token=candidate["token"]).json()["data"]
    assert link["expires_in"] == 300 and httpx.get(link["url"]).content == make_pdf()

    active = [r for r in api("GET", "/resumes/", token=candidate["token"]).json()["data"]["resumes"] if r["is_active"]]
    assert [r["id"] for r in active] == [second["id"]]
    assert api("POST", f"/resumes/{first['id']}/activate", token=candidate["token"]).json()["data"]["resume"]["is_active"] is True
    active = [r["id"] for r in api("GET", "/resumes/", token=candidate["token"]).json()["data"]["resumes"] if r["is_active"]]
    assert active == [first["id"]]

    assert api("DELETE", f"/resumes/{first['id']}", token=candidate["token"]).status_code == 204
    assert api("GET", f"/resumes/{first['id']}", token=candidate["token"]).status_code == 404
    assert db_rows(stack_db, "select 1 from storage.objects where name like %s", [f"{candidate['id']}/%/first.pdf"]) == []


def test_ai_failure_is_retried_then_visible_and_a_reparse_recovers_without_duplicates(api, candidate, recruiter, in_stack, stack_db, monkeypatch):
    from shared.ai.offline.provider import OfflineProvider

    def unavailable(self, text):
        raise AIUnavailable()

    original = OfflineProvider.extract_resume
    monkeypatch.setattr(OfflineProvider, "extract_resume", unavailable)
    resume_id = upload(api, candidate).json()["data"]["resume"]["id"]
    attempts = []
    for _ in range(3):
        run_jobs()
        attempts.append(db_rows(stack_db, "select status, attempts from private.jobs where dedupe_key = %s", [f"resume.process:{resume_id}"])[0])
        with postgres.connect(stack_db) as conn:  # move the backoff's clock instead of sleeping
            conn.execute("update private.jobs set run_after = now() where dedupe_key = %s and status = 'queued'", [f"resume.process:{resume_id}"])
    assert attempts == [("queued", 1), ("queued", 2), ("dead", 3)]
    resume = api("GET", f"/resumes/{resume_id}", token=candidate["token"]).json()["data"]["resume"]
    assert resume["parsing_status"] == "failed" and "re-parse" in resume["parsing_error"]

    monkeypatch.setattr(OfflineProvider, "extract_resume", original)
    assert api("POST", f"/resumes/{resume_id}/reparse", token=recruiter["token"]).status_code == 202
    run_jobs()
    run_jobs()
    resume = api("GET", f"/resumes/{resume_id}", token=candidate["token"]).json()["data"]["resume"]
    assert resume["parsing_status"] == "completed" and resume["parsing_error"] is None
    assert len(db_rows(stack_db, "select 1 from public.resumes where candidate_id = %s", [candidate["id"]])) == 1
    assert len(db_rows(stack_db, "select 1 from public.resume_feedback where resume_id = %s", [resume_id])) == 1


def test_email_send_retries_five_times_with_backoff_then_marks_the_message_failed(api, candidate, recruiter, in_stack, stack_db, monkeypatch):
    from shared.email import EmailDeliveryFailed
    from shared.services import outbox

    class DownBackend:
        def send(self, message):
            raise EmailDeliveryFailed("SES could not be reached.")

    resume_id = upload(api, candidate).json()["data"]["resume"]["id"]
    run_jobs()
    [(feedback_id,)] = db_rows(stack_db, "select id from public.resume_feedback where resume_id = %s", [resume_id])
    assert api("POST", f"/feedback/{feedback_id}/approve", token=recruiter["token"]).status_code == 200
    monkeypatch.setattr(outbox, "get_backend", lambda: DownBackend())
    [(outbox_id,)] = db_rows(stack_db, "select id from private.email_outbox where related_id = %s", [feedback_id])
    key = f"email.send:{outbox_id}"
    delays = []
    for _ in range(5):
        run_jobs()
        [(status, wait)] = db_rows(stack_db, "select status, extract(epoch from run_after - now()) from private.jobs where dedupe_key = %s", [key])
        delays.append(wait)
        with postgres.connect(stack_db) as conn:
            conn.execute("update private.jobs set run_after = now() where dedupe_key = %s and status = 'queued'", [key])
    assert status == "dead"
    assert 15 < delays[0] < 45 and 45 < delays[1] < 90 and delays[2] > delays[1]  # 30 s, 60 s, 120 s ... with jitter
    assert db_rows(stack_db, "select status, attempts from private.email_outbox where id = %s", [outbox_id]) == [("failed", 5)]
    assert db_rows(stack_db, "select status from public.resume_feedback where id = %s", [feedback_id]) == [("failed",)]


def test_running_the_parsing_and_feedback_jobs_twice_changes_nothing(api, candidate, in_stack, stack_db):
    from shared.jobs import resumes as resume_jobs

    resume_id = upload(api, candidate).json()["data"]["resume"]["id"]
    run_jobs()
    before = db_rows(stack_db, "select parsed_at, parsed_data from public.resumes where id = %s", [resume_id])
    assert resume_jobs.process_resume({"resume_id": resume_id}) == {"resume_id": resume_id, "skipped": "already parsed"}
    assert resume_jobs.generate_feedback({"resume_id": resume_id})["skipped"] == "feedback exists"
    assert db_rows(stack_db, "select parsed_at, parsed_data from public.resumes where id = %s", [resume_id]) == before
    assert len(db_rows(stack_db, "select 1 from public.resume_feedback where resume_id = %s", [resume_id])) == 1
