"""The committed contract holds over HTTP: one valid request per route of every function, each
response's status documented for its route and its body valid against that route's response
schema in docs/openapi.json. The walk ends by checking it reached every documented operation."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import jsonschema
import pytest

from examples.webhook_receiver import Receiver
from local.paths import OPENAPI_JSON
from tests.documents import make_pdf
from tests.support_realtime import RealtimeScript

PDF = "application/pdf"
WEBM = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm\x42\x87\x81\x04" + bytes(1000)
DOCUMENT = json.loads(OPENAPI_JSON.read_text())


def _template(path: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(path)) + "$")


OPERATIONS = [(method.upper(), path, _template(path)) for path, item in DOCUMENT["paths"].items() for method in item]


class Contract:
    """Checks responses against the document and remembers which operations were exercised."""

    def __init__(self, api: Any) -> None:
        self.api = api
        self.covered: set[tuple[str, str]] = set()

    def call(self, method: str, path: str, expected: int, **kwargs: Any) -> Any:
        response: httpx.Response = self.api(method, path, **kwargs)
        assert response.status_code == expected, f"{method} {path}: {response.status_code} {response.text[:300]}"
        bare = path.split("?", 1)[0]
        matches = [template for verb, template, pattern in OPERATIONS if verb == method and pattern.match(bare)]
        assert matches, f"{method} {bare} is not in docs/openapi.json"
        template = min(matches, key=lambda t: t.count("{"))  # /messages/latest before /messages/{id}
        self.covered.add((method, template))
        documented = DOCUMENT["paths"][template][method.lower()]["responses"]
        assert str(response.status_code) in documented, f"{method} {template} answered {response.status_code}, not documented"
        content = documented[str(response.status_code)].get("content", {}).get("application/json")
        if response.status_code == 204:
            assert response.content == b""
            return None
        if "text/csv" in documented[str(response.status_code)].get("content", {}):
            assert response.headers["content-type"].startswith("text/csv"), f"{method} {template} is not CSV"
            return response.text
        body = response.json()
        assert content is not None, f"{method} {template} {response.status_code} has no JSON schema"
        schema = {**content["schema"], "components": DOCUMENT["components"]}
        jsonschema.validate(body, schema, cls=jsonschema.Draft202012Validator)
        return body["data"] if body.get("success") else body["error"]


@pytest.fixture
def contract(api):
    return Contract(api)


def test_every_route_answers_a_valid_request_with_a_body_its_schema_accepts(contract, make_user, in_stack):
    import shared.jobs  # noqa: F401 - registers the job handlers for drain() in this process
    from shared.queue import drain

    c = contract
    assert c.call("GET", "/health/", 200)["status"] == "ok"

    # auth
    email = "contract-candidate@example.com"
    registered = c.call("POST", "/auth/register", 201, json={"email": email, "password": "Str0ng!Pass", "full_name": "Casey Contract"})
    c.call("POST", "/auth/login", 200, json={"email": email, "password": "Str0ng!Pass"})
    refreshed = c.call("POST", "/auth/refresh", 200, json={"refresh_token": registered["session"]["refresh_token"]})
    token = refreshed["session"]["access_token"]
    assert c.call("GET", "/auth/me", 200, token=token)["user"]["email"] == email
    admin = make_user("admin", "Ada Admin")
    recruiter = make_user("recruiter", "Rita Recruiter")
    created = c.call(
        "POST",
        "/auth/recruiters",
        201,
        token=admin["token"],
        json={"email": "contract-viewer@example.com", "full_name": "Vic Viewer", "role": "viewer"},
    )
    c.call("PATCH", f"/auth/recruiters/{created['user']['id']}", 200, token=admin["token"], json={"role": "recruiter"})

    # resumes and feedback
    resume = c.call("POST", "/resumes/upload", 201, token=token, files={"file": ("cv.pdf", make_pdf(), PDF)})["resume"]
    c.call("POST", "/resumes/upload-url", 201, token=token, json={"file_name": "large.pdf", "content_type": PDF, "file_size": 5000})
    drain()  # parse the resume and draft its feedback
    assert c.call("GET", "/resumes/", 200, token=token)["resumes"]
    detail = c.call("GET", f"/resumes/{resume['id']}", 200, token=token)["resume"]
    assert detail["parsing_status"] == "completed" and detail["parsed_data"]["skills"]
    assert c.call("GET", f"/resumes/{resume['id']}/download", 200, token=token)["url"]
    c.call("POST", f"/resumes/{resume['id']}/activate", 200, token=token)
    pending = c.call("GET", "/feedback/pending", 200, token=recruiter["token"])["items"]
    feedback_id = next(item["id"] for item in pending if item["resume_id"] == resume["id"])
    c.call("GET", f"/feedback/{feedback_id}", 200, token=recruiter["token"])
    c.call(
        "PATCH",
        f"/feedback/{feedback_id}",
        200,
        token=recruiter["token"],
        json={"feedback_content": "A clear resume; quantify the outcomes of each role."},
    )
    assert c.call("POST", f"/feedback/{feedback_id}/approve", 200, token=recruiter["token"])["feedback"]["status"] == "approved"
    c.call("POST", f"/resumes/{resume['id']}/reparse", 202, token=recruiter["token"])

    # interview
    started = c.call("POST", "/start-interview/", 201, token=token, json={"role_type": "python"})
    interview_id = started["interview"]["id"]
    answer = "A list is mutable and a tuple is immutable, so tuples are hashable and can be dictionary keys."
    c.call("POST", f"/process-turn/{interview_id}", 200, token=token, json={"text": answer, "client_turn_id": "turn-1"})
    assert c.call("GET", f"/interview/{interview_id}/status", 200, token=token)["can_resume"] is True
    assert len(c.call("GET", f"/interview/{interview_id}/messages?limit=2", 200, token=token)["items"]) == 2
    assert c.call("GET", f"/interview/{interview_id}/messages/latest", 200, token=token)["message"]["message_type"] == "ai_question"
    assert c.call("GET", f"/interview/{interview_id}/transcript", 200, token=token)["entries"]
    assert c.call("GET", f"/assessments/{interview_id}", 409, token=token)["code"] == "CONFLICT"  # not completed yet: an error body
    c.call("POST", f"/interview/{interview_id}/complete", 200, token=token)
    assert c.call("GET", f"/assessments/{interview_id}", 202, token=token)["status"] == "processing"
    drain()  # score it
    assert "integrity_flags" not in c.call("GET", f"/assessments/{interview_id}", 200, token=token)
    assert "integrity_flags" in c.call("GET", f"/assessments/{interview_id}", 200, token=recruiter["token"])
    c.call("POST", f"/assessments/{interview_id}/rescore", 202, token=recruiter["token"])

    # realtime voice: the walk's stack runs the offline provider, which has no realtime API, so
    # start-interview falls back to voice and says so and a session is refused with the voice
    # fallback (503, documented); a lease arranged in the database lets the relay answer a tool
    # call with the offline engine's next question
    from shared.db import service_transaction
    from shared.repositories import realtime as realtime_rows

    spoken = c.call("POST", "/start-interview/", 201, token=token, json={"role_type": "python", "mode": "realtime"})
    assert spoken["interview"]["mode"] == spoken["fallback"]["mode"] == "voice"
    spoken_id = spoken["interview"]["id"]
    assert c.call("POST", f"/realtime/{spoken_id}/session", 503, token=token)["details"]["fallback_mode"] == "voice"
    with service_transaction() as conn:
        realtime_rows.open_lease(conn, spoken_id, "gpt-realtime", "marin", 120)
    script = RealtimeScript("contract")
    events = [script.interviewer(spoken["question"]["text"]), script.candidate(answer), script.tool_call(), script.response_done()]
    relayed = c.call("POST", f"/realtime/{spoken_id}/events", 200, token=token, json={"events": events})
    assert json.loads(relayed["tool_outputs"][0]["output"])["action"] == "ask" and relayed["realtime_cost_usd"] > 0
    assert c.call("DELETE", f"/realtime/{spoken_id}/session", 200, token=token) == {"ended": True}

    # job postings: public search and read, recruiters create and move them
    assert c.call("GET", "/job-postings/?q=engineer&sort=newest&page=1&page_size=5", 200)["page_size"] == 5
    posting_body = {
        "title": "Contract Python Engineer",
        "company": "Teamified",
        "role_category": "engineering",
        "employment_type": "contract",
        "work_setup": "remote",
        "tech_stack": ["python", "django"],
    }
    posting = c.call("POST", "/job-postings/", 201, token=recruiter["token"], json=posting_body)["job_posting"]
    posting_path = f"/job-postings/{posting['id']}"
    assert c.call("GET", posting_path, 200)["job_posting"]["status"] == "active"
    c.call("PATCH", posting_path, 200, token=recruiter["token"], json={"title": "Senior Contract Python Engineer"})
    assert c.call("POST", f"{posting_path}/pause", 200, token=recruiter["token"])["job_posting"]["status"] == "paused"
    assert c.call("POST", f"{posting_path}/reopen", 200, token=recruiter["token"])["job_posting"]["status"] == "active"
    # applications: the candidate applies (an interview tailored to the posting comes with it),
    # staff of the posting's organization list and move it, the candidate withdraws
    applied = c.call("POST", "/applications/", 201, token=token, json={"job_posting_id": posting["id"], "cover_note": "Keen to join."})
    application_path = f"/applications/{applied['application']['id']}"
    assert applied["interview"]["id"]
    assert c.call("GET", "/applications/me", 200, token=token)
    c.call("GET", application_path, 200, token=token)
    c.call("GET", f"/applications/?job_posting_id={posting['id']}&sort=date", 200, token=recruiter["token"])
    c.call("PATCH", f"{application_path}/status", 200, token=recruiter["token"], json={"status": "interview_completed", "note": "Done offline."})
    c.call("POST", f"{application_path}/withdraw", 200, token=token)
    assert c.call("POST", "/applications/", 409, token=token, json={"job_posting_id": posting["id"]})["code"] == "ALREADY_APPLIED"

    assert c.call("POST", f"{posting_path}/close", 200, token=recruiter["token"])["job_posting"]["status"] == "closed"
    c.call("POST", f"{posting_path}/reopen", 200, token=recruiter["token"])
    cancelled = c.call("POST", f"{posting_path}/cancel", 200, token=recruiter["token"], json={"reason": "Filled internally"})
    assert cancelled["job_posting"]["status"] == "cancelled"
    assert c.call("POST", f"{posting_path}/reopen", 409, token=recruiter["token"])["code"] == "INVALID_STATUS_MOVE"

    # recruiter portal: the dashboard, the pipeline and its CSV export, a candidate's whole file,
    # an interview reviewed answer by answer, notes and review marks
    candidate_id = registered["user"]["id"]
    portal = "/recruiter"
    dashboard = c.call("GET", f"{portal}/dashboard?score_threshold=50&limit=5", 200, token=recruiter["token"])
    assert dashboard["top_candidates"]["score_threshold"] == 50
    page = c.call("GET", f"{portal}/candidates?q=casey&sort=score&order=desc&limit=1", 200, token=recruiter["token"])
    assert [item["candidate"]["id"] for item in page["items"]] == [candidate_id]
    exported = c.call("GET", f"{portal}/candidates/export.csv?q=casey", 200, token=recruiter["token"])
    assert exported.startswith("candidate_id,full_name,email") and candidate_id in exported
    file = c.call("GET", f"{portal}/candidates/{candidate_id}", 200, token=recruiter["token"])
    assert httpx.get(file["resumes"][0]["download_url"], timeout=10).content.startswith(b"%PDF")  # signed as the recruiter, by Storage
    scored = next(item for item in file["interviews"] if item["id"] == interview_id)
    c.call("GET", f"{portal}/interviews/{interview_id}/review", 200, token=recruiter["token"])
    c.call("POST", f"{portal}/candidates/{candidate_id}/notes", 201, token=recruiter["token"], json={"body": "Clear on Python data types."})
    assert c.call("GET", f"{portal}/candidates/{candidate_id}/notes", 200, token=recruiter["token"])["items"]
    c.call("POST", f"{portal}/assessments/{scored['assessments'][0]['id']}/reviewed", 200, token=recruiter["token"])

    # interview recordings: consent and upload, the staff review link, storage usage, withdrawal;
    # the candidate's data export
    recording = {"consent": True, "content_type": "video/webm", "file_size": len(WEBM)}
    grant = c.call("POST", f"/interview/{interview_id}/recording", 201, token=token, json=recording)
    assert httpx.put(grant["upload_url"], content=WEBM, headers={"content-type": "video/webm"}, timeout=10).status_code == 200
    drain()  # the recording's content check
    assert c.call("GET", f"/interview/{interview_id}/recording", 200, token=recruiter["token"])["expires_in"] == 24 * 3600
    assert c.call("GET", "/storage-usage/", 200, token=admin["token"])["buckets"]
    assert c.call("GET", "/privacy/export", 200, token=token)["recordings"]
    c.call("DELETE", f"/interview/{interview_id}/recording", 204, token=token)

    # webhooks: an admin registers a receiver on this machine (it verifies every signature), pings
    # it, reads the delivery log, rotates the secret, sends a delivery again, changes and deletes it
    refused = c.call("POST", "/webhooks/", 422, token=admin["token"], json={"url": "https://10.0.0.1/hooks", "event_types": ["assessment.ready"]})
    assert refused["code"] == "WEBHOOK_URL_REFUSED"
    with Receiver() as receiver:
        created = c.call("POST", "/webhooks/", 201, token=admin["token"], json={"url": receiver.url, "event_types": ["assessment.ready"]})
        receiver.secrets.append(created["secret"])
        hook = f"/webhooks/{created['webhook']['id']}"
        assert created["webhook"]["id"] in [item["id"] for item in c.call("GET", "/webhooks/", 200, token=admin["token"])["items"]]
        c.call("GET", hook, 200, token=admin["token"])
        ping = c.call("POST", f"{hook}/test", 200, token=admin["token"])["delivery"]
        assert ping["status"] == "delivered"
        receiver.secrets.append(c.call("POST", f"{hook}/rotate-secret?overlap_hours=1", 200, token=admin["token"])["secret"])
        assert [item["id"] for item in c.call("GET", f"{hook}/deliveries?limit=10", 200, token=admin["token"])["items"]] == [ping["id"]]
        c.call("POST", f"{hook}/deliveries/{ping['id']}/redeliver", 202, token=admin["token"])
        drain()
        assert [event["id"] for event in receiver.events] == [ping["message_id"]] * 2 and receiver.refused == []
        c.call("PATCH", hook, 200, token=admin["token"], json={"active": False})
        c.call("DELETE", hook, 204, token=admin["token"])

    # endings
    c.call("DELETE", f"/resumes/{resume['id']}", 204, token=token)
    assert c.call("GET", "/auth/me", 401)["code"] == "UNAUTHORIZED"
    c.call("POST", "/auth/logout", 200, token=token)
    again = c.call("POST", "/auth/login", 200, json={"email": email, "password": "Str0ng!Pass"})["session"]["access_token"]
    assert c.call("DELETE", "/privacy/account", 200, token=again, json={"password": "Str0ng!Pass"})["erased"] is True

    missing = {(method, template) for method, template, _ in OPERATIONS} - c.covered
    assert not missing, f"operations the contract walk did not reach: {sorted(missing)}"
