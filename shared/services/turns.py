"""One interview turn: the candidate's answer (text or speech) is evaluated, the progressive plan
advances and the next question is generated; the answer, the question and the session state are
written in one transaction. A repeated client_turn_id returns the first result, and of two
simultaneous answers to the same question only one applies (the session row is the arbiter)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shared.ai.base import get_provider
from shared.ai.models import AIUsage, AnswerEvaluation, GeneratedQuestion, RoleType
from shared.auth import Caller
from shared.db import Connection, become_service, service_transaction, user_transaction
from shared.errors import Conflict, Forbidden, InterviewNotActive, NotFound
from shared.models.interviews import Answer, Message, TurnRequest, TurnResult
from shared.repositories import interviews as rows
from shared.services import interview_audio
from shared.services.interview_state import SessionState, progress, remember
from shared.services.interviews import is_speech, question_payload, usage_totals
from shared.services.progression import AnswerOutcome, Decision, advance, record_question, skill_boundaries, stop

SPOKEN_MODES = ("voice", "realtime")  # a realtime interview answered turn by turn (its fallback) hears its questions too
REPEAT_WINDOW = timedelta(seconds=5)  # an identical, unidentified answer this soon after the previous one is a resubmission


@dataclass(frozen=True)
class Loaded:
    """What a turn starts from: the interview, its session, the last message (the outstanding
    question), the answer before it, and for a repeated client_turn_id the first result."""

    interview: rows.TurnInterview
    session: rows.Session
    last: rows.RecentMessage | None
    previous_answer: rows.RecentMessage | None
    replay: TurnResult | None


def _load(caller: Caller, interview_id: str, client_turn_id: str | None) -> Loaded:
    """The interview, its session, the last message and, for a repeated client_turn_id, the first result."""
    with user_transaction(caller.claims) as conn:
        interview = rows.for_turn(conn, interview_id)
        if interview is None:
            raise NotFound("The interview was not found.")
        if str(interview.candidate_id) != caller.user_id:
            raise Forbidden("Only the candidate answers their interview.")
        # The caller owns this interview; the engine's state is not candidate-readable (F6), so
        # the rest of the load runs as the service in the same transaction.
        become_service(conn)
        session = rows.session_of(conn, interview_id) or rows.NO_SESSION
        newest = rows.newest_two(conn, interview_id)
        return Loaded(
            interview=interview,
            session=session,
            last=newest[0] if newest else None,
            previous_answer=newest[1] if len(newest) > 1 and newest[1].message_type == "candidate_response" else None,
            replay=_replay(conn, interview_id, client_turn_id) if client_turn_id else None,
        )


def _replay(conn: Connection, interview_id: str, client_turn_id: str) -> TurnResult | None:
    answer = rows.answer_of_turn(conn, interview_id, client_turn_id)
    if answer is None:
        return None
    question = rows.question_at(conn, interview_id, answer.sequence_number + 1)
    state = SessionState.load(rows.progression_state(conn, interview_id))
    return TurnResult(
        answer=answer,
        question=question_payload(question),
        progress=progress(state),
        done=question is None,
        replayed=True,
    )


def _refuse_repeated_submission(previous: rows.RecentMessage | None, answer_text: str, request: TurnRequest, arrived: datetime) -> None:
    """From a client that names neither the question nor the turn, a copy of the previous answer
    arriving within seconds of it is the same submission sent again (a double click, a retry),
    not an answer to the next question (F9): refused. The arrival-time check above catches most
    copies; this one catches those delayed past the first answer's write. Clients that send
    `question_id` or `client_turn_id` are judged by those instead."""
    if request.question_id is not None or request.client_turn_id is not None or previous is None:
        return
    if previous.content_text == answer_text and arrived - previous.created_at < REPEAT_WINDOW:
        raise Conflict("This answer was already recorded for the previous question.", details={"answer_id": str(previous.id)})


def process_turn(caller: Caller, interview_id: str, request: TurnRequest, arrived_at: datetime | None = None) -> TurnResult:
    """Record the candidate's answer to the outstanding question and ask the next one (or end).

    The answer binds to the question the client saw: `question_id` when sent, otherwise the
    question outstanding when the request arrived (`arrived_at`, the function URL's request
    time), so a request that waited while another answer applied is refused instead of
    answering the next question with text written for the previous one."""
    loaded = _load(caller, interview_id, request.client_turn_id)
    if loaded.replay is not None:
        return loaded.replay
    interview, session, last = loaded.interview, loaded.session, loaded.last
    if interview.status != "in_progress":
        raise InterviewNotActive()
    if last is None or last.message_type != "ai_question":
        raise Conflict("There is no question awaiting an answer.")
    if request.question_id and str(request.question_id) != str(last.id):
        raise Conflict("That question has already been answered.", details={"outstanding_question_id": str(last.id)})
    if request.question_id is None and arrived_at is not None and last.created_at > arrived_at:
        raise Conflict("Another answer to this question was recorded first.", details={"outstanding_question_id": str(last.id)})
    state = SessionState.load(session.progression_state)
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
    _refuse_repeated_submission(loaded.previous_answer, answer_text, request, arrived_at or interview.received_at)
    response_seconds = max(0.0, ((arrived_at or interview.received_at) - last.created_at).total_seconds())

    step = evaluate_and_plan(
        state, interview.role_type, answer_text, tokens_used=interview.total_tokens_used, token_budget=interview.token_budget, usages=usages
    )
    answer_sequence = last.sequence_number + 1
    spoken = None
    if step.next_state.current_question is not None and interview.mode in SPOKEN_MODES:
        spoken = interview_audio.speak_question(caller.user_id, interview_id, answer_sequence + 1, step.next_state.current_question.text)
        if spoken:
            step.usages.append(spoken.usage)

    with service_transaction() as conn:
        # The session row serialises writers; a new last message means another turn applied first.
        rows.lock_session(conn, session.id)
        if rows.last_sequence(conn, interview_id) != last.sequence_number:
            replay = _replay(conn, interview_id, request.client_turn_id) if request.client_turn_id else None
            if replay:
                return replay
            raise Conflict("Another answer to this question was recorded first.")
        if rows.lock_status(conn, interview_id) != "in_progress":
            raise InterviewNotActive()
        answer, next_message = write_step(
            conn,
            interview_id=interview_id,
            session=session,
            answer_sequence=answer_sequence,
            step=step,
            answer_text=answer_text,
            source="text" if heard is None else "audio",
            response_time_seconds=response_seconds,
            client_turn_id=request.client_turn_id,
            heard=heard,
            question_audio_path=spoken.path if spoken else None,
        )
    return TurnResult(
        answer=answer,
        question=question_payload(next_message, spoken.url if spoken else None),
        progress=progress(step.next_state),
        done=step.decision.done,
        end_reason=step.decision.end_reason,
    )


@dataclass
class Step:
    """The progressive engine's step for one answer: the question answered, its evaluation, the
    state and decision that follow, and the AI usage of the step (with the turn's own, e.g. the
    transcription, passed in)."""

    question: GeneratedQuestion
    evaluation: AnswerEvaluation
    next_state: SessionState
    decision: Decision
    usages: list[AIUsage]


def evaluate_and_plan(
    state: SessionState,
    role_type: RoleType,
    answer_text: str,
    *,
    tokens_used: int,
    token_budget: int,
    usages: list[AIUsage] | None = None,
    stop_reason: str | None = None,
) -> Step:
    """Evaluate an answer to the outstanding question, advance the plan, and generate the next
    question unless the plan ends. process-turn and the realtime relay both take this step, so a
    spoken interview is judged exactly as a typed one. `stop_reason` ends the plan after this
    answer whatever the plan says (a realtime interview's time cap or cost budget)."""
    question = state.current_question
    if question is None:
        raise Conflict("There is no question awaiting an answer.")
    provider = get_provider()
    usages = list(usages or [])
    evaluated = provider.evaluate_answer(state.context(role_type), question, answer_text)
    usages.append(evaluated.usage)
    evaluation = evaluated.value
    llm_tokens = sum(u.total_tokens for u in usages if not is_speech(u))
    next_state = state.model_copy(deep=True)
    next_state.progression, decision = advance(
        state.progression,
        AnswerOutcome(score=evaluation.score, skill=evaluation.skill, follow_up_needed=evaluation.follow_up_needed),
        budget_exhausted=tokens_used + llm_tokens >= token_budget,
    )
    if stop_reason is not None and not decision.done:
        next_state.progression, decision = stop(next_state.progression, stop_reason)
    if decision.done:
        next_state.current_question = None
    else:
        generated = provider.next_question(next_state.context(role_type, follow_up=decision.follow_up, last_answer=answer_text))
        usages.append(generated.usage)
        next_state.current_question = generated.value
        next_state.asked_question_ids.append(generated.value.question_id)
        next_state.progression = record_question(next_state.progression)
    return Step(question=question, evaluation=evaluation, next_state=next_state, decision=decision, usages=usages)


def write_step(
    conn: Connection,
    *,
    interview_id: str,
    session: rows.Session,
    answer_sequence: int,
    step: Step,
    answer_text: str,
    source: str,
    response_time_seconds: float | None,
    client_turn_id: str | None = None,
    heard: interview_audio.HeardAnswer | None = None,
    question_audio_path: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> tuple[Answer, Message | None]:
    """Write a step in the caller's transaction, which holds the session lock and has checked the
    last message: the answer with its evaluation, the next question, the session state, usage,
    and the completion when the plan ended. Returns the answer and the next question's message."""
    question = step.question
    answer = rows.insert_answer(
        conn,
        interview_id=interview_id,
        session_id=session.id,
        sequence_number=answer_sequence,
        text=answer_text,
        audio_path=heard.path if heard else None,
        audio_duration_seconds=heard.duration_seconds if heard else None,
        audio_metadata=heard.metadata if heard else None,
        response_time_seconds=round(response_time_seconds, 3) if response_time_seconds is not None else None,
        client_turn_id=client_turn_id,
        metadata={"question_id": question.question_id, "topic": question.topic, "phase": question.phase, "source": source, **(metadata or {})},
        evaluation=step.evaluation.model_dump_json(),  # staff-only column (F6): candidates read metadata, never this
    )
    next_message = None
    if step.next_state.current_question is not None:
        next_message = rows.insert_question(
            conn, interview_id, session.id, answer_sequence + 1, step.next_state.current_question, question_audio_path
        )
    memory = remember(
        session.conversation_memory or [],
        {"question_id": question.question_id, "topic": question.topic, "phase": question.phase, "score": step.evaluation.score},
    )
    rows.save_session(
        conn,
        session.id,
        progression_state=step.next_state.model_dump_json(),
        difficulty_level=step.next_state.progression.phase,
        questions_asked=step.next_state.progression.questions_asked,
        skill_boundaries=skill_boundaries(step.next_state.progression),
        conversation_memory=memory,
    )
    rows.touch(conn, interview_id)
    rows.add_usage(conn, interview_id, usage_totals(step.usages))
    if step.decision.done:
        rows.finish(conn, interview_id, step.decision.end_reason or "plan_complete")
    return answer, next_message
