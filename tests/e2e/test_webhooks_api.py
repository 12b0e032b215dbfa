"""Webhooks over HTTP (issue 19, done-when): an admin registers a webhook pointing at a receiver on
this machine (examples/webhook_receiver.py, which verifies every signature); a candidate applies,
takes and completes the interview, scoring runs, and the receiver gets signed interview.completed
and assessment.ready events; a receiver answering 500 gets retries with exponential backoff (time
moved by setting the job's due time) that the delivery log shows; URLs at 169.254.169.254 or
10.0.0.1 are refused. Receivers listen on 127.0.0.1 only; refused URLs are never contacted."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest

from examples.webhook_receiver import Receiver
from local import postgres
from tests.e2e.test_applications_api import apply
from tests.e2e.test_job_application_story import publish, unique_word


@pytest.fixture
def admin(make_user):
    return make_user("admin", "Ada Admin")


@pytest.fixture
def recruiter(make_user):
    return make_user("recruiter", "Rory Recruiter")


@pytest.fixture
def candidate(make_user):
    return make_user("candidate", "Cleo Candidate")


@pytest.fixture
def run_jobs(in_stack):
    import shared.jobs  # noqa: F401 - registers the job handlers in this process
    from shared.queue import drain

    return drain


def register(api, admin, receiver: Receiver, events: list[str]) -> dict:
    created = api("POST", "/webhooks/", token=admin["token"], json={"url": receiver.url, "event_types": events})
    assert created.status_code == 201, created.text
    receiver.secrets.append(created.json()["data"]["secret"])
    return created.json()["data"]["webhook"]


def deliveries(api, admin, webhook_id: str) -> list[dict]:
    reply = api("GET", f"/webhooks/{webhook_id}/deliveries", token=admin["token"])
    assert reply.status_code == 200, reply.text
    return reply.json()["data"]["items"]


def test_completing_and_scoring_an_interview_delivers_signed_events_the_receiver_verifies(api, admin, recruiter, candidate, run_jobs):
    with Receiver() as receiver:
        webhook = register(api, admin, receiver, ["interview.completed", "assessment.ready"])
        posting = publish(api, recruiter, unique_word())
        application = apply(api, candidate, posting["id"]).json()["data"]["application"]
        started = api("POST", "/start-interview/", token=candidate["token"], json={"application_id": application["id"]})
        assert started.status_code == 201, started.text
        interview_id = started.json()["data"]["interview"]["id"]
        answer = {"text": "A list is mutable and a tuple is immutable, so tuples can be dictionary keys.", "client_turn_id": str(uuid.uuid4())}
        assert api("POST", f"/process-turn/{interview_id}", token=candidate["token"], json=answer).status_code == 200
        assert api("POST", f"/interview/{interview_id}/complete", token=candidate["token"]).status_code == 200
        run_jobs()  # the interview.completed delivery, the scoring, then the assessment.ready delivery

        assert receiver.refused == []
        [completed] = receiver.received("interview.completed")
        [ready] = receiver.received("assessment.ready")
    ids = {"candidate_id": candidate["id"], "application_id": application["id"], "job_posting_id": posting["id"], "interview_id": interview_id}
    assert completed["body"]["data"] == ids
    assert {key: ready["body"]["data"][key] for key in ids} == ids and 0 <= ready["body"]["data"]["overall_score"] <= 100
    for event in (completed, ready):
        assert set(event["headers"]) >= {"webhook-id", "webhook-timestamp", "webhook-signature"}
        assert abs(int(event["headers"]["webhook-timestamp"]) - datetime.now().timestamp()) < 300
    log = deliveries(api, admin, webhook["id"])
    assert {(item["event_type"], item["status"], item["response_status"]) for item in log} == {
        ("interview.completed", "delivered", 204),
        ("assessment.ready", "delivered", 204),
    }
    assert {item["message_id"] for item in log} == {completed["id"], ready["id"]}


def test_a_receiver_answering_500_gets_retries_with_backoff_that_the_delivery_log_shows(api, admin, recruiter, candidate, run_jobs, stack_db):
    with Receiver(status=500) as receiver:
        webhook = register(api, admin, receiver, ["application.status_changed"])
        posting = publish(api, recruiter, unique_word())
        apply(api, candidate, posting["id"])  # the new application's first status is an event
        gaps = []
        for attempt in (1, 2, 3):
            run_jobs()
            [delivery] = deliveries(api, admin, webhook["id"])
            assert (delivery["status"], delivery["attempts"], delivery["response_status"]) == ("pending", attempt, 500)
            assert [a["response_status"] for a in delivery["attempt_log"]] == [500] * attempt
            last, following = datetime.fromisoformat(delivery["last_attempt_at"]), datetime.fromisoformat(delivery["next_attempt_at"])
            gaps.append(following - last)
            run_jobs()  # not due yet: no attempt
            assert deliveries(api, admin, webhook["id"])[0]["attempts"] == attempt
            with postgres.connect(stack_db) as conn:  # move the clock to the retry instead of waiting for it
                moved = conn.execute(
                    "update private.jobs set run_after = now() where dedupe_key = %s and status = 'queued'", [f"webhook.deliver:{delivery['id']}"]
                ).rowcount
            assert moved == 1
        assert timedelta(seconds=45) <= gaps[0] <= timedelta(seconds=75)  # a minute, then doubling, each with up to 25% jitter
        assert gaps[0] < gaps[1] < gaps[2] and timedelta(seconds=180) <= gaps[2] <= timedelta(seconds=300)

        receiver.status = 204
        run_jobs()
        [delivery] = deliveries(api, admin, webhook["id"])
        assert (delivery["status"], delivery["attempts"], delivery["next_attempt_at"]) == ("delivered", 4, None)
        assert [a["response_status"] for a in delivery["attempt_log"]] == [500, 500, 500, 204]
        assert len({event["id"] for event in receiver.events}) == 1 and receiver.events[0]["id"] == delivery["message_id"]


@pytest.mark.parametrize(
    "url", ["https://169.254.169.254/latest/meta-data/", "http://169.254.169.254/", "https://10.0.0.1/hooks", "http://10.0.0.1:8080/"]
)
def test_webhook_urls_at_metadata_or_private_addresses_are_refused(api, admin, url):
    reply = api("POST", "/webhooks/", token=admin["token"], json={"url": url, "event_types": ["assessment.ready"]})
    assert reply.status_code == 422 and reply.json()["error"]["code"] == "WEBHOOK_URL_REFUSED"
    assert reply.json()["error"]["details"][0]["loc"] == ["url"]
    assert all(hook["url"] != url for hook in api("GET", "/webhooks/", token=admin["token"]).json()["data"]["items"])
