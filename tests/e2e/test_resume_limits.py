"""Resume uploads and parsing within limits, over HTTP: zip bombs refused at upload, an hourly
upload limit per candidate, stored bytes checked again by resume.process whatever path stored
them (direct Storage uploads, upload URLs), downloads as attachments, bounded re-parsing and
rescoring, and concurrent activations that never fail."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import httpx
import pytest

from local import postgres
from shared.queue import drain
from tests.documents import make_pdf, make_zip_bomb_docx, rebuild_docx

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HTML = b"<html><script>alert(document.domain)</script><p>Senior engineer, ten years of React.</p></html>"


@pytest.fixture
def candidate(make_user):
    return make_user("candidate", "Lena Limits")


@pytest.fixture
def recruiter(make_user):
    return make_user("recruiter", "Rex Recruiter")


def upload(api, user, name="cv.pdf", data=None, content_type=PDF):
    return api("POST", "/resumes/upload", token=user["token"], files={"file": (name, make_pdf() if data is None else data, content_type)})


def db_rows(stack_db, sql, params=()):
    with postgres.connect(stack_db) as conn:
        return conn.execute(sql, params).fetchall()


def stored_objects(stack_db, user):
    return db_rows(stack_db, "select name from storage.objects where bucket_id = 'resumes' and name like %s", [user["id"] + "/%"])


def resume_rows(stack_db, user):
    return db_rows(stack_db, "select id, is_active from public.resumes where candidate_id = %s order by uploaded_at", [user["id"]])


def run_jobs() -> None:
    import shared.jobs  # noqa: F401 - registers the handlers in this process

    drain()


def test_a_zip_bomb_docx_is_refused_at_upload_and_stores_nothing(api, candidate, stack_db):
    """F8: a 60 KB DOCX inflating to ~22 MB is a 422 at upload; no row, no object, no job."""
    response = upload(api, candidate, "many.docx", make_zip_bomb_docx(), DOCX)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "VALIDATION_ERROR" and "compressed more than" in response.json()["error"]["message"]
    assert resume_rows(stack_db, candidate) == [] and stored_objects(stack_db, candidate) == []


def test_a_docx_with_malformed_xml_fails_once_with_a_readable_reason(api, candidate, in_stack, stack_db):
    """F8: lxml's XMLSyntaxError is an unreadable resume: the job goes dead on its first attempt
    (no retries) and the resume shows why."""
    broken = rebuild_docx(b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p>')
    uploaded = upload(api, candidate, "broken.docx", broken, DOCX)
    assert uploaded.status_code == 201, uploaded.text
    resume_id = uploaded.json()["data"]["resume"]["id"]
    run_jobs()
    assert db_rows(stack_db, "select status, attempts from private.jobs where dedupe_key = %s", [f"resume.process:{resume_id}"]) == [("dead", 1)]
    resume = api("GET", f"/resumes/{resume_id}", token=candidate["token"]).json()["data"]["resume"]
    assert resume["parsing_status"] == "failed" and resume["parsing_error"] == "The DOCX is damaged and its text cannot be read."


def test_the_limited_routes_document_their_429():
    """F8, F16: the upload, re-parse and rescore routes declare RATE_LIMITED in the API document."""
    from local.openapi import build

    paths = build()["paths"]
    for path in ("/resumes/upload", "/resumes/upload-url", "/resumes/{resume_id}/reparse", "/assessments/{interview_id}/rescore"):
        assert "RATE_LIMITED" in paths[path]["post"]["responses"]["429"]["description"], path


def test_uploads_are_limited_per_candidate_per_hour_on_both_upload_routes(api, candidate, make_user):
    """F8: RESUME_UPLOADS_PER_HOUR (20) counts direct uploads and upload URLs together; past it both
    routes answer 429 with Retry-After, and another candidate is not affected."""
    for _ in range(19):
        granted = api("POST", "/resumes/upload-url", token=candidate["token"], json={"file_name": "cv.pdf", "content_type": PDF, "file_size": 5000})
        assert granted.status_code == 201, granted.text
    assert upload(api, candidate).status_code == 201
    refused = [
        upload(api, candidate),
        api("POST", "/resumes/upload-url", token=candidate["token"], json={"file_name": "cv.pdf", "content_type": PDF, "file_size": 5000}),
    ]
    for response in refused:
        assert response.status_code == 429, response.text
        assert response.json()["error"]["code"] == "RATE_LIMITED" and 1 <= int(response.headers["Retry-After"]) <= 3600
    assert upload(api, make_user("candidate")).status_code == 201


def test_html_uploaded_straight_to_storage_as_a_pdf_is_discarded_with_its_row(
    api, candidate, stack_env, supabase_url, in_stack, stack_db, monkeypatch
):
    """F14: Storage accepts any bytes the candidate sends to their folder and the trigger files a
    resume; resume.process checks the bytes first and removes the object and the row (the earlier
    resume is active again), logging neither the file name nor the owner."""
    from shared.services import resumes as resume_service

    earlier = upload(api, candidate, "earlier.pdf").json()["data"]["resume"]
    name = "Senior Engineer CV (final).pdf"
    path = f"{candidate['id']}/{uuid.uuid4().hex}/{name}"
    stored = httpx.post(
        f"{supabase_url}/storage/v1/object/resumes/{quote(path)}",
        headers={"apikey": stack_env["SUPABASE_ANON_KEY"], "Authorization": f"Bearer {candidate['token']}", "content-type": PDF},
        content=HTML,
    )
    assert stored.status_code == 200, stored.text
    [(sneaked_id,)] = db_rows(stack_db, "select id from public.resumes where storage_path = %s", [path])
    assert [(str(i), active) for i, active in resume_rows(stack_db, candidate)] == [(earlier["id"], False), (str(sneaked_id), True)]

    logged = []
    monkeypatch.setattr(resume_service.logger, "warning", lambda message, **kwargs: logged.append((message, kwargs)))
    run_jobs()
    assert [(str(i), active) for i, active in resume_rows(stack_db, candidate)] == [(earlier["id"], True)]
    assert [row[0] for row in stored_objects(stack_db, candidate)] == [earlier_path(stack_db, earlier["id"])]
    [(status, result)] = db_rows(stack_db, "select status, result from private.jobs where dedupe_key = %s", [f"resume.process:{sneaked_id}"])
    assert status == "succeeded" and "not a valid PDF" in result["discarded"]
    assert api("GET", f"/resumes/{sneaked_id}", token=candidate["token"]).status_code == 404
    assert logged and all(name not in str(entry) and candidate["id"] not in str(entry) and candidate["email"] not in str(entry) for entry in logged)


def earlier_path(stack_db, resume_id):
    return db_rows(stack_db, "select storage_path from public.resumes where id = %s", [resume_id])[0][0]


def test_html_put_through_an_upload_url_is_discarded_and_a_real_pdf_is_parsed(api, candidate, in_stack, stack_db):
    """F14: the upload-URL flow checks only the declared name, type and size; the bytes are checked
    by resume.process, so HTML stored as `large.pdf` leaves nothing behind while a PDF parses."""
    paths = {}
    for name, data in (("large.pdf", HTML), ("real.pdf", make_pdf())):
        grant = api("POST", "/resumes/upload-url", token=candidate["token"], json={"file_name": name, "content_type": PDF, "file_size": len(data)})
        assert grant.status_code == 201, grant.text
        put = httpx.put(grant.json()["data"]["upload_url"], content=data, headers={"content-type": PDF})
        assert put.status_code == 200, put.text
        paths[name] = grant.json()["data"]["path"]
    run_jobs()
    listed = api("GET", "/resumes/", token=candidate["token"]).json()["data"]["resumes"]
    assert [(r["file_name"], r["parsing_status"], r["is_active"]) for r in listed] == [("real.pdf", "completed", True)]
    assert [row[0] for row in stored_objects(stack_db, candidate)] == [paths["real.pdf"]]


def test_resume_download_links_ask_storage_for_an_attachment(api, candidate):
    """F14: the signed download link carries Storage's `download` flag (Content-Disposition:
    attachment on Supabase), so stored bytes are saved by the browser, never rendered."""
    resume = upload(api, candidate).json()["data"]["resume"]
    link = api("GET", f"/resumes/{resume['id']}/download", token=candidate["token"]).json()["data"]["url"]
    assert "download=" in httpx.URL(link).query.decode()
    assert httpx.get(link).content == make_pdf()


def test_a_burst_of_reparse_requests_queues_one_job_and_each_recruiter_is_limited_per_hour(api, candidate, recruiter, in_stack, stack_db):
    """F16: ten simultaneous re-parse requests share one live resume.process job (the one already
    queued, or a single new one), and past RESUME_REPARSES_PER_HOUR (20) a recruiter gets 429."""
    resume_id = upload(api, candidate).json()["data"]["resume"]["id"]
    run_jobs()

    def reparse(_):
        return api("POST", f"/resumes/{resume_id}/reparse", token=recruiter["token"])

    with ThreadPoolExecutor(10) as pool:
        replies = list(pool.map(reparse, range(10)))
    assert [r.status_code for r in replies] == [202] * 10, [r.text for r in replies]
    job_ids = {r.json()["data"]["job_id"] for r in replies}
    assert len(job_ids) == 1 and sorted(r.json()["data"]["already_queued"] for r in replies) == [False] + [True] * 9
    live = db_rows(
        stack_db,
        "select id from private.jobs where kind = 'resume.process' and payload ->> 'resume_id' = %s and status in ('queued', 'running')",
        [resume_id],
    )
    assert [row[0] for row in live] == list(job_ids)

    for _ in range(10):
        assert reparse(None).status_code == 202
    limited = reparse(None)
    assert limited.status_code == 429 and limited.json()["error"]["code"] == "RATE_LIMITED" and int(limited.headers["Retry-After"]) >= 1
    run_jobs()
    assert api("GET", f"/resumes/{resume_id}", token=candidate["token"]).json()["data"]["resume"]["parsing_status"] == "completed"


def test_a_burst_of_rescore_requests_queues_one_job_and_each_recruiter_is_limited_per_hour(api, candidate, recruiter, stack_db):
    """F16: ten simultaneous rescore requests queue one interview.score job, and past
    ASSESSMENT_RESCORES_PER_HOUR (20) a recruiter gets 429."""
    interview_id = api("POST", "/start-interview/", token=candidate["token"], json={"role_type": "python"}).json()["data"]["interview"]["id"]
    assert api("POST", f"/interview/{interview_id}/complete", token=candidate["token"]).status_code == 200
    with postgres.connect(stack_db) as conn:  # as if the completion's scoring job had run
        conn.execute("update private.jobs set status = 'succeeded', finished_at = now() where dedupe_key = %s", [f"interview.score:{interview_id}"])

    def rescore(_):
        return api("POST", f"/assessments/{interview_id}/rescore", token=recruiter["token"])

    with ThreadPoolExecutor(10) as pool:
        replies = list(pool.map(rescore, range(10)))
    assert [r.status_code for r in replies] == [202] * 10, [r.text for r in replies]
    assert len({r.json()["data"]["job_id"] for r in replies}) == 1
    live = db_rows(
        stack_db,
        "select count(*) from private.jobs where kind = 'interview.score' and payload ->> 'interview_id' = %s and status in ('queued', 'running')",
        [interview_id],
    )
    assert live == [(1,)]
    for _ in range(10):
        assert rescore(None).status_code == 202
    limited = rescore(None)
    assert limited.status_code == 429 and limited.json()["error"]["code"] == "RATE_LIMITED"


def test_concurrent_activations_of_two_resumes_never_fail_and_leave_one_active(api, candidate, stack_db):
    """F11: activations of two resumes racing each other are serialised (no unique violation, no
    deadlock, no 500), and exactly one resume is active afterwards."""
    first = upload(api, candidate, "first.pdf").json()["data"]["resume"]["id"]
    second = upload(api, candidate, "second.pdf").json()["data"]["resume"]["id"]
    targets = [first, second] * 8

    with ThreadPoolExecutor(16) as pool:
        replies = list(pool.map(lambda resume_id: api("POST", f"/resumes/{resume_id}/activate", token=candidate["token"]), targets))
    assert [r.status_code for r in replies] == [200] * len(targets), [r.text for r in replies if r.status_code != 200]
    assert sorted(active for _, active in resume_rows(stack_db, candidate)) == [False, True]
