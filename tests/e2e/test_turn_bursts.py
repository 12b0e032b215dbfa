"""Bursts of identical answers over HTTP: an answer binds to the question outstanding when the
request arrived, so requests that waited while another answer applied are refused rather than
answering the next question."""

from __future__ import annotations

import http.client
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NamedTuple

import httpx
import pytest

from tests.e2e.test_interview_api import rows, start, turn
from tests.interview_answers import bank_question, strong_answer


class Reply(NamedTuple):
    status_code: int
    body: dict[str, Any]


@pytest.fixture
def candidate(make_user):
    return make_user("candidate", "Bea Burst")


def burst(gateway_url: str, token: str, path: str, body: dict[str, Any], copies: int = 20) -> list[Reply]:
    """`copies` identical requests released together, each on a connection opened beforehand and
    with its bytes prepared, so they arrive within a millisecond or two, as a double-clicking
    client's or a retrying proxy's do (a thread pool making its own requests spreads them over
    tens of milliseconds, as long as a warm turn takes)."""
    url = httpx.URL(gateway_url)
    payload = json.dumps(body).encode()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Content-Length": str(len(payload))}
    barrier = threading.Barrier(copies, timeout=30)

    def send(_: int) -> Reply:
        connection = http.client.HTTPConnection(url.host, url.port, timeout=60)
        try:
            connection.connect()
            barrier.wait()
            connection.request("POST", path, body=payload, headers=headers)
            response = connection.getresponse()
            return Reply(response.status, json.loads(response.read()))
        finally:
            connection.close()

    with ThreadPoolExecutor(copies) as pool:
        return list(pool.map(send, range(copies)))


def answers(stack_db, interview_id):
    return rows(
        stack_db,
        "select sequence_number, client_turn_id from public.interview_messages where interview_id = %s and message_type = 'candidate_response'"
        " order by sequence_number",
        [interview_id],
    )


def test_twenty_identical_answers_without_question_id_apply_to_one_question_only(api, gateway_url, candidate, stack_db):
    """F9: 20 parallel copies of one answer without question_id: exactly one 200 (the rest 409),
    one stored answer, and the interview waits on the second question; client_turn_id replay and
    question_id keep working."""
    data = start(api, candidate).json()["data"]
    interview_id = data["interview"]["id"]
    answer = strong_answer(bank_question(data["question"]["text"]))
    replies = burst(gateway_url, candidate["token"], f"/process-turn/{interview_id}", {"text": answer})
    statuses = sorted(r.status_code for r in replies)
    assert statuses == [200] + [409] * 19, [r.body for r in replies if r.status_code not in (200, 409)]
    assert {r.body["error"]["code"] for r in replies if r.status_code == 409} == {"CONFLICT"}
    assert answers(stack_db, interview_id) == [(2, None)]
    status = api("GET", f"/interview/{interview_id}/status", token=candidate["token"]).json()["data"]
    assert status["last_question"]["sequence_number"] == 3

    # The other two bindings hold as before: 20 copies with one client_turn_id all return the
    # first result, and a stale question_id is 409 while the current one applies.
    data = start(api, candidate).json()["data"]
    interview_id = data["interview"]["id"]
    answer = strong_answer(bank_question(data["question"]["text"]))
    replies = burst(gateway_url, candidate["token"], f"/process-turn/{interview_id}", {"text": answer, "client_turn_id": "burst-1"})
    assert [r.status_code for r in replies] == [200] * 20, [r.body for r in replies if r.status_code != 200]
    assert len({r.body["data"]["answer"]["id"] for r in replies}) == 1
    assert sum(not r.body["data"]["replayed"] for r in replies) == 1
    assert answers(stack_db, interview_id) == [(2, "burst-1")]

    next_question = replies[0].body["data"]["question"]
    stale = turn(api, candidate, interview_id, text=answer, question_id=data["question"]["id"])
    assert stale.status_code == 409
    current = turn(api, candidate, interview_id, text=strong_answer(bank_question(next_question["text"])), question_id=next_question["id"])
    assert current.status_code == 200, current.text
    assert answers(stack_db, interview_id) == [(2, "burst-1"), (4, None)]


def test_a_copy_of_the_previous_answer_sent_again_at_once_is_refused(api, make_user):
    """F9: a resubmission of the same answer (no question_id, no client_turn_id) arriving after the
    first was already recorded does not become the answer to the next question."""
    user = make_user("candidate", "Double Clicker")
    started = api("POST", "/start-interview/", token=user["token"], json={"role_type": "react"}).json()["data"]
    path = f"/process-turn/{started['interview']['id']}"
    body = {"text": "Props flow down from parents; state belongs to the component that owns it."}
    assert api("POST", path, token=user["token"], json=body).status_code == 200
    again = api("POST", path, token=user["token"], json=body)
    assert again.status_code == 409, again.text
    assert again.json()["error"]["message"] == "This answer was already recorded for the previous question."
