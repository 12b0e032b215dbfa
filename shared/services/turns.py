"""One interview turn: the candidate's answer (text or speech) is evaluated, the progressive plan
advances and the next question is generated. A text turn is two database round trips: one
pipelined read as the caller (their session, the interview under RLS, the outstanding question,
the replay of a repeated client_turn_id, and the engine's state once the interview is shown to be
theirs), and one call of private.record_turn that writes the answer, the question, the session
state, usage and completion in one transaction. A repeated client_turn_id returns the first
result, and of two simultaneous answers to the same question only one applies (the session row
is the arbiter, inside private.record_turn)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shared.ai.base import AIProvider, get_provider
from shared.ai.models import AIUsage, AnswerEvaluation, GeneratedQuestion, RoleType
from shared.auth import Caller, confirm_session
from shared.db import Connection
from shared.errors import Conflict, Forbidden, InterviewNotActive, NotFound
from shared.models.interviews import Answer, Message, TurnRequest, TurnResult
from shared.repositories import interviews as rows
from shared.services import interview_audio
from shared.services.interview_state import SessionState, progress, remember
from shared.services.interviews import is_speech, question_payload, usage_totals
from shared.services.progression import AnswerOutcome, Decision, advance, record_question, skill_boundaries, stop

SPOKEN_MODES = ("voice", "realtime")  # a realtime interview answered turn by turn (its fallback) hears its questions too
REPEAT_WINDOW = timedelta(seconds=5)  # an identical, unidentified answer this soon after the previous one is a resubmission


def _replayed(answer: Answer, question: Message | None, progression_state: dict[str, Any] | None) -> TurnResult:
    return TurnResult(
        answer=answer,
        question=question_payload(question),
        progress=progress(SessionState.load(progression_state)),
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
    read = rows.read_turn(caller.claims, interview_id, request.client_turn_id)
    confirm_session(caller, read.session_active)
    interview, session, last = read.interview, read.session, read.last
    if interview is None:
        raise NotFound("The interview was not found.")
    if str(interview.candidate_id) != caller.user_id:
        raise Forbidden("Only the candidate answers their interview.")
    if read.replay is not None:
        return _replayed(read.replay.answer, read.replay.question, session.progression_state)
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
    previous_answer = read.previous if read.previous is not None and read.previous.message_type == "candidate_response" else None
    _refuse_repeated_submission(previous_answer, answer_text, request, arrived_at or interview.received_at)
    response_seconds = max(0.0, ((arrived_at or interview.received_at) - last.created_at).total_seconds())

    step = evaluate_and_plan(
        state, interview.role_type, answer_text, tokens_used=interview.total_tokens_used, token_budget=interview.token_budget, usages=usages
    )
    spoken = None
    if step.next_state.current_question is not None and interview.mode in SPOKEN_MODES:
        spoken = interview_audio.speak_question(caller.user_id, interview_id, last.sequence_number + 2, step.next_state.current_question.text)
        if spoken:
            step.usages.append(spoken.usage)

    recorded = rows.record_turn(
        caller.claims,
        interview_id,
        step_rows(
            step,
            session,
            question_sequence=last.sequence_number,
            answer_text=answer_text,
            source="text" if heard is None else "audio",
            response_time_seconds=response_seconds,
            client_turn_id=request.client_turn_id,
            heard=heard,
            question_audio_path=spoken.path if spoken else None,
        ),
    )
    if recorded.outcome == "replayed" and recorded.answer is not None:
        return _replayed(recorded.answer, recorded.question, recorded.progression_state)
    if recorded.outcome == "conflict":
        raise Conflict("Another answer to this question was recorded first.")
    if recorded.outcome == "not_active":
        raise InterviewNotActive()
    if recorded.outcome != "applied" or recorded.answer is None:
        raise NotFound("The interview was not found.")
    return TurnResult(
        answer=recorded.answer,
        question=question_payload(recorded.question, spoken.url if spoken else None),
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
    provider: AIProvider | None = None,
) -> Step:
    """Evaluate an answer to the outstanding question, advance the plan, and generate the next
    question unless the plan ends. process-turn and the realtime relay both take this step, so a
    spoken interview is judged exactly as a typed one. `stop_reason` ends the plan after this
    answer whatever the plan says (a realtime interview's time cap or cost budget). `provider`
    defaults to the configured one (the development seed takes its steps offline)."""
    question = state.current_question
    if question is None:
        raise Conflict("There is no question awaiting an answer.")
    provider = provider or get_provider()
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


def write_step(conn: Connection, interview_id: str, written: rows.StepRows) -> tuple[Answer, Message | None]:
    """Write a step (`step_rows`) in the caller's transaction, which holds the session lock and
    has checked the last message: the answer with its evaluation, the next question, the session
    state, usage, and the completion when the plan ended (private.record_turn, as process-turn
    writes). Returns the answer and the next question's message."""
    recorded = rows.record_step(conn, interview_id, written)
    if recorded.outcome != "applied" or recorded.answer is None:
        raise Conflict("Another answer to this question was recorded first.")
    return recorded.answer, recorded.question


def step_rows(
    step: Step,
    session: rows.Session,
    *,
    question_sequence: int,
    answer_text: str,
    source: str,
    response_time_seconds: float | None,
    client_turn_id: str | None = None,
    heard: interview_audio.HeardAnswer | None = None,
    question_audio_path: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> rows.StepRows:
    """What a step writes, answering the question at `question_sequence`."""
    question = step.question
    next_question = step.next_state.current_question
    return rows.StepRows(
        question_sequence=question_sequence,
        client_turn_id=client_turn_id,
        answer_text=answer_text,
        answer_audio_path=heard.path if heard else None,
        answer_audio_seconds=heard.duration_seconds if heard else None,
        answer_audio_metadata=heard.metadata if heard else None,
        response_time_seconds=round(response_time_seconds, 3) if response_time_seconds is not None else None,
        answer_metadata={"question_id": question.question_id, "topic": question.topic, "phase": question.phase, "source": source, **(metadata or {})},
        evaluation=step.evaluation.model_dump_json(),  # staff-only column (F6): candidates read metadata, never this
        question=next_question,
        question_audio_path=question_audio_path if next_question is not None else None,
        progression_state=step.next_state.model_dump_json(),
        difficulty_level=step.next_state.progression.phase,
        questions_asked=step.next_state.progression.questions_asked,
        skill_boundaries=skill_boundaries(step.next_state.progression),
        conversation_memory=remember(
            session.conversation_memory or [],
            {"question_id": question.question_id, "topic": question.topic, "phase": question.phase, "score": step.evaluation.score},
        ),
        usage=usage_totals(step.usages),
        end_reason=(step.decision.end_reason or "plan_complete") if step.decision.done else None,
    )
