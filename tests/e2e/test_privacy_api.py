"""The candidate's privacy rights over HTTP (issue 19, done-when): the export holds the candidate's
data and nobody else's; erasure (after the password again) leaves no row of the candidate in any
table and no file in any bucket, both listed from the catalog so that a table or bucket added later
is covered, and the candidate can no longer sign in."""

from __future__ import annotations

import json

import httpx
import pytest

from local import postgres
from shared.settings import get_settings
from supabase import ClientOptions, create_client
from tests.documents import make_pdf
from tests.e2e.conftest import PASSWORD
from tests.erasure import files_of, own_ids, rows_naming

TEAMIFIED = "00000000-0000-0000-0000-00000000a001"
PDF = "application/pdf"
WEBM = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm\x42\x87\x81\x04" + bytes(2000)
ANSWER = "A list is mutable and a tuple is immutable, so tuples are hashable and can be dictionary keys."


def run_jobs():
    import shared.jobs  # noqa: F401 - registers the job handlers in this process
    from shared.queue import drain

    drain()


def posting(stack_db) -> str:
    with postgres.connect(stack_db) as conn:
        return str(
            conn.execute(
                "insert into public.job_postings (organization_id, title, company, role_category, employment_type, work_setup, tech_stack, status)"
                " values (%s, 'Privacy Engineer', 'Acme', 'engineering', 'permanent', 'remote', '{python}', 'active') returning id",
                [TEAMIFIED],
            ).fetchone()[0]
        )


def furnish(api, user, recruiter, posting_id, file_name):
    """A candidate with a parsed resume and sent feedback, an application whose interview was taken,
    completed and scored, a recruiter's note, a recording, and an audio file of their own."""
    resume = api("POST", "/resumes/upload", token=user["token"], files={"file": (file_name, make_pdf(), PDF)}).json()["data"]["resume"]
    run_jobs()
    pending = api("GET", "/feedback/pending", token=recruiter["token"]).json()["data"]["items"]
    feedback = next(item["id"] for item in pending if item["resume_id"] == resume["id"])
    assert api("POST", f"/feedback/{feedback}/approve", token=recruiter["token"]).status_code == 200
    applied = api("POST", "/applications/", token=user["token"], json={"job_posting_id": posting_id}).json()["data"]
    started = api("POST", "/start-interview/", token=user["token"], json={"application_id": applied["application"]["id"]})
    interview = started.json()["data"]["interview"]["id"]
    assert api("POST", f"/process-turn/{interview}", token=user["token"], json={"text": ANSWER}).status_code == 200
    assert api("POST", f"/interview/{interview}/complete", token=user["token"]).status_code == 200
    run_jobs()  # send the feedback email, score the interview
    note = api("POST", f"/recruiter/candidates/{user['id']}/notes", token=recruiter["token"], json={"body": "Strong candidate, call back"})
    assert note.status_code == 201, note.text
    grant = api(
        "POST", f"/interview/{interview}/recording", token=user["token"], json={"consent": True, "content_type": "video/webm", "file_size": len(WEBM)}
    )
    assert httpx.put(grant.json()["data"]["upload_url"], content=WEBM, headers={"content-type": "video/webm"}).status_code == 200
    run_jobs()
    settings = get_settings()
    options = ClientOptions(auto_refresh_token=False, persist_session=False)
    client = create_client(settings.supabase_url, settings.supabase_anon_key.get_secret_value(), options=options)
    client.auth.sign_in_with_password({"email": user["email"], "password": PASSWORD})
    client.storage.from_("audio").upload(f"{user['id']}/answers/1.wav", b"RIFF....WAVEfmt ", {"content-type": "audio/wav"})
    return {"resume": resume, "interview": interview, "application": applied["application"]["id"]}


@pytest.fixture
def people(api, make_user, stack_db, in_stack):
    recruiter = make_user("recruiter", "Rita Recruiter")
    posting_id = posting(stack_db)
    alice, bob = make_user("candidate", "Alice Private"), make_user("candidate", "Bob Bystander")
    return {
        "recruiter": recruiter,
        "alice": alice,
        "bob": bob,
        "alice_rows": furnish(api, alice, recruiter, posting_id, "alice-cv.pdf"),
        "bob_rows": furnish(api, bob, recruiter, posting_id, "bob-cv.pdf"),
    }


def test_the_export_holds_the_candidates_data_and_nobody_elses(api, people):
    alice, bob = people["alice"], people["bob"]
    reply = api("GET", "/privacy/export", token=alice["token"])
    assert reply.status_code == 200, reply.text
    data = reply.json()["data"]
    assert data["profile"]["email"] == alice["email"] and data["profile"]["full_name"] == "Alice Private"
    [resume] = data["resumes"]
    assert resume["file_name"] == "alice-cv.pdf" and resume["parsed_data"]["skills"]
    assert httpx.get(resume["download_url"], timeout=10).content.startswith(b"%PDF")
    assert [item["resume_id"] for item in data["feedback"]] == [resume["id"]]
    [application] = data["applications"]
    assert application["job_title"] == "Privacy Engineer" and [e["to_status"] for e in application["history"]][0] == "interview_scheduled"
    assert all("note" not in event for event in application["history"])
    [interview] = data["interviews"]
    assert interview["status"] == "completed" and ANSWER in [entry["text"] for entry in interview["transcript"]]
    assert interview["assessment"]["overall_score"] is not None and "integrity_flags" not in interview["assessment"]
    [recording] = data["recordings"]
    assert httpx.get(recording["download_url"], timeout=10).content == WEBM

    text = json.dumps(data)
    for foreign in (bob["id"], bob["email"], "Bob Bystander", "bob-cv.pdf", people["bob_rows"]["interview"], people["bob_rows"]["application"]):
        assert foreign not in text
    assert "Strong candidate" not in text  # recruiters' notes are the organization's, not the candidate's export
    assert api("GET", "/privacy/export", token=people["recruiter"]["token"]).status_code == 403


def test_erasure_needs_the_password_and_leaves_nothing_of_the_candidate(api, people, stack_db):
    alice, bob = people["alice"], people["bob"]
    wrong = api("DELETE", "/privacy/account", token=alice["token"], json={"password": "not-my-password"})
    assert wrong.status_code == 403 and wrong.json()["error"]["code"] == "REAUTHENTICATION_FAILED"
    assert api("DELETE", "/privacy/account", token=alice["token"], json={}).status_code == 422

    with postgres.connect(stack_db) as conn:
        ids = own_ids(conn, alice["id"], alice["email"])
        before = rows_naming(conn, [*ids, alice["email"]])
        bob_before = rows_naming(conn, [bob["id"], bob["email"]])
        files_before = files_of(conn, alice["id"])
    assert {"public.candidates", "public.candidate_notes", "public.organization_candidates", "auth.users", "private.jobs"} <= set(before)
    assert set(files_before) == {"resumes", "audio", "interview-recordings"}

    erased = api("DELETE", "/privacy/account", token=alice["token"], json={"password": PASSWORD})
    assert erased.status_code == 200, erased.text
    assert erased.json()["data"]["files_removed"] >= sum(len(names) for names in files_before.values())

    with postgres.connect(stack_db) as conn:
        assert rows_naming(conn, [*ids, alice["email"]]) == {}
        assert files_of(conn, alice["id"]) == {}
        assert rows_naming(conn, [bob["id"], bob["email"]]) == bob_before
        counts = conn.execute("select sum(applications), sum(completed_interviews), sum(assessments) from public.erased_candidate_counts").fetchone()
        assert all(value >= 1 for value in counts)
        logged = conn.execute(
            "select completed_at is not null from private.account_erasures where subject_hash = private.erasure_subject_hash(%s)", [alice["id"]]
        )
        assert logged.fetchone() == (True,)

    login = api("POST", "/auth/login", json={"email": alice["email"], "password": PASSWORD})
    assert login.status_code == 401 and login.json()["error"]["code"] == "INVALID_CREDENTIALS"
    assert api("POST", "/resumes/upload", token=alice["token"], files={"file": ("late.pdf", make_pdf(), PDF)}).status_code == 401
    assert api("GET", "/privacy/export", token=bob["token"]).status_code == 200
