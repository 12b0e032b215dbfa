"""Malformed requests to every route get a clear 4xx in the envelope, never a 500."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

ID = str(uuid.uuid4())
ROUTES = [
    ("POST", "/auth/register"),
    ("POST", "/auth/login"),
    ("POST", "/auth/refresh"),
    ("POST", "/auth/logout"),
    ("GET", "/auth/me"),
    ("POST", "/auth/recruiters"),
    ("PATCH", f"/auth/recruiters/{ID}"),
    ("GET", "/health/"),
    ("POST", "/resumes/upload"),
    ("POST", "/resumes/upload-url"),
    ("GET", "/resumes/"),
    ("GET", f"/resumes/{ID}"),
    ("GET", f"/resumes/{ID}/download"),
    ("DELETE", f"/resumes/{ID}"),
    ("POST", f"/resumes/{ID}/activate"),
    ("POST", f"/resumes/{ID}/reparse"),
    ("GET", "/feedback/pending"),
    ("GET", f"/feedback/{ID}"),
    ("PATCH", f"/feedback/{ID}"),
    ("POST", f"/feedback/{ID}/approve"),
    ("POST", "/start-interview/"),
    ("POST", f"/process-turn/{ID}"),
    ("GET", f"/interview/{ID}/status"),
    ("GET", f"/interview/{ID}/messages"),
    ("GET", f"/interview/{ID}/messages/latest"),
    ("GET", f"/interview/{ID}/transcript"),
    ("POST", f"/interview/{ID}/complete"),
    ("GET", f"/assessments/{ID}"),
    ("POST", f"/assessments/{ID}/rescore"),
]
BODIES = [None, b"{not json", b"[]", b'{"text": 5, "role_type": ["x"], "file_size": -1, "feedback_content": null}', b"\xff\xfe\x00"]


@pytest.fixture(scope="module")
def tokens(make_user):
    return {"candidate": make_user("candidate")["token"], "recruiter": make_user("recruiter")["token"], "none": None}


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_no_malformed_request_is_a_500(api, tokens, method, path):
    cases = [(who, body, path) for who in ("candidate", "recruiter") for body in BODIES]
    cases += [("candidate", None, path.replace(ID, "not-a-uuid")), ("candidate", None, path + "?limit=abc&before=-3"), ("none", BODIES[1], path)]

    def send(case):
        who, body, target = case
        headers = {"content-type": "application/json"} if body is not None else {}
        return case, api(method, target, token=tokens[who], content=body, headers=headers)

    with ThreadPoolExecutor(6) as pool:
        for case, reply in pool.map(send, cases):
            assert reply.status_code < 500, (case, reply.text)
            assert reply.json()["success"] is (reply.status_code < 400), (case, reply.text)
