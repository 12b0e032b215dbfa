"""Interviews: start (first warmup question), recovery status, messages, transcript, completion
and the inactivity sweep. Turns are in shared/services/turns.py.

Application rows (and the recruiter models they return) are imported by the starts that read
them, not with this module: process-turn imports it for a few helpers, and a text turn should not
pay for loading the recruiter views' models at cold start."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from shared.ai.base import get_provider, realtime_unavailable_reason
from shared.ai.models import AIUsage, RoleType
from shared.auth import Caller, confirm_session
from shared.db import Connection, service_transaction
from shared.errors import Conflict, InterviewNotActive, JobNotOpen, NotFound, RateLimited, ValidationFailed
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


def _context(caller: Caller, request: StartRequest, limit: tuple[str, str, int, int]) -> StartContext:
    """The scheduled interview of an application (if any) and what the questions should know,
    read in one round trip with the caller's session check and the rate limit's hit.
    An application's interview starts only while its posting is open and the application waits
    for it; an abandoned one is restarted as a new interview of the same application."""
    application_id = str(request.application_id) if request.application_id else None
    found = rows.read_start(
        caller.claims, application_id=application_id, resume_id=str(request.resume_id) if request.resume_id else None, limit=limit
    )
    confirm_session(caller, found.session_active)
    if not found.allowed:
        raise RateLimited(retry_after=found.retry_after_seconds)
    role_type = request.role_type
    resume_id = str(request.resume_id) if request.resume_id else None
    scheduled = found.scheduled
    restart = None
    if application_id is not None:
        state = found.application
        if scheduled is None or state is None:
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
    resume = found.resume
    skills = resume.skills if resume is not None else []
    role_type = role_type or found.role_for_skills
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
    """Create the interview (or start the application's scheduled one) and ask the first warmup
    question: two database round trips, one read (with the rate limit) and one write."""
    settings = get_settings()
    mode, fallback = _available_mode(request.mode)
    found = _context(caller, request, ("interview.start", caller.user_id, settings.interview_starts_per_hour, 3600))
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

    restart = found.restart
    started = rows.record_start(
        caller.claims,
        interview_id,
        scheduled=found.scheduled_id is not None,
        resume_id=found.resume_id,
        role_type=found.role_type,
        mode=mode,
        token_budget=settings.interview_token_budget,
        restart=(restart.application_id, restart.abandoned_id, restart.job_posting_id) if restart else None,
        progression_state=state.model_dump_json(),
        difficulty_level=state.progression.phase,
        question=question,
        question_audio_path=spoken.path if spoken else None,
        usage=usage_totals(usages),
    )
    if started.interview is None or started.question is None:
        if restart:
            raise Conflict("This application's interview has already been restarted.")
        raise Conflict("This application's interview has already been started.")
    first_question = question_payload(started.question, spoken.url if spoken else None)
    assert first_question is not None  # a message was just inserted
    return StartedInterview(interview=started.interview, question=first_question, progress=progress(state), fallback=fallback)


def _available_mode(requested: InterviewMode) -> tuple[InterviewMode, ModeFallback | None]:
    """The mode to start in: realtime when it can be opened now, else turn-based speech, said so."""
    if requested != "realtime":
        return requested, None
    reason = realtime_unavailable_reason()
    if reason is None:
        return requested, None
    return "voice", ModeFallback(requested_mode="realtime", mode="voice", reason=reason)


def status(caller: Caller, interview_id: str) -> InterviewStatusView:
    """Where the interview stands, for a client recovering after a reload."""
    interview, stored_state, last = rows.status_view(caller.claims, interview_id)
    if interview is None:
        raise NotFound("The interview was not found.")
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
    found = rows.message_page(caller.claims, interview_id, before, limit + 1)
    if found is None:
        raise NotFound("The interview was not found.")
    page = list(reversed(found[:limit]))
    return MessagePage(items=page, next_before=page[0].sequence_number if len(found) > limit and page else None)


def latest(caller: Caller, interview_id: str) -> Message | None:
    """The newest message, if any."""
    page = messages(caller, interview_id, limit=1).items
    return page[0] if page else None


def transcript(caller: Caller, interview_id: str) -> Transcript:
    """The whole conversation in order, as entries and as plain text."""
    interview, said = rows.transcript_view(caller.claims, interview_id)
    if interview is None:
        raise NotFound("The interview was not found.")
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
    """The candidate ends their interview (one round trip; the completion trigger queues scoring).
    Completing a completed interview answers its duration again; any other state is 409."""
    found = rows.complete_as_candidate(caller.claims, interview_id)
    confirm_session(caller, found.session_active)
    if found.status is None:
        raise NotFound("The interview was not found.")  # not theirs: a candidate sees only their own (RLS)
    if found.completed or found.status == "completed":
        return Completion(duration_seconds=found.duration_seconds)
    raise InterviewNotActive()


def expire(now: datetime | None = None) -> int:
    """Abandon in-progress interviews with no activity for INTERVIEW_INACTIVITY_MINUTES (as of
    `now`, default the database clock), unless a realtime connection still holds them."""
    minutes = get_settings().interview_inactivity_minutes
    with service_transaction() as conn:
        return len(rows.abandon_inactive(conn, now, minutes))
