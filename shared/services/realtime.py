"""Realtime voice sessions (SPEC 5, issue 18). A function cannot hold a WebSocket, so the browser
talks to OpenAI directly: this service builds the whole session configuration from the interview
(instructions with its context, voice, input transcription, turn detection, the
`evaluate_candidate_answer` tool, output limit) and mints a short-lived client secret for it.
At most one session per interview is live, held by a lease row in Postgres; the relay
(`shared/services/realtime_relay.py`) renews it and judges what the browser reports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from shared.ai import prompts
from shared.ai.base import get_provider, realtime_unavailable_reason
from shared.ai.models import RealtimeSecret
from shared.auth import Caller
from shared.db import become_service, service_transaction, user_transaction
from shared.errors import AIUnavailable, Conflict, Forbidden, InterviewNotActive, NotFound, RealtimeSessionActive, RealtimeUnavailable
from shared.logs import logger
from shared.models.interviews import StartRequest
from shared.models.realtime import RealtimeSession, SessionEnded
from shared.repositories import interviews as interview_rows
from shared.repositories import realtime as rows
from shared.services import interviews
from shared.services.interview_state import SessionState
from shared.services.progression import MAX_QUESTIONS, MIN_QUESTIONS, PHASE_LIMITS
from shared.settings import Settings, get_settings

TOOL_NAME = "evaluate_candidate_answer"
MIN_SECRET_SECONDS = 10  # OpenAI's shortest client secret lifetime
ASKED_IN_INSTRUCTIONS = 20  # earlier questions named in the instructions, so a reconnect does not repeat them
DEFAULT_CALL_BASE = "https://api.openai.com/v1"
TIME_LIMIT = "time_limit"

EVALUATE_TOOL: dict[str, Any] = {
    "type": "function",
    "name": TOOL_NAME,
    "description": (
        "Call as soon as the candidate has finished answering the current question (or declined to). The interview backend"
        " evaluates the recorded answer itself and returns what to do next; follow its output. Your own fields are advisory only."
    ),
    "parameters": {
        "type": "object",
        "properties": {
            "answer_quality": {"type": "string", "enum": ["strong", "adequate", "weak", "no_answer"], "description": "Your impression."},
            "next_action": {"type": "string", "enum": ["next_question", "follow_up", "end"], "description": "What you would do next."},
            "follow_up_needed": {"type": "boolean", "description": "Whether the answer calls for a follow-up."},
            "score": {"type": "integer", "minimum": 0, "maximum": 100, "description": "Your impression, 0-100."},
        },
        "required": [],
        "additionalProperties": False,
    },
}


def call_url(settings: Settings) -> str:
    """Where the browser posts its SDP offer: OPENAI_REALTIME_CALL_URL, else the API's calls endpoint."""
    if settings.openai_realtime_call_url:
        return settings.openai_realtime_call_url
    return f"{(settings.openai_base_url or DEFAULT_CALL_BASE).rstrip('/')}/realtime/calls"


def cap_ends_at(interview: rows.RealtimeInterview, settings: Settings) -> datetime:
    """When the interview's realtime time cap ends it (REALTIME_MAX_MINUTES after it started)."""
    started = interview.started_at or interview.now
    return started + timedelta(minutes=settings.realtime_max_minutes)


def instructions(role_type: str, state: SessionState, asked: list[str]) -> str:
    """The interviewer's rules (a versioned prompt) and this interview's context: the role, the
    posting, the resume's skills, the plan and where it stands, the questions already asked and
    the one to ask now."""
    prompt = prompts.load("realtime_instructions")
    progression = state.progression
    plan = ", ".join(f"{phase} {low}-{high}" for phase, (low, high) in PHASE_LIMITS.items())
    lines = [prompt.text, "", "Interview context:", f"- Role: {role_type} developer."]
    if state.job_title:
        stack = f" (stack: {', '.join(state.job_stack)})" if state.job_stack else ""
        lines.append(f"- Position: {state.job_title}{stack}.")
    if state.resume_skills:
        lines.append(f"- Skills on the candidate's resume: {', '.join(state.resume_skills[:30])}.")
    lines.append(f"- Plan: {plan} questions, {MIN_QUESTIONS}-{MAX_QUESTIONS} in all; the backend moves between phases.")
    lines.append(f"- Now: {progression.phase} phase, difficulty {progression.difficulty} of 5, {progression.questions_asked} questions asked.")
    current = state.current_question
    earlier = [text for text in asked if current is None or text != current.text][-ASKED_IN_INSTRUCTIONS:]
    if earlier:
        lines.append("- Already asked (never repeat):")
        lines.extend(f"  {number}. {text[:300]}" for number, text in enumerate(earlier, 1))
    if current is not None:
        lines.append(f"- Current question, to ask now: {current.text}")
    return "\n".join(lines)


def session_configuration(role_type: str, state: SessionState, asked: list[str], settings: Settings) -> dict[str, Any]:
    """The GA Realtime session the client secret is minted for; every model and the voice come from settings."""
    return {
        "type": "realtime",
        "model": settings.openai_realtime_model,
        "instructions": instructions(role_type, state, asked),
        "output_modalities": ["audio"],
        "audio": {
            "input": {
                "transcription": {"model": settings.openai_realtime_transcription_model, "language": "en"},
                "turn_detection": {
                    "type": "server_vad",
                    "threshold": 0.5,
                    "prefix_padding_ms": 300,
                    "silence_duration_ms": settings.realtime_silence_ms,
                    "create_response": True,
                    "interrupt_response": True,
                },
            },
            "output": {"voice": settings.openai_realtime_voice},
        },
        "tools": [EVALUATE_TOOL],
        "tool_choice": "auto",
        "max_output_tokens": settings.realtime_max_output_tokens,
    }


def _visible(caller: Caller, interview_id: str) -> rows.RealtimeInterview:
    """The caller's own interview (read under RLS), else 404/403."""
    with user_transaction(caller.claims) as conn:
        interview = rows.interview(conn, interview_id)
    if interview is None:
        raise NotFound("The interview was not found.")
    if str(interview.candidate_id) != caller.user_id:
        raise Forbidden("Only the candidate holds their interview's realtime session.")
    return interview


def _started(caller: Caller, interview: rows.RealtimeInterview) -> rows.RealtimeInterview:
    """The interview in progress in realtime mode: a scheduled one (an application's) is started
    in realtime mode first, as start-interview would."""
    if interview.status == "scheduled" and interview.application_id is not None:
        interviews.start(caller, StartRequest(application_id=interview.application_id, mode="realtime"))
        interview = _visible(caller, str(interview.id))
    if interview.status != "in_progress":
        raise InterviewNotActive()
    if interview.mode != "realtime":
        raise Conflict("This interview is not in realtime mode; answer it turn by turn.", details={"mode": interview.mode})
    return interview


def _end_at_time_limit(interview_id: str) -> None:
    with service_transaction() as conn:
        interview_rows.finish(conn, interview_id, TIME_LIMIT)
    logger.info("realtime interview reached its time limit", extra={"interview_id": interview_id})


def open_session(caller: Caller, interview_id: str) -> RealtimeSession:
    """Mint a client secret configured for this interview and hold its lease. 404 for an interview
    the caller does not have, then 503 with the voice fallback when realtime cannot be opened
    now; 409 while another session is live."""
    interview = _visible(caller, interview_id)
    reason = realtime_unavailable_reason()
    if reason is not None:
        raise RealtimeUnavailable(reason)
    settings = get_settings()
    interview = _started(caller, interview)
    ends_at = cap_ends_at(interview, settings)
    seconds_left = int((ends_at - interview.now).total_seconds())
    if seconds_left < MIN_SECRET_SECONDS:
        _end_at_time_limit(interview_id)
        raise InterviewNotActive("The interview reached its time limit and was completed.")
    ttl = min(settings.realtime_secret_ttl_seconds, seconds_left)

    with service_transaction() as conn:
        state = SessionState.load(interview_rows.progression_state(conn, interview_id))
        asked = rows.asked_questions(conn, interview_id, ASKED_IN_INSTRUCTIONS + 1)
        lease = rows.open_lease(
            conn, interview_id, settings.openai_realtime_model, settings.openai_realtime_voice, ttl + settings.realtime_lease_seconds
        )
    if lease is None:
        raise RealtimeSessionActive()
    configuration = session_configuration(interview.role_type, state, asked, settings)
    secret = _mint(lease, configuration, ttl)
    expires_at = datetime.fromtimestamp(secret.expires_at, tz=UTC)
    with service_transaction() as conn:
        rows.record_secret(conn, lease.id, expires_at)
    logger.info("realtime session opened", extra={"interview_id": interview_id, "session_id": lease.id, "ttl_seconds": ttl})
    return RealtimeSession(
        session_id=lease.id,
        client_secret=secret.value,
        expires_at=expires_at,
        model=settings.openai_realtime_model,
        call_url=call_url(settings),
        ends_at=ends_at,
        lease_seconds=settings.realtime_lease_seconds,
    )


def _mint(lease: rows.Lease, configuration: dict[str, Any], ttl: int) -> RealtimeSecret:
    """The client secret; the lease ends again when minting fails (an outage answers 503 with the fallback)."""
    minted = False
    try:
        secret = get_provider().create_realtime_secret(configuration, ttl).value
        minted = True
        return secret
    except AIUnavailable as exc:
        raise RealtimeUnavailable("upstream_unavailable") from exc
    finally:
        if not minted:
            with service_transaction() as conn:
                rows.end_session(conn, lease.id, "mint_failed")


def end_session(caller: Caller, interview_id: str) -> SessionEnded:
    """End the interview's live session (the browser hung up); the interview itself goes on."""
    with user_transaction(caller.claims) as conn:
        interview = rows.interview(conn, interview_id)
        if interview is None:
            raise NotFound("The interview was not found.")
        if str(interview.candidate_id) != caller.user_id:
            raise Forbidden("Only the candidate holds their interview's realtime session.")
        become_service(conn)
        ended = rows.end_live(conn, interview_id, "client_ended")
    return SessionEnded(ended=ended)


def end_expired_sessions(now: datetime | None = None) -> int:
    """End the sessions whose lease ran out without events (as of `now`, default the database clock)."""
    with service_transaction() as conn:
        return rows.end_expired(conn, now)
