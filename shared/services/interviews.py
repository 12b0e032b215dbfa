"""Interviews: start (first warmup question), recovery status, messages, transcript, completion
and the inactivity sweep. Turns are in shared/services/turns.py.

Application rows (and the recruiter models they return) are imported by the starts that read
them, not with this module: process-turn imports it for a few helpers, and a text turn should not
pay for loading the recruiter views' models at cold start."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from shared import rate_limit
from shared.ai.base import get_provider, realtime_unavailable_reason
from shared.ai.models import AIUsage, RoleType
from shared.auth import Caller
from shared.db import Connection, become_service, service_transaction, user_transaction
from shared.errors import Conflict, Forbidden, InterviewNotActive, JobNotOpen, NotFound, ValidationFailed
from shared.models.interviews import (
    Completion,
    InterviewMode,
    InterviewStatusView,
    Message,
    MessagePage,
    ModeFallback,
    Question,
    StartedInterview,
    StartRequest,
    Transcript,
    TranscriptEntry,
)
from shared.repositories import interviews as rows
from shared.services import interview_audio
from shared.services.interview_state import SessionState, progress
from shared.services.progression import record_question
from shared.settings import get_settings


def role_from_skills(conn: Connection, skills: list[str]) -> RoleType | None:
    """The interview role type for resume skills: the one rule, in SQL (access.role_type_for_skills),
    that postings' interviews use too."""
    from shared.repositories import applications as application_rows

    role = application_rows.role_type_for_skills(conn, skills)
    return cast(RoleType | None, role)


def is_speech(usage: AIUsage) -> bool:
    """Speech-to-text (audio seconds) or text-to-speech (characters), billed apart from the language model."""
    return usage.audio_seconds > 0 or usage.characters > 0


def usage_totals(usages: list[AIUsage]) -> rows.Usage:
    """Tokens and costs to add: language-model work in cost_usd, speech in speech_cost_usd."""
    llm = [u for u in usages if not is_speech(u)]
    speech = [u for u in usages if is_speech(u)]
    return rows.Usage(
        tokens=sum(u.total_tokens for u in llm),
        cost_usd=sum(u.cost_usd for u in llm),
        speech_tokens=sum(u.total_tokens for u in speech),
        speech_cost_usd=sum(u.cost_usd for u in speech),
        model=llm[-1].model if llm else None,
    )


def question_payload(message: Message | None, audio_url: str | None = None) -> Question | None:
    """A question message as the client sees it (with a signed audio URL in voice mode)."""
    if message is None:
        return None
    url = audio_url if audio_url is not None else interview_audio.question_audio_url(message.content_audio_url)
    return Question(
        id=message.id,
        sequence_number=message.sequence_number,
        text=message.content_text,
        audio_url=url,
        phase=(message.metadata or {}).get("phase"),
    )


@dataclass(frozen=True)
class StartContext:
    """What the first question should know, and the application's scheduled interview if any."""

    scheduled_id: str | None
    role_type: RoleType
    resume_id: str | None
    resume_skills: list[str] = field(default_factory=list)
    job_title: str | None = None
    job_stack: list[str] = field(default_factory=list)
    restart: Restart | None = None


@dataclass(frozen=True)
class Restart:
    """An application whose interview was abandoned: a new interview replaces it (the old is kept)."""

    application_id: str
    job_posting_id: str
    abandoned_id: str


def _context(caller: Caller, request: StartRequest) -> StartContext:
    """The scheduled interview of an application (if any) and what the questions should know.
    An application's interview starts only while its posting is open and the application waits
    for it; an abandoned one is restarted as a new interview of the same application."""
    from shared.repositories import applications as application_rows

    role_type = request.role_type
    resume_id = str(request.resume_id) if request.resume_id else None
    scheduled = None
    restart = None
    with user_transaction(caller.claims) as conn:
        if request.application_id:
            application_id = str(request.application_id)
            scheduled = rows.scheduled_of_application(conn, application_id, caller.user_id)
            if scheduled is None:
                raise NotFound("The application was not found.")
            become_service(conn)  # the candidate's own application: its posting may be hidden from them now
            state = application_rows.start_state(conn, application_id)
            if state is None:
                raise NotFound("The application was not found.")
            if not state.posting_open:
                raise JobNotOpen("The job posting is no longer open; the application is kept but its interview cannot start.")
            if state.application_status != "interview_scheduled":
                raise Conflict("This application is no longer waiting for an interview.", details={"status": state.application_status})
            if scheduled.status == "abandoned":
                restart = Restart(application_id=application_id, job_posting_id=state.job_posting_id, abandoned_id=scheduled.id)
            elif scheduled.status != "scheduled":
                raise Conflict("This application's interview has already been started.", details={"interview_id": scheduled.id})
            role_type = request.role_type or scheduled.role_type
            resume_id = scheduled.resume_id
        resume = rows.resume_skills(conn, caller.user_id, resume_id)
        skills = resume.skills if resume is not None else []
        role_type = role_type or role_from_skills(conn, skills)
    if request.resume_id and resume is None:
        raise NotFound("The resume was not found.")
    if role_type is None:
        raise ValidationFailed(
            "Choose a role_type (react, python, javascript or fullstack); it could not be inferred from a resume.", details={"field": "role_type"}
        )
    return StartContext(
        scheduled_id=scheduled.id if scheduled and restart is None else None,
        role_type=role_type,
        resume_id=resume.id if resume is not None else resume_id,
        resume_skills=skills,
        job_title=scheduled.job_title if scheduled else None,
        job_stack=scheduled.job_stack if scheduled else [],
        restart=restart,
    )


def start(caller: Caller, request: StartRequest) -> StartedInterview:
    """Create the interview (or start the application's scheduled one) and ask the first warmup question."""
    from shared.repositories import applications as application_rows

    settings = get_settings()
    rate_limit.hit("interview.start", caller.user_id, limit=settings.interview_starts_per_hour, window_seconds=3600)
    mode, fallback = _available_mode(request.mode)
    found = _context(caller, request)
    state = SessionState(resume_skills=found.resume_skills, job_title=found.job_title, job_stack=found.job_stack)
    generated = get_provider().next_question(state.context(found.role_type))
    question = generated.value
    state.current_question = question
    state.asked_question_ids.append(question.question_id)
    state.progression = record_question(state.progression)
    usages = [generated.usage]
    interview_id = found.scheduled_id or str(uuid.uuid4())
    spoken = interview_audio.speak_question(caller.user_id, interview_id, 1, question.text) if mode == "voice" else None
    if spoken:
        usages.append(spoken.usage)

    with service_transaction() as conn:
        if found.scheduled_id:
            interview = rows.start_scheduled(conn, found.scheduled_id, mode, found.role_type, settings.interview_token_budget)
            if interview is None:
                raise Conflict("This application's interview has already been started.")
        else:
            restart = found.restart
            interview = rows.create_started(
                conn,
                interview_id,
                caller.user_id,
                found.resume_id,
                found.role_type,
                mode,
                settings.interview_token_budget,
                application_id=restart.application_id if restart else None,
                job_posting_id=restart.job_posting_id if restart else None,
            )
            if restart and not application_rows.link_interview(conn, restart.application_id, restart.abandoned_id, interview_id):
                raise Conflict("This application's interview has already been restarted.")
        session_id = rows.create_session(conn, interview_id, state.progression.phase, state.model_dump_json())
        message = rows.insert_question(conn, interview_id, session_id, 1, question, spoken.path if spoken else None)
        rows.add_usage(conn, interview_id, usage_totals(usages))
    first_question = question_payload(message, spoken.url if spoken else None)
    assert first_question is not None  # a message was just inserted
    return StartedInterview(interview=interview, question=first_question, progress=progress(state), fallback=fallback)


def _available_mode(requested: InterviewMode) -> tuple[InterviewMode, ModeFallback | None]:
    """The mode to start in: realtime when it can be opened now, else turn-based speech, said so."""
    if requested != "realtime":
        return requested, None
    reason = realtime_unavailable_reason()
    if reason is None:
        return requested, None
    return "voice", ModeFallback(requested_mode="realtime", mode="voice", reason=reason)


def _visible_interview(conn: Connection, interview_id: str) -> tuple[rows.Interview, dict[str, Any] | None]:
    """The interview if the caller may see it (the candidate, or staff of the candidate's
    organizations, by RLS); 404 otherwise. Once visibility is established the transaction
    continues as the service: the engine state (progression) is not candidate-readable (F6), and
    everything read afterwards belongs to this interview. Returns the interview and the engine's
    stored state."""
    interview = rows.find(conn, interview_id)
    if interview is None:
        raise NotFound("The interview was not found.")
    become_service(conn)
    return interview, rows.progression_state(conn, interview_id)


def status(caller: Caller, interview_id: str) -> InterviewStatusView:
    """Where the interview stands, for a client recovering after a reload."""
    with user_transaction(caller.claims) as conn:
        interview, stored_state = _visible_interview(conn, interview_id)
        last = rows.newest_message(conn, interview_id)
    state = SessionState.load(stored_state)
    outstanding = last if interview.status == "in_progress" and last and last.message_type == "ai_question" else None
    return InterviewStatusView(
        status=interview.status,
        role_type=interview.role_type,
        mode=interview.mode,
        can_resume=interview.status == "in_progress",
        can_restart=interview.status == "abandoned",
        last_question=question_payload(outstanding),
        progress=progress(state),
        end_reason=interview.end_reason,
        started_at=interview.started_at,
        completed_at=interview.completed_at,
        duration_seconds=interview.duration_seconds,
        results=f"/assessments/{interview_id}" if interview.status == "completed" else None,
    )


def messages(caller: Caller, interview_id: str, limit: int = 50, before: int | None = None) -> MessagePage:
    """A page of messages in order: the newest `limit` before sequence number `before`."""
    limit = max(1, min(100, limit))
    with user_transaction(caller.claims) as conn:
        _visible_interview(conn, interview_id)
        found = rows.messages_before(conn, interview_id, before, limit + 1)
    page = list(reversed(found[:limit]))
    return MessagePage(items=page, next_before=page[0].sequence_number if len(found) > limit and page else None)


def latest(caller: Caller, interview_id: str) -> Message | None:
    """The newest message, if any."""
    page = messages(caller, interview_id, limit=1).items
    return page[0] if page else None


def transcript(caller: Caller, interview_id: str) -> Transcript:
    """The whole conversation in order, as entries and as plain text."""
    with user_transaction(caller.claims) as conn:
        interview, _ = _visible_interview(conn, interview_id)
        said = rows.transcript(conn, interview_id)
    lines = [f"{'Interviewer' if r.message_type == 'ai_question' else 'Candidate'}: {r.content_text}" for r in said]
    entries = [
        TranscriptEntry(
            sequence_number=r.sequence_number,
            speaker="interviewer" if r.message_type == "ai_question" else "candidate",
            text=r.content_text,
            response_time_seconds=r.response_time_seconds,
            audio_duration_seconds=r.audio_duration_seconds,
            at=r.created_at,
        )
        for r in said
    ]
    return Transcript(interview_id=interview.id, status=interview.status, entries=entries, text="\n".join(lines))


def complete(caller: Caller, interview_id: str) -> Completion:
    """The candidate ends the interview; the completion trigger queues scoring."""
    with user_transaction(caller.claims) as conn:
        interview, _ = _visible_interview(conn, interview_id)
    if str(interview.candidate_id) != caller.user_id:
        raise Forbidden("Only the candidate can complete their interview.")
    if interview.status == "completed":
        return Completion(duration_seconds=interview.duration_seconds)
    with service_transaction() as conn:
        finished = rows.finish(conn, interview_id, "candidate_completed")
    if finished is None:
        raise InterviewNotActive()
    return Completion(duration_seconds=finished.duration_seconds)


def expire(now: datetime | None = None) -> int:
    """Abandon in-progress interviews with no activity for INTERVIEW_INACTIVITY_MINUTES (as of
    `now`, default the database clock), unless a realtime connection still holds them."""
    minutes = get_settings().interview_inactivity_minutes
    with service_transaction() as conn:
        return len(rows.abandon_inactive(conn, now, minutes))
