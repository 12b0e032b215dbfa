"""The resumes function's own checks, before anything reaches Storage: a body over 10 MB and
malformed multipart bodies are refused with a clear 4xx."""

from __future__ import annotations

import pytest

from functions import resumes as resumes_function
from tests.documents import make_pdf
from tests.rls import create_user
from tests.support import access_token, invoke

BOUNDARY = "----teamified-test-boundary"


def multipart(name: str, data: bytes, content_type: str = "application/pdf", field: str = "file") -> bytes:
    head = (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\nContent-Type: {content_type}\r\n\r\n').encode()
    return head + data + f"\r\n--{BOUNDARY}--\r\n".encode()


@pytest.fixture
def token(app_env, admin_conn):
    return access_token(create_user(admin_conn, "candidate"))


def upload(token, body, content_type=f"multipart/form-data; boundary={BOUNDARY}"):
    return invoke(resumes_function.handler, "POST", "/upload", body=body, headers={"content-type": content_type}, token=token)


def test_over_ten_megabytes_is_413(token, admin_conn):
    reply = upload(token, multipart("cv.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024)))
    assert reply.status == 413 and reply.error["code"] == "PAYLOAD_TOO_LARGE"
    assert admin_conn.execute("select count(*) as n from public.resumes").fetchone()["n"] == 0


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("..\\cv.pdf", make_pdf(), "VALIDATION_ERROR"),
        ("cv.exe", b"MZ\x90\x00", "VALIDATION_ERROR"),
        ("cv.pdf", b"", "VALIDATION_ERROR"),
    ],
)
def test_bad_files_are_422_before_storage(token, name, data, code):
    reply = upload(token, multipart(name, data))
    assert reply.status == 422 and reply.error["code"] == code


def test_a_body_that_is_not_multipart_is_415_and_a_broken_one_400(token):
    assert upload(token, b"{}", "application/json").status == 415
    assert upload(token, b"no parts here", f"multipart/form-data; boundary={BOUNDARY}").status == 400
    assert upload(token, multipart("cv.pdf", make_pdf(), field="document")).status == 400
