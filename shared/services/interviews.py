"""Interviews: start (first warmup question), recovery status, messages, transcript, completion
and the inactivity sweep. Turns are in shared/services/turns.py."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import DictRow

from shared import rate_limit
from shared.ai.base import get_provider
from shared.ai.models import AIUsage, GeneratedQuestion, RoleType
from shared.auth import Caller
from shared.db import become_service, one, service_transaction, user_transaction
from shared.errors import Conflict, Forbidden, InterviewNotActive, NotFound, ValidationFailed
from shared.models.interviews import (
    Completion,
    InterviewStatusView,
    InterviewSummary,
    Message,
    MessagePage,
    Question,
    StartedInterview,
    StartRequest,
    Transcript,
    TranscriptEntry,
)
from shared.services import interview_audio
from shared.services.interview_state import SessionState, progress
from shared.services.progression import record_question
from shared.settings import get_settings

MESSAGE_COLUMNS = (
    "id, sequence_number, message_type, content_text, content_audio_url, audio_duration_seconds, response_time_seconds, metadata, created_at"
)


def role_from_skills(skills: list[str]) -> RoleType | None:
    lowered = {skill.lower() for skill in skills}
    frontend = bool(lowered & {"react", "next.js", "redux"})
    backend = bool(lowered & {"python", "django", "fastapi", "flask", "node.js"})
    if frontend and backend:
        return "fullstack"
    if frontend:
        return "react"
    if "python" in lowered or backend:
        return "python"
    if lowered & {"javascript", "typescript"}:
        return "javascript"
    return None


def is_speech(usage: AIUsage) -> bool:
    """Speech-to-text (audio seconds) or text-to-speech (characters), billed apart from the language model."""
    return usage.audio_seconds > 0 or usage.characters > 0


def add_usage(conn: psycopg.Connection[DictRow], interview_id: str, usages: list[AIUsage]) -> None:
    """Accumulate tokens and costs: language-model work in cost_usd, speech in speech_cost_usd."""
    llm = [u for u in usages if not is_speech(u)]
    speech = [u for u in usages if is_speech(u)]
    conn.execute(
        "update public.interviews set total_tokens_used = total_tokens_used + %s, cost_usd = cost_usd + %s,"
        " speech_tokens_used = speech_tokens_used + %s, speech_cost_usd = speech_cost_usd + %s,"
        " ai_model_used = coalesce(%s, ai_model_used) where id = %s",
        [
            sum(u.total_tokens for u in llm),
            sum(u.cost_usd for u in llm),
            sum(u.total_tokens for u in speech),
            sum(u.cost_usd for u in speech),
            llm[-1].model if llm else None,
            interview_id,
        ],
    )


def question_payload(message: DictRow | None, audio_url: str | None = None) -> Question | None:
    """A question message as the client sees it (with a signed audio URL in voice mode)."""
    if message is None:
        return None
    url = audio_url if audio_url is not None else interview_audio.question_audio_url(message.get("content_audio_url"))
    return Question(
        id=message["id"],
        sequence_number=message["sequence_number"],
        text=message["content_text"],
        audio_url=url,
        phase=(message.get("metadata") or {}).get("phase"),
    )


def insert_question(
    conn: psycopg.Connection[DictRow],
    interview_id: str,
    session_id: str,
    sequence_number: int,
    question: GeneratedQuestion,
    audio_path: str | None,
) -> DictRow:
    metadata = {
        "question_id": question.question_id,
        "topic": question.topic,
        "phase": question.phase,
        "difficulty": question.difficulty,
        "is_follow_up": question.is_follow_up,
    }
    cursor = conn.execute(
        "insert into public.interview_messages (interview_id, session_id, sequence_number, message_type, content_text, content_audio_url, metadata)"
        f" values (%s, %s, %s, 'ai_question', %s, %s, %s) returning {MESSAGE_COLUMNS}",
        [interview_id, session_id, sequence_number, question.text, audio_path, json.dumps(metadata)],
    )
    return one(cursor)


def _context(caller: Caller, request: StartRequest) -> tuple[str | None, dict[str, Any]]:
    """The scheduled interview of an application (if any) and what the questions should know."""
    found: dict[str, Any] = {"resume_skills": [], "job_title": None, "job_stack": [], "role_type": request.role_type, "resume_id": request.resume_id}
    scheduled_id = None
    with user_transaction(caller.claims) as conn:
        if request.application_id:
            row = conn.execute(
                "select i.id, i.status, i.role_type, i.resume_id, p.title, p.tech_stack from public.applications a"
                " join public.interviews i on i.id = a.interview_id left join public.job_postings p on p.id = a.job_posting_id"
                " where a.id = %s and a.candidate_id = %s",
                [request.application_id, caller.user_id],
            ).fetchone()
            if row is None:
                raise NotFound("The application was not found.")
            if row["status"] != "scheduled":
                raise Conflict("This application's interview has already been started.", details={"interview_id": str(row["id"])})
            scheduled_id = str(row["id"])
            found.update(
                role_type=request.role_type or row["role_type"],
                resume_id=row["resume_id"],
                job_title=row["title"],
                job_stack=list(row["tech_stack"] or []),
            )
        resume_filter = "id = %s" if found["resume_id"] else "is_active"
        params = [found["resume_id"]] if found["resume_id"] else []
        resume = conn.execute(
            f"select id, parsed_data from public.resumes where candidate_id = %s and {resume_filter}", [caller.user_id, *params]
        ).fetchone()
    if request.resume_id and resume is None:
        raise NotFound("The resume was not found.")
    if resume is not None:
        found["resume_id"] = str(resume["id"])
        found["resume_skills"] = list((resume["parsed_data"] or {}).get("skills") or [])
    found["role_type"] = found["role_type"] or role_from_skills(found["resume_skills"])
    if found["role_type"] is None:
        raise ValidationFailed(
            "Choose a role_type (react, python, javascript or fullstack); it could not be inferred from a resume.", details={"field": "role_type"}
        )
    return scheduled_id, found


def start(caller: Caller, request: StartRequest) -> StartedInterview:
    """Create the interview (or start the application's scheduled one) and ask the first warmup question."""
    settings = get_settings()
    rate_limit.hit("interview.start", caller.user_id, limit=settings.interview_starts_per_hour, window_seconds=3600)
    scheduled_id, found = _context(caller, request)
    state = SessionState(resume_skills=found["resume_skills"], job_title=found["job_title"], job_stack=found["job_stack"])
    generated = get_provider().next_question(state.context(found["role_type"]))
    question = generated.value
    state.current_question = question
    state.asked_question_ids.append(question.question_id)
    state.progression = record_question(state.progression)
    usages = [generated.usage]
    interview_id = scheduled_id or str(uuid.uuid4())
    spoken = interview_audio.speak_question(caller.user_id, interview_id, 1, question.text) if request.mode == "voice" else None
    if spoken:
        usages.append(spoken.usage)

    with service_transaction() as conn:
        if scheduled_id:
            interview = conn.execute(
                "update public.interviews set status = 'in_progress', mode = %s, role_type = %s, started_at = now(), last_activity_at = now(),"
                " token_budget = %s where id = %s and status = 'scheduled' returning id, status, role_type, mode",
                [request.mode, found["role_type"], settings.interview_token_budget, scheduled_id],
            ).fetchone()
            if interview is None:
                raise Conflict("This application's interview has already been started.")
        else:
            interview = one(
                conn.execute(
                    "insert into public.interviews (id, candidate_id, resume_id, role_type, mode, status, started_at, last_activity_at, token_budget)"
                    " values (%s, %s, %s, %s, %s, 'in_progress', now(), now(), %s) returning id, status, role_type, mode",
                    [interview_id, caller.user_id, found["resume_id"], found["role_type"], request.mode, settings.interview_token_budget],
                )
            )
        session_id = one(
            conn.execute(
                "insert into public.interview_sessions (interview_id, current_difficulty_level, questions_asked_count, progression_state,"
                " conversation_memory) values (%s, %s, 1, %s, '[]') returning id",
                [interview_id, state.progression.phase, state.model_dump_json()],
            )
        )["id"]
        message = insert_question(conn, interview_id, session_id, 1, question, spoken.path if spoken else None)
        add_usage(conn, interview_id, usages)
    first_question = question_payload(message, spoken.url if spoken else None)
    assert first_question is not None  # a message was just inserted
    return StartedInterview(interview=InterviewSummary.model_validate(interview), question=first_question, progress=progress(state))


def _visible_interview(conn: psycopg.Connection[DictRow], interview_id: str) -> DictRow:
    """The interview if the caller may see it (the candidate, or staff of the candidate's
    organizations, by RLS); 404 otherwise. Once visibility is established the transaction
    continues as the service: the engine state (progression) is not candidate-readable (F6), and
    everything read afterwards belongs to this interview."""
    row = conn.execute(
        "select i.id, i.candidate_id, i.status, i.role_type, i.mode, i.started_at, i.completed_at, i.duration_seconds, i.end_reason,"
        " i.last_activity_at from public.interviews i where i.id = %s",
        [interview_id],
    ).fetchone()
    if row is None:
        raise NotFound("The interview was not found.")
    become_service(conn)
    session = conn.execute("select progression_state from public.interview_sessions where interview_id = %s", [interview_id]).fetchone()
    row["progression_state"] = session["progression_state"] if session else None
    return row


def status(caller: Caller, interview_id: str) -> InterviewStatusView:
    """Where the interview stands, for a client recovering after a reload."""
    with user_transaction(caller.claims) as conn:
        interview = _visible_interview(conn, interview_id)
        last = conn.execute(
            f"select {MESSAGE_COLUMNS} from public.interview_messages where interview_id = %s order by sequence_number desc limit 1", [interview_id]
        ).fetchone()
    state = SessionState.load(interview["progression_state"])
    outstanding = last if interview["status"] == "in_progress" and last and last["message_type"] == "ai_question" else None
    return InterviewStatusView(
        status=interview["status"],
        role_type=interview["role_type"],
        mode=interview["mode"],
        can_resume=interview["status"] == "in_progress",
        can_restart=interview["status"] == "abandoned",
        last_question=question_payload(outstanding),
        progress=progress(state),
        end_reason=interview["end_reason"],
        started_at=interview["started_at"],
        completed_at=interview["completed_at"],
        duration_seconds=interview["duration_seconds"],
        results=f"/assessments/{interview_id}" if interview["status"] == "completed" else None,
    )


def messages(caller: Caller, interview_id: str, limit: int = 50, before: int | None = None) -> MessagePage:
    """A page of messages in order: the newest `limit` before sequence number `before`."""
    limit = max(1, min(100, limit))
    with user_transaction(caller.claims) as conn:
        _visible_interview(conn, interview_id)
        rows = conn.execute(
            f"select {MESSAGE_COLUMNS} from public.interview_messages where interview_id = %s and sequence_number < coalesce(%s, 2147483647)"
            " order by sequence_number desc limit %s",
            [interview_id, before, limit + 1],
        ).fetchall()
    page = list(reversed(rows[:limit]))
    return MessagePage(
        items=[Message.model_validate(row) for row in page], next_before=page[0]["sequence_number"] if len(rows) > limit and page else None
    )


def latest(caller: Caller, interview_id: str) -> Message | None:
    """The newest message, if any."""
    page = messages(caller, interview_id, limit=1).items
    return page[0] if page else None


def transcript(caller: Caller, interview_id: str) -> Transcript:
    """The whole conversation in order, as entries and as plain text."""
    with user_transaction(caller.claims) as conn:
        interview = _visible_interview(conn, interview_id)
        rows = conn.execute(
            "select sequence_number, message_type, content_text, response_time_seconds, audio_duration_seconds, created_at"
            " from public.interview_messages where interview_id = %s order by sequence_number",
            [interview_id],
        ).fetchall()
    lines = [f"{'Interviewer' if r['message_type'] == 'ai_question' else 'Candidate'}: {r['content_text']}" for r in rows]
    entries = [
        TranscriptEntry(
            sequence_number=r["sequence_number"],
            speaker="interviewer" if r["message_type"] == "ai_question" else "candidate",
            text=r["content_text"],
            response_time_seconds=r["response_time_seconds"],
            audio_duration_seconds=r["audio_duration_seconds"],
            at=r["created_at"],
        )
        for r in rows
    ]
    return Transcript(interview_id=interview["id"], status=interview["status"], entries=entries, text="\n".join(lines))


def complete(caller: Caller, interview_id: str) -> Completion:
    """The candidate ends the interview; the completion trigger queues scoring."""
    with user_transaction(caller.claims) as conn:
        interview = _visible_interview(conn, interview_id)
    if str(interview["candidate_id"]) != caller.user_id:
        raise Forbidden("Only the candidate can complete their interview.")
    if interview["status"] == "completed":
        return Completion(duration_seconds=interview["duration_seconds"])
    with service_transaction() as conn:
        row = finish(conn, interview_id, "candidate_completed")
    if row is None:
        raise InterviewNotActive()
    return Completion(duration_seconds=row["duration_seconds"])


def finish(conn: psycopg.Connection[DictRow], interview_id: str, reason: str) -> DictRow | None:
    """Complete an in-progress interview; None when it was not in progress."""
    return conn.execute(
        "update public.interviews set status = 'completed', completed_at = now(), end_reason = %s,"
        " duration_seconds = greatest(0, extract(epoch from now() - coalesce(started_at, created_at)))::integer"
        " where id = %s and status = 'in_progress' returning duration_seconds",
        [reason, interview_id],
    ).fetchone()


def expire(now: datetime | None = None) -> int:
    """Abandon in-progress interviews with no activity for INTERVIEW_INACTIVITY_MINUTES (as of
    `now`, default the database clock), unless a realtime connection still holds them."""
    minutes = get_settings().interview_inactivity_minutes
    with service_transaction() as conn:
        rows = conn.execute(
            "update public.interviews i set status = 'abandoned', end_reason = 'inactive'"
            " where i.status = 'in_progress' and i.last_activity_at < coalesce(%s, now()) - make_interval(mins => %s)"
            " and not exists (select 1 from public.interview_sessions s where s.interview_id = i.id"
            "                 and s.realtime_session_expires_at > coalesce(%s, now()))"
            " returning i.id",
            [now, minutes, now],
        ).fetchall()
    return len(rows)
