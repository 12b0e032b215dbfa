"""private.record_turn, the one call that writes a turn (issue 20): it keeps the guarantees of the
statements it replaced. Of simultaneous answers to one question one applies and the others
conflict (or get the first result back under the same client_turn_id); a failure leaves nothing
written; the interview must be the caller's by their claims, never by an argument; and no API
role can call it (or private.record_start) at all."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psycopg
import pytest

from functions import start_interview
from shared.ai.models import GeneratedQuestion
from shared.auth import verify_access_token
from shared.repositories import interviews as rows
from tests.rls import Actor, acting_as, create_user
from tests.support import access_token, invoke


@pytest.fixture
def started(app_env, admin_conn) -> dict[str, Any]:
    """A candidate's interview with its first question outstanding, and the candidate's claims."""
    token = access_token(create_user(admin_conn, "candidate"))
    reply = invoke(start_interview.handler, "POST", "/", token=token, json_body={"role_type": "python"})
    assert reply.status == 201, reply.body
    return {"id": reply.data["interview"]["id"], "claims": verify_access_token(token)}


def step(client_turn_id: str | None = None, **overrides: Any) -> rows.StepRows:
    """The rows of an answer to question 1 with a question 3 to follow."""
    values: dict[str, Any] = {
        "question_sequence": 1,
        "client_turn_id": client_turn_id,
        "answer_text": "I would use a context manager.",
        "answer_audio_path": None,
        "answer_audio_seconds": None,
        "answer_audio_metadata": None,
        "response_time_seconds": 4.2,
        "answer_metadata": {"question_id": "q1", "source": "text"},
        "evaluation": json.dumps({"score": 80}),
        "question": GeneratedQuestion(
            question_id="q2", text="What does a context manager guarantee?", topic="python", phase="warmup", difficulty=1, is_follow_up=False
        ),
        "question_audio_path": None,
        "progression_state": json.dumps({}),
        "difficulty_level": "warmup",
        "questions_asked": 2,
        "skill_boundaries": {},
        "conversation_memory": [],
        "usage": rows.Usage(tokens=10, cost_usd=0.001, speech_tokens=0, speech_cost_usd=0.0, model="offline"),
        "end_reason": None,
    }
    return rows.StepRows(**{**values, **overrides})


def messages(admin_conn, interview_id: str) -> list[tuple[int, str]]:
    found = admin_conn.execute(
        "select sequence_number, message_type from public.interview_messages where interview_id = %s order by sequence_number", [interview_id]
    ).fetchall()
    return [(row["sequence_number"], row["message_type"]) for row in found]


def test_of_simultaneous_answers_one_applies_and_the_others_conflict(started, admin_conn):
    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(lambda _: rows.record_turn(started["claims"], started["id"], step()).outcome, range(8)))
    assert sorted(outcomes) == ["applied"] + ["conflict"] * 7
    assert messages(admin_conn, started["id"]) == [(1, "ai_question"), (2, "candidate_response"), (3, "ai_question")]


def test_simultaneous_copies_of_one_turn_get_its_first_result(started):
    with ThreadPoolExecutor(8) as pool:
        recorded = list(pool.map(lambda _: rows.record_turn(started["claims"], started["id"], step("turn-1")), range(8)))
    applied = [r for r in recorded if r.outcome == "applied"]
    assert len(applied) == 1 and sorted(r.outcome for r in recorded) == ["applied"] + ["replayed"] * 7
    assert all(r.answer == applied[0].answer and r.question == applied[0].question for r in recorded)


def test_the_turn_and_the_interview_update_are_all_or_nothing(started, admin_conn):
    before = admin_conn.execute("select total_tokens_used, last_activity_at from public.interviews where id = %s", [started["id"]]).fetchone()
    with pytest.raises(psycopg.errors.CheckViolation):  # the session update, the call's last write, fails
        rows.record_turn(started["claims"], started["id"], step(difficulty_level="expert"))
    assert messages(admin_conn, started["id"]) == [(1, "ai_question")]
    assert admin_conn.execute("select total_tokens_used, last_activity_at from public.interviews where id = %s", [started["id"]]).fetchone() == before


def test_the_interview_must_be_the_callers_by_their_claims(started, admin_conn):
    stranger = {**started["claims"], "sub": create_user(admin_conn, "candidate")}
    assert rows.record_turn(stranger, started["id"], step()).outcome == "not_found"
    assert messages(admin_conn, started["id"]) == [(1, "ai_question")]


def test_a_completed_interview_takes_no_more_answers(started, admin_conn):
    admin_conn.execute("update public.interviews set status = 'completed' where id = %s", [started["id"]])
    assert rows.record_turn(started["claims"], started["id"], step()).outcome == "not_active"
    assert messages(admin_conn, started["id"]) == [(1, "ai_question")]


@pytest.mark.parametrize(
    "call",
    [
        "select private.record_turn(null::uuid, 1, null, 'x', null, null, null, null, '{}', '{}', null, null, null, '{}', 'warmup', 1,"
        " '{}', '[]', 0, 0, 0, 0, null, null)",
        "select private.record_start(gen_random_uuid(), false, null, 'python', 'text', 100, null, null, null, '{}', 'warmup', 'Q?', null, '{}',"
        " 0, 0, 0, 0, null)",
    ],
)
def test_no_api_role_can_write_a_turn_or_a_start(started, database, call):
    with acting_as(database, Actor("candidate", started["claims"]["sub"], "candidate")) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(call)
