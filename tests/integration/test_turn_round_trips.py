"""The hot paths' database round trips, counted on the wire (issue 20): the functions' pool talks to
Postgres through a TCP proxy (local/db_proxy.py) that counts round trips and statements, so a
change that adds a query back to a turn, a start or an interview read fails here, whatever layer
it comes from (a dependency, a repository, the pool). Between Lambda and Supabase's pooler each
round trip costs 1-5 ms."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from functions import interview, process_turn, start_interview
from local import postgres
from local.db_proxy import Counts, DbProxy
from shared import db
from shared.settings import get_settings
from tests.interview_answers import bank_question, strong_answer
from tests.rls import create_user
from tests.support import Reply, access_token, invoke

# Round trips and statements (pipelined in those round trips) per call.
TURN = (2, 6)  # read: role and claims, caller's session + interview (RLS), switch, engine state and messages; write: record_turn
START = (2, 6)  # read: session + rate limit, role, application and resume (RLS); write: record_start
REPLAY = (1, 4)  # the read finds the first result of the repeated client_turn_id
STATUS, MESSAGES, TRANSCRIPT = (1, 5), (1, 3), (1, 4)
COMPLETE = (1, 2)  # role with the caller's claims, private.complete_interview (session, ownership, completion)


@pytest.fixture
def proxy(app_env: dict[str, str], database: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[DbProxy]:
    """The functions' pool pointed at this test's database through the counting proxy."""
    with DbProxy(postgres.HOST, postgres.PORT) as counting:
        monkeypatch.setenv("DATABASE_URL", counting.dsn(postgres.SUPERUSER, postgres.PASSWORD, database))
        get_settings.cache_clear()
        db.close_pool()
        yield counting
        db.close_pool()


@pytest.fixture
def call(proxy: DbProxy, admin_conn) -> Callable[..., tuple[Reply, Counts]]:
    """Call a handler as a new candidate (the same one for the whole test); the reply and what crossed the wire."""
    token = access_token(create_user(admin_conn, "candidate"))
    invoke(interview.handler, "GET", f"/{uuid.uuid4()}/status", token=token)  # opens the pool's connection

    def run(handler: Any, method: str, path: str, body: Any = None) -> tuple[Reply, Counts]:
        before = proxy.counts()
        reply = invoke(handler, method, path, token=token, json_body=body)
        return reply, proxy.counts() - before

    return run


def wire(counts: Counts) -> tuple[int, int]:
    assert counts.connections == 0, "a warm pool opens no connection"
    return counts.round_trips, counts.statements


def test_a_text_interview_costs_two_round_trips_per_turn_and_per_start(call):
    started, counts = call(start_interview.handler, "POST", "/", {"role_type": "python"})
    assert started.status == 201, started.body
    assert wire(counts) == START
    interview_id, question, previous, turns = started.data["interview"]["id"], started.data["question"], None, 0
    while True:
        previous = bank_question(question["text"], previous)
        reply, counts = call(process_turn.handler, "POST", f"/{interview_id}", {"text": strong_answer(previous), "question_id": question["id"]})
        assert reply.status == 200, reply.body
        assert wire(counts) == TURN, f"turn {turns + 1}"
        turns += 1
        if reply.data["done"]:  # the last turn completes the interview in the same call
            break
        question = reply.data["question"]
    assert turns >= 12


def test_a_repeated_turn_is_answered_from_the_read_alone(call):
    started, _ = call(start_interview.handler, "POST", "/", {"role_type": "python"})
    interview_id, question = started.data["interview"]["id"], started.data["question"]
    body = {"text": strong_answer(bank_question(question["text"])), "question_id": question["id"], "client_turn_id": "turn-1"}
    first, counts = call(process_turn.handler, "POST", f"/{interview_id}", body)
    assert first.status == 200 and wire(counts) == TURN
    again, counts = call(process_turn.handler, "POST", f"/{interview_id}", body)
    assert again.status == 200 and again.data["replayed"] is True and again.data["answer"] == first.data["answer"]
    assert wire(counts) == REPLAY


def test_a_stale_answer_is_refused_after_the_read(call):
    started, _ = call(start_interview.handler, "POST", "/", {"role_type": "python"})
    interview_id, question = started.data["interview"]["id"], started.data["question"]
    body = {"text": strong_answer(bank_question(question["text"])), "question_id": question["id"]}
    assert call(process_turn.handler, "POST", f"/{interview_id}", body)[0].status == 200
    stale, counts = call(process_turn.handler, "POST", f"/{interview_id}", body)
    assert stale.status == 409 and wire(counts) == (1, 4)


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        ("status", STATUS),  # interview (RLS), switch, engine state, newest message
        ("messages", MESSAGES),  # switch when visible, the page
        ("transcript", TRANSCRIPT),  # interview (RLS), switch, the conversation
    ],
)
def test_an_interview_read_is_one_round_trip(call, view, expected):
    started, _ = call(start_interview.handler, "POST", "/", {"role_type": "python"})
    reply, counts = call(interview.handler, "GET", f"/{started.data['interview']['id']}/{view}")
    assert reply.status == 200, reply.body
    assert wire(counts) == expected


def test_another_candidates_interview_is_not_found_in_one_round_trip(call, admin_conn):
    other = access_token(create_user(admin_conn, "candidate"))
    theirs = invoke(start_interview.handler, "POST", "/", token=other, json_body={"role_type": "python"}).data
    body = {"text": "An answer to someone else's question.", "question_id": theirs["question"]["id"]}
    reply, counts = call(process_turn.handler, "POST", f"/{theirs['interview']['id']}", body)
    assert reply.status == 404 and wire(counts) == (1, 4)
    assert admin_conn.execute(
        "select count(*) as n from public.interview_messages where interview_id = %s", [theirs["interview"]["id"]]
    ).fetchone() == {"n": 1}


def test_completing_an_interview_is_one_round_trip_and_writes_only_the_callers(call, admin_conn):
    """Session and interview read as the candidate, the switch only for their own interview with a
    live session, the completion (its trigger queues scoring); again, the same duration."""
    started, _ = call(start_interview.handler, "POST", "/", {"role_type": "python"})
    interview_id = started.data["interview"]["id"]
    done, counts = call(interview.handler, "POST", f"/{interview_id}/complete")
    assert done.status == 200, done.body
    assert wire(counts) == COMPLETE
    again, counts = call(interview.handler, "POST", f"/{interview_id}/complete")
    assert again.status == 200 and again.data == done.data and wire(counts) == COMPLETE
    row = admin_conn.execute("select status, end_reason from public.interviews where id = %s", [interview_id]).fetchone()
    assert row == {"status": "completed", "end_reason": "candidate_completed"}
    assert admin_conn.execute(
        "select count(*) as n from private.jobs where kind = 'interview.score' and payload ->> 'interview_id' = %s", [interview_id]
    ).fetchone() == {"n": 1}

    other = access_token(create_user(admin_conn, "candidate"))
    theirs = invoke(start_interview.handler, "POST", "/", token=other, json_body={"role_type": "python"}).data["interview"]["id"]
    refused, counts = call(interview.handler, "POST", f"/{theirs}/complete")
    assert refused.status == 404 and wire(counts) == COMPLETE
    assert admin_conn.execute("select status from public.interviews where id = %s", [theirs]).fetchone() == {"status": "in_progress"}
