"""Resume names storage-api cannot hold in a key (issue 22): `résumé [final].pdf` uploads through
both upload paths, is stored under a key storage-api accepts (`^[A-Za-z0-9_/!.*'() &$=@;:+,?-]*$`,
src/storage/limits.ts; anything else is 400 InvalidKey on Supabase), and the API shows the name
as the candidate gave it, also once resume.process has checked and parsed the file."""

from __future__ import annotations

import re

import httpx
import pytest

from local import postgres
from shared.queue import drain
from tests.documents import make_pdf

PDF = "application/pdf"
NAME = "résumé [final].pdf"
STORAGE_API_KEY = re.compile(r"^[A-Za-z0-9_/!.*'() &$=@;:+,?-]*$")


@pytest.fixture
def candidate(make_user):
    return make_user("candidate", "Renée Résumé")


def stored_key(stack_db, resume_id):
    with postgres.connect(stack_db) as conn:
        row = conn.execute(
            "select r.storage_path, o.name from public.resumes r left join storage.objects o on o.bucket_id = 'resumes' and o.name = r.storage_path"
            " where r.id = %s",
            [resume_id],
        ).fetchone()
    assert row is not None and row[1] == row[0], "the resume row names a stored object"
    return row[0]


def shown_names(api, candidate, resume_id):
    listed = api("GET", "/resumes/", token=candidate["token"]).json()["data"]["resumes"]
    got = api("GET", f"/resumes/{resume_id}", token=candidate["token"]).json()["data"]["resume"]
    return [r["file_name"] for r in listed if r["id"] == resume_id] + [got["file_name"]]


def test_a_direct_upload_keeps_the_name_and_stores_a_valid_key(api, candidate, stack_db, in_stack):
    uploaded = api("POST", "/resumes/upload", token=candidate["token"], files={"file": (NAME, make_pdf(), PDF)})
    assert uploaded.status_code == 201, uploaded.text
    resume = uploaded.json()["data"]["resume"]
    assert resume["file_name"] == NAME

    key = stored_key(stack_db, resume["id"])
    assert STORAGE_API_KEY.match(key), key
    assert key.startswith(candidate["id"] + "/") and key.endswith("/resume_final.pdf")
    assert shown_names(api, candidate, resume["id"]) == [NAME, NAME]

    import shared.jobs  # noqa: F401 - registers the handlers in this process

    drain()  # resume.process checks the stored bytes against the name, then parses
    parsed = api("GET", f"/resumes/{resume['id']}", token=candidate["token"]).json()["data"]["resume"]
    assert (parsed["file_name"], parsed["parsing_status"]) == (NAME, "completed")


def test_an_upload_url_keeps_the_name_and_stores_a_valid_key(api, candidate, stack_db):
    granted = api("POST", "/resumes/upload-url", token=candidate["token"], json={"file_name": NAME, "content_type": PDF, "file_size": 5000})
    assert granted.status_code == 201, granted.text
    grant = granted.json()["data"]
    assert STORAGE_API_KEY.match(grant["path"]), grant["path"]

    put = httpx.put(grant["upload_url"], content=make_pdf(), headers={"content-type": PDF})
    assert put.status_code == 200, put.text
    [resume] = api("GET", "/resumes/", token=candidate["token"]).json()["data"]["resumes"]
    assert stored_key(stack_db, resume["id"]) == grant["path"]
    assert shown_names(api, candidate, resume["id"]) == [NAME, NAME]


def test_two_uploads_of_the_same_name_are_two_resumes(api, candidate, stack_db):
    first, second = (api("POST", "/resumes/upload", token=candidate["token"], files={"file": (NAME, make_pdf(), PDF)}) for _ in range(2))
    assert first.status_code == second.status_code == 201
    ids = [first.json()["data"]["resume"]["id"], second.json()["data"]["resume"]["id"]]
    assert ids[0] != ids[1] and stored_key(stack_db, ids[0]) != stored_key(stack_db, ids[1])


@pytest.mark.parametrize(
    "name",
    [
        "../cv.pdf",  # a path
        "folder\\cv.pdf",  # a Windows path
        "cv\u0007.pdf",  # a control character
        "x" * 197 + ".pdf",  # longer than 200 characters
    ],
)
def test_dangerous_names_are_refused_on_both_paths(api, candidate, name):
    # Written by hand: httpx would percent-escape the control character in the form's file name.
    quoted = name.replace("\\", "\\\\")
    body = f'--b0undary\r\nContent-Disposition: form-data; name="file"; filename="{quoted}"\r\nContent-Type: {PDF}\r\n\r\n'.encode()
    body += make_pdf() + b"\r\n--b0undary--\r\n"
    headers = {"content-type": "multipart/form-data; boundary=b0undary"}
    direct = api("POST", "/resumes/upload", token=candidate["token"], content=body, headers=headers)
    by_url = api("POST", "/resumes/upload-url", token=candidate["token"], json={"file_name": name, "content_type": PDF, "file_size": 5000})
    for refused in (direct, by_url):
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["code"] == "VALIDATION_ERROR"
