"""Bad input reaching real records over HTTP is an enveloped 4xx, never a 500: NUL characters in
text fields, JSON the parser refuses, storage paths with encoded dot segments."""

from __future__ import annotations

import uuid

import pytest

from local import postgres
from shared.queue import drain
from tests.documents import make_pdf


@pytest.fixture(scope="module")
def candidate(make_user):
    return make_user("candidate", "Nora Nul")


@pytest.fixture(scope="module")
def interview_id(api, candidate):
    started = api("POST", "/start-interview/", token=candidate["token"], json={"role_type": "python"})
    assert started.status_code == 201, started.text
    return started.json()["data"]["interview"]["id"]


def turn(api, candidate, interview_id, body):
    return api("POST", f"/process-turn/{interview_id}", token=candidate["token"], **body)


def assert_refused(response, status, code):
    assert response.status_code == status, response.text
    assert response.json()["success"] is False and response.json()["error"]["code"] == code


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"json": {"text": "a\u0000b"}}, 422, "VALIDATION_ERROR"),
        ({"json": {"text": "An answer about lists.", "client_turn_id": "turn\u00001"}}, 422, "VALIDATION_ERROR"),
        ({"content": b'{"text": ' + b"[" * 5000 + b"]" * 5000 + b"}"}, 400, "BAD_REQUEST"),
        ({"content": b'{"text": "An answer.", "question_id": ' + b"7" * 5000 + b"}"}, 400, "BAD_REQUEST"),
    ],
    ids=["nul-in-text", "nul-in-client-turn-id", "nested-5000", "int-5000-digits"],
)
def test_bad_answers_to_a_live_interview_are_4xx_and_store_nothing(api, candidate, interview_id, stack_db, body, status, code):
    """F11: NUL in answer fields, JSON nested 5,000 deep and a 5,000-digit integer are 4xx, not 500."""
    if "content" in body:
        body = {**body, "headers": {"content-type": "application/json"}}
    assert_refused(turn(api, candidate, interview_id, body), status, code)
    with postgres.connect(stack_db) as conn:
        assert conn.execute("select count(*) from public.interview_messages where interview_id = %s", [interview_id]).fetchone() == (1,)


def test_an_audio_path_with_encoded_dot_segments_is_audio_invalid(api, candidate, interview_id):
    """F11: `%2e%2e` in audio_path (storage3 would decode it to `..` and raise) is 422 AUDIO_INVALID."""
    for path in (f"{candidate['id']}/%2e%2e/{uuid.uuid4()}/x.wav", f"{candidate['id']}/%2E%2E/x.wav", f"{candidate['id']}/./x.wav"):
        assert_refused(turn(api, candidate, interview_id, {"json": {"audio_path": path}}), 422, "AUDIO_INVALID")


def test_nul_in_feedback_edits_is_a_422(api, make_user, in_stack, stack_db):
    """F11: NUL in feedback_content or identified_gaps of a pending feedback is 422 (jsonb and text refuse NUL)."""
    owner = make_user("candidate", "Fern Feedback")
    recruiter = make_user("recruiter", "Rory Recruiter")
    resume = api("POST", "/resumes/upload", token=owner["token"], files={"file": ("cv.pdf", make_pdf(), "application/pdf")})
    assert resume.status_code == 201, resume.text
    import shared.jobs  # noqa: F401 - registers the handlers in this process

    drain()
    with postgres.connect(stack_db) as conn:
        [feedback_id] = conn.execute("select id from public.resume_feedback where resume_id = %s", [resume.json()["data"]["resume"]["id"]]).fetchone()
    for change in ({"feedback_content": "A thorough review of your resume.\u0000"}, {"identified_gaps": ["TypeScript", "Jest\u0000"]}):
        assert_refused(api("PATCH", f"/feedback/{feedback_id}", token=recruiter["token"], json=change), 422, "VALIDATION_ERROR")
    assert api("GET", f"/feedback/{feedback_id}", token=recruiter["token"]).json()["data"]["feedback"]["status"] == "pending_approval"


def test_nul_in_names_passwords_and_upload_fields_is_a_422(api, candidate):
    """F11: NUL in a registration name or password, a login password, or an upload URL's file name
    or type is 422 before anything reaches Auth, Storage or Postgres."""
    cases = [
        ("/auth/register", {"email": f"nul-{uuid.uuid4().hex[:8]}@example.com", "password": "Str0ng!Pass", "full_name": "Nul\u0000 Name"}),
        ("/auth/register", {"email": f"nul-{uuid.uuid4().hex[:8]}@example.com", "password": "Str0ng!Pass\u0000", "full_name": "Nul Name"}),
        ("/auth/login", {"email": candidate["email"], "password": "Str0ng!Pass\u0000"}),
    ]
    for path, body in cases:
        assert_refused(api("POST", path, json=body), 422, "VALIDATION_ERROR")
    for body in (
        {"file_name": "cv\u0000.pdf", "content_type": "application/pdf", "file_size": 10},
        {"file_name": "cv.pdf", "content_type": "application/pdf\u0000", "file_size": 10},
    ):
        assert_refused(api("POST", "/resumes/upload-url", token=candidate["token"], json=body), 422, "VALIDATION_ERROR")
