"""Links in feedback over HTTP: a recruiter's edit with a script link is refused before anything
is stored."""

from __future__ import annotations

import json
import uuid

import pytest

from local import postgres


@pytest.fixture
def pending_feedback(make_user, stack_db):
    """Pending feedback on a resume of a new candidate, arranged directly in the stack's database."""
    candidate = make_user("candidate", "Jordan Example")
    path = f"{candidate['id']}/{uuid.uuid4().hex}/cv.pdf"
    with postgres.connect(stack_db) as conn:
        conn.execute("insert into storage.objects (bucket_id, name, owner) values ('resumes', %s, %s)", [path, candidate["id"]])
        (feedback_id,) = conn.execute(
            "insert into public.resume_feedback (resume_id, candidate_id, feedback_content, recommended_resources, auto_send_at)"
            " select id, candidate_id, 'The original feedback text.', %s, now() + interval '4 hours' from public.resumes"
            " where storage_path = %s returning id",
            [json.dumps([{"title": "Jest", "url": "https://jestjs.io/", "reason": "Testing"}]), path],
        ).fetchone()
    return str(feedback_id)


def resources(stack_db, feedback_id):
    with postgres.connect(stack_db) as conn:
        return conn.execute("select recommended_resources from public.resume_feedback where id = %s", [feedback_id]).fetchone()[0]


@pytest.mark.parametrize("url", ["javascript:alert(document.cookie)", "data:text/html,<script>alert(1)</script>", "//evil.example/x"])
def test_a_script_link_in_feedback_resources_is_a_422(api, make_user, pending_feedback, stack_db, url):
    """F15: PATCH /feedback/{id} with a non-http(s) resource URL is refused and stores nothing."""
    recruiter = make_user("recruiter", "Rita Recruiter")
    before = resources(stack_db, pending_feedback)
    response = api(
        "PATCH",
        f"/feedback/{pending_feedback}",
        token=recruiter["token"],
        json={"recommended_resources": [{"title": "Click", "url": url, "reason": "x"}]},
    )
    assert response.status_code == 422, response.text
    assert response.json()["success"] is False
    assert resources(stack_db, pending_feedback) == before


def test_an_https_link_in_feedback_resources_is_saved(api, make_user, pending_feedback, stack_db):
    """F15: the positive case."""
    recruiter = make_user("recruiter", "Rita Recruiter")
    link = {"title": "pytest", "url": "https://docs.pytest.org/en/stable/", "reason": "Testing"}
    response = api("PATCH", f"/feedback/{pending_feedback}", token=recruiter["token"], json={"recommended_resources": [link]})
    assert response.status_code == 200, response.text
    assert resources(stack_db, pending_feedback) == [link]
