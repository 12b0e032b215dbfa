"""One interview turn: the candidate's answer (text or speech) is evaluated, the progressive plan
advances and the next question is generated; the answer, the question and the session state are
written in one transaction. A repeated client_turn_id returns the first result, and of two
simultaneous answers to the same question only one applies (the session row is the arbiter)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import psycopg
from psycopg.rows import DictRow

from shared.ai.base import get_provider
from shared.ai.models import AIUsage
from shared.auth import Caller
from shared.db import become_service, one, service_transaction, user_transaction
from shared.errors import Conflict, Forbidden, InterviewNotActive, NotFound
from shared.models.interviews import Answer, TurnRequest, TurnResult
from shared.services import interview_audio
from shared.services.interview_state import SessionState, progress, remember
from shared.services.interviews import MESSAGE_COLUMNS, add_usage, finish, insert_question, is_speech, question_payload
from shared.services.progression import AnswerOutcome, advance, record_question, skill_boundaries

REPEAT_WINDOW = timedelta(seconds=5)  # an identical, unidentified answer this soon after the previous one is a resubmission


def _load(caller: Caller, interview_id: str, client_turn_id: str | None) -> dict[str, Any]:
    """The interview, its session, the last message and, for a repeated client_turn_id, the first result."""
    with user_transaction(caller.claims) as conn:
        row = conn.execute(
            "select i.id, i.candidate_id, i.status, i.role_type, i.mode, i.total_tokens_used, i.token_budget, now() as received_at"
            " from public.interviews i where i.id = %s",
            [interview_id],
        ).fetchone()
        if row is None:
            raise NotFound("The interview was not found.")
        if str(row["candidate_id"]) != caller.user_id:
            raise Forbidden("Only the candidate answers their interview.")
        # The caller owns this interview; the engine's state is not candidate-readable (F6), so
        # the rest of the load runs as the service in the same transaction.
        become_service(conn)
        session = conn.execute(
            "select id as session_id, progression_state, conversation_memory from public.interview_sessions where interview_id = %s",
            [interview_id],
        ).fetchone()
        row.update(session or {"session_id": None, "progression_state": None, "conversation_memory": None})
        newest = conn.execute(
            "select id, sequence_number, message_type, content_text, created_at from public.interview_messages where interview_id = %s"
            " order by sequence_number desc limit 2",
            [interview_id],
        ).fetchall()
        row["last"] = newest[0] if newest else None
        row["previous_answer"] = newest[1] if len(newest) > 1 and newest[1]["message_type"] == "candidate_response" else None
        row["replay"] = _replay(conn, interview_id, client_turn_id) if client_turn_id else None
    return row


def _replay(conn: psycopg.Connection[DictRow], interview_id: str, client_turn_id: str) -> TurnResult | None:
    answer = conn.execute(
        "select id, sequence_number, content_text from public.interview_messages where interview_id = %s and client_turn_id = %s",
        [interview_id, client_turn_id],
    ).fetchone()
    if answer is None:
        return None
    question = conn.execute(
        f"select {MESSAGE_COLUMNS} from public.interview_messages where interview_id = %s and sequence_number = %s and message_type = 'ai_question'",
        [interview_id, answer["sequence_number"] + 1],
    ).fetchone()
    stored = conn.execute("select progression_state from public.interview_sessions where interview_id = %s", [interview_id]).fetchone()
    state = SessionState.load(stored["progression_state"] if stored else None)
    return TurnResult(
        answer=Answer(id=answer["id"], sequence_number=answer["sequence_number"], text=answer["content_text"]),
        question=question_payload(question),
        progress=progress(state),
        done=question is None,
        replayed=True,
    )


def _refuse_repeated_submission(previous: DictRow | None, answer_text: str, request: TurnRequest, arrived: datetime) -> None:
    """From a client that names neither the question nor the turn, a copy of the previous answer
    arriving within seconds of it is the same submission sent again (a double click, a retry),
    not an answer to the next question (F9): refused. The arrival-time check above catches most
    copies; this one catches those delayed past the first answer's write. Clients that send
    `question_id` or `client_turn_id` are judged by those instead."""
    if request.question_id is not None or request.client_turn_id is not None or previous is None:
        return
    if previous["content_text"] == answer_text and arrived - previous["created_at"] < REPEAT_WINDOW:
        raise Conflict("This answer was already recorded for the previous question.", details={"answer_id": str(previous["id"])})


def process_turn(caller: Caller, interview_id: str, request: TurnRequest, arrived_at: datetime | None = None) -> TurnResult:
    """Record the candidate's answer to the outstanding question and ask the next one (or end).

    The answer binds to the question the client saw: `question_id` when sent, otherwise the
    question outstanding when the request arrived (`arrived_at`, the function URL's request
    time), so a request that waited while another answer applied is refused instead of
    answering the next question with text written for the previous one."""
    loaded = _load(caller, interview_id, request.client_turn_id)
    replay: TurnResult | None = loaded["replay"]
    if replay is not None:
        return replay
    if loaded["status"] != "in_progress":
        raise InterviewNotActive()
    last = loaded["last"]
    if last is None or last["message_type"] != "ai_question":
        raise Conflict("There is no question awaiting an answer.")
    if request.question_id and str(request.question_id) != str(last["id"]):
        raise Conflict("That question has already been answered.", details={"outstanding_question_id": str(last["id"])})
    if request.question_id is None and arrived_at is not None and last["created_at"] > arrived_at:
        raise Conflict("Another answer to this question was recorded first.", details={"outstanding_question_id": str(last["id"])})
    state = SessionState.load(loaded["progression_state"])
    if state.current_question is None:
        raise Conflict("There is no question awaiting an answer.")

    usages: list[AIUsage] = []
    heard = None
    if request.text is not None:
        answer_text = request.text.strip()
    else:
        data, fmt, path = interview_audio.answer_audio(
            caller.user_id, caller.access_token, request.audio_base64, request.audio_format, request.audio_path
        )
        heard = interview_audio.transcribe_answer(data, fmt, path)
        usages.append(heard.usage)
        answer_text = heard.text
    _refuse_repeated_submission(loaded["previous_answer"], answer_text, request, arrived_at or loaded["received_at"])
    response_seconds = max(0.0, ((arrived_at or loaded["received_at"]) - last["created_at"]).total_seconds())

    provider = get_provider()
    question = state.current_question
    evaluated = provider.evaluate_answer(state.context(loaded["role_type"]), question, answer_text)
    usages.append(evaluated.usage)
    evaluation = evaluated.value
    llm_tokens = sum(u.total_tokens for u in usages if not is_speech(u))
    budget_exhausted = loaded["total_tokens_used"] + llm_tokens >= loaded["token_budget"]
    next_state = state.model_copy(deep=True)
    next_state.progression, decision = advance(
        state.progression,
        AnswerOutcome(score=evaluation.score, skill=evaluation.skill, follow_up_needed=evaluation.follow_up_needed),
        budget_exhausted=budget_exhausted,
    )
    answer_sequence = last["sequence_number"] + 1
    spoken = None
    if decision.done:
        next_state.current_question = None
    else:
        generated = provider.next_question(next_state.context(loaded["role_type"], follow_up=decision.follow_up, last_answer=answer_text))
        usages.append(generated.usage)
        next_state.current_question = generated.value
        next_state.asked_question_ids.append(generated.value.question_id)
        next_state.progression = record_question(next_state.progression)
        if loaded["mode"] == "voice":
            spoken = interview_audio.speak_question(caller.user_id, interview_id, answer_sequence + 1, generated.value.text)
            if spoken:
                usages.append(spoken.usage)

    answer_metadata = {
        "question_id": question.question_id,
        "topic": question.topic,
        "phase": question.phase,
        "source": "text" if heard is None else "audio",
    }
    with service_transaction() as conn:
        # The session row serialises writers; a new last message means another turn applied first.
        conn.execute("select 1 from public.interview_sessions where id = %s for update", [loaded["session_id"]])
        current_last = one(conn.execute("select max(sequence_number) as seq from public.interview_messages where interview_id = %s", [interview_id]))[
            "seq"
        ]
        if current_last != last["sequence_number"]:
            replay = _replay(conn, interview_id, request.client_turn_id) if request.client_turn_id else None
            if replay:
                return replay
            raise Conflict("Another answer to this question was recorded first.")
        if one(conn.execute("select status from public.interviews where id = %s for update", [interview_id]))["status"] != "in_progress":
            raise InterviewNotActive()
        answer_cursor = conn.execute(
            "insert into public.interview_messages (interview_id, session_id, sequence_number, message_type, content_text, content_audio_url,"
            " audio_duration_seconds, audio_metadata, response_time_seconds, client_turn_id, metadata, evaluation)"
            " values (%s, %s, %s, 'candidate_response', %s, %s, %s, %s, %s, %s, %s, %s) returning id, sequence_number, content_text",
            [
                interview_id,
                loaded["session_id"],
                answer_sequence,
                answer_text,
                heard.path if heard else None,
                heard.duration_seconds if heard else None,
                json.dumps(heard.metadata) if heard else None,
                round(response_seconds, 3),
                request.client_turn_id,
                json.dumps(answer_metadata),
                evaluation.model_dump_json(),  # staff-only column (F6): candidates read metadata, never this
            ],
        )
        answer = one(answer_cursor)
        next_message = None
        if next_state.current_question is not None:
            next_message = insert_question(
                conn, interview_id, loaded["session_id"], answer_sequence + 1, next_state.current_question, spoken.path if spoken else None
            )
        memory = remember(
            loaded["conversation_memory"] or [],
            {"question_id": question.question_id, "topic": question.topic, "phase": question.phase, "score": evaluation.score},
        )
        conn.execute(
            "update public.interview_sessions set progression_state = %s, current_difficulty_level = %s, questions_asked_count = %s,"
            " skill_boundaries_identified = %s, conversation_memory = %s, last_activity_at = now() where id = %s",
            [
                next_state.model_dump_json(),
                next_state.progression.phase,
                next_state.progression.questions_asked,
                json.dumps(skill_boundaries(next_state.progression)),
                json.dumps(memory),
                loaded["session_id"],
            ],
        )
        conn.execute("update public.interviews set last_activity_at = now() where id = %s", [interview_id])
        add_usage(conn, interview_id, usages)
        if decision.done:
            finish(conn, interview_id, decision.end_reason or "plan_complete")
    return TurnResult(
        answer=Answer(id=answer["id"], sequence_number=answer["sequence_number"], text=answer["content_text"]),
        question=question_payload(next_message, spoken.url if spoken else None),
        progress=progress(next_state),
        done=decision.done,
        end_reason=decision.end_reason,
    )
