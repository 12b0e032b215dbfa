"""Interview, session and message rows: what starting an interview needs and writes, the visible
interview and its engine state, message pages and the transcript, staff's views (a candidate's
interviews, recent completions, the answer-by-answer review), a turn's reads and its one write
transaction, usage accounting, completion and the inactivity sweep.

A text turn is two network round trips (`read_turn`, then `record_turn`): everything it reads in
one pipelined call under the caller's RLS, everything it writes in one call of
`private.record_turn`."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, NamedTuple
from uuid import UUID

from shared import db
from shared.ai.models import GeneratedQuestion, RoleType
from shared.db import Connection, one
from shared.models.interviews import Answer, InterviewMode, InterviewStatus, InterviewSummary, Message

MESSAGE_COLUMNS = (
    "id, sequence_number, message_type, content_text, content_audio_url, audio_duration_seconds, response_time_seconds, metadata, created_at"
)


class Usage(NamedTuple):
    """Tokens and costs to add: language-model work, and speech billed apart."""

    tokens: int
    cost_usd: float
    speech_tokens: int
    speech_cost_usd: float
    model: str | None


class ScheduledInterview(NamedTuple):
    """The interview of a candidate's application, with what its job posting tells the questions."""

    id: str
    status: InterviewStatus
    role_type: RoleType | None
    resume_id: str | None
    job_title: str | None
    job_stack: list[str]


class ResumeSkills(NamedTuple):
    id: str
    skills: list[str]


class Interview(NamedTuple):
    """An interview as its candidate and their organizations' staff see it."""

    id: UUID
    candidate_id: UUID
    status: InterviewStatus
    role_type: RoleType
    mode: InterviewMode
    started_at: datetime | None
    completed_at: datetime | None
    duration_seconds: int | None
    end_reason: str | None
    last_activity_at: datetime | None


class TranscriptLine(NamedTuple):
    sequence_number: int
    message_type: str
    content_text: str
    response_time_seconds: float | None
    audio_duration_seconds: float | None
    created_at: datetime


class Finished(NamedTuple):
    duration_seconds: int


class TurnInterview(NamedTuple):
    """What a turn needs of the interview, with the database time the request was received."""

    id: UUID
    candidate_id: UUID
    status: InterviewStatus
    role_type: RoleType
    mode: InterviewMode
    total_tokens_used: int
    token_budget: int
    received_at: datetime


class Session(NamedTuple):
    """The engine's session row (service role only: not candidate-readable)."""

    id: str | None
    progression_state: dict[str, Any] | None
    conversation_memory: list[dict[str, Any]] | None


NO_SESSION = Session(id=None, progression_state=None, conversation_memory=None)


class RecentMessage(NamedTuple):
    id: UUID
    sequence_number: int
    message_type: str
    content_text: str
    created_at: datetime


class StaffInterview(NamedTuple):
    """An interview with its accounting, as staff of the candidate's organizations read it."""

    id: UUID
    status: InterviewStatus
    mode: InterviewMode
    role_type: RoleType
    job_posting_id: UUID | None
    application_id: UUID | None
    started_at: datetime | None
    completed_at: datetime | None
    duration_seconds: int | None
    end_reason: str | None
    created_at: datetime
    ai_model_used: str | None
    total_tokens_used: int
    cost_usd: float
    speech_tokens_used: int
    speech_cost_usd: float
    realtime_cost_usd: float


class CompletedInterview(NamedTuple):
    id: str
    candidate_id: str
    full_name: str
    email: str
    role_type: RoleType
    mode: InterviewMode
    completed_at: datetime


class ReviewMessage(NamedTuple):
    """A message with what a review shows of it (service role: evaluations and audio metadata are staff-only columns)."""

    id: UUID
    sequence_number: int
    message_type: str
    content_text: str
    content_audio_url: str | None
    audio_duration_seconds: float | None
    transcription_confidence: float | None
    response_time_seconds: float | None
    phase: str | None
    topic: str | None
    evaluation: dict[str, Any] | None
    created_at: datetime


# Usage and questions


def add_usage(conn: Connection, interview_id: str, usage: Usage) -> None:
    conn.execute(
        "update public.interviews set total_tokens_used = total_tokens_used + %s, cost_usd = cost_usd + %s,"
        " speech_tokens_used = speech_tokens_used + %s, speech_cost_usd = speech_cost_usd + %s,"
        " ai_model_used = coalesce(%s, ai_model_used) where id = %s",
        [usage.tokens, usage.cost_usd, usage.speech_tokens, usage.speech_cost_usd, usage.model, interview_id],
    )


def question_metadata(question: GeneratedQuestion) -> dict[str, Any]:
    """What a question message records of the generated question (candidate-readable)."""
    return {
        "question_id": question.question_id,
        "topic": question.topic,
        "phase": question.phase,
        "difficulty": question.difficulty,
        "is_follow_up": question.is_follow_up,
    }


def insert_question(
    conn: Connection, interview_id: str, session_id: str | None, sequence_number: int, question: GeneratedQuestion, audio_path: str | None
) -> Message:
    cursor = conn.execute(
        "insert into public.interview_messages (interview_id, session_id, sequence_number, message_type, content_text, content_audio_url, metadata)"
        f" values (%s, %s, %s, 'ai_question', %s, %s, %s) returning {MESSAGE_COLUMNS}",
        [interview_id, session_id, sequence_number, question.text, audio_path, json.dumps(question_metadata(question))],
    )
    return Message.model_validate(one(cursor))


# Starting


def scheduled_of_application(conn: Connection, application_id: str, candidate_id: str) -> ScheduledInterview | None:
    row = conn.execute(
        "select i.id, i.status, i.role_type, i.resume_id, p.title, p.tech_stack from public.applications a"
        " join public.interviews i on i.id = a.interview_id left join public.job_postings p on p.id = a.job_posting_id"
        " where a.id = %s and a.candidate_id = %s",
        [application_id, candidate_id],
    ).fetchone()
    if row is None:
        return None
    return ScheduledInterview(
        id=str(row["id"]),
        status=row["status"],
        role_type=row["role_type"],
        resume_id=str(row["resume_id"]) if row["resume_id"] is not None else None,
        job_title=row["title"],
        job_stack=list(row["tech_stack"] or []),
    )


def start_scheduled(conn: Connection, interview_id: str, mode: str, role_type: str, token_budget: int) -> InterviewSummary | None:
    """Start a scheduled interview; None when it is no longer scheduled."""
    row = conn.execute(
        "update public.interviews set status = 'in_progress', mode = %s, role_type = %s, started_at = now(), last_activity_at = now(),"
        " token_budget = %s where id = %s and status = 'scheduled' returning id, status, role_type, mode",
        [mode, role_type, token_budget, interview_id],
    ).fetchone()
    return InterviewSummary.model_validate(row) if row else None


def create_session(conn: Connection, interview_id: str, difficulty_level: str, progression_state: str) -> str:
    """The session of a new interview with one question asked; its id."""
    cursor = conn.execute(
        "insert into public.interview_sessions (interview_id, current_difficulty_level, questions_asked_count, progression_state,"
        " conversation_memory) values (%s, %s, 1, %s, '[]') returning id",
        [interview_id, difficulty_level, progression_state],
    )
    return str(one(cursor)["id"])


class StartRead(NamedTuple):
    """Everything a start reads, in one round trip: whether the caller's session is live, the
    rate limit's answer (counted only for a live session), the caller's application's scheduled
    interview and, read as the service once the application is shown to be theirs, its state;
    the resume the questions should know (the application's, the one asked for, or the active
    one) with its skills, and the role type those skills map to."""

    session_active: bool
    allowed: bool
    retry_after_seconds: int
    scheduled: ScheduledInterview | None
    application: ApplicationStartState | None
    resume: ResumeSkills | None
    role_for_skills: RoleType | None


class ApplicationStartState(NamedTuple):
    """An application's status and whether its posting still takes interviews."""

    application_status: str
    job_posting_id: str
    posting_open: bool


# As the service on the caller's behalf: their session and, for a live one, the rate limit's hit.
START_LIMIT_SQL = (
    "select c.session_active, case when c.session_active then"
    " (select to_jsonb(h) from private.hit_rate_limit(%(action)s, %(subject)s, %(limit)s, %(window)s) h) end as rate"
    " from access.caller_state() c"
)
# Then as the caller, under RLS: their application's interview and the resume.
START_READ_SQL = """
select s.id as scheduled_id, s.status as scheduled_status, s.role_type as scheduled_role_type, s.resume_id as scheduled_resume_id,
       s.title as job_title, s.tech_stack as job_stack, r.id as resume_id, r.skills,
       access.role_type_for_skills(coalesce(r.skills, '{}')) as role_for_skills
  from (select 1) one
  left join lateral (select i.id, i.status, i.role_type, i.resume_id, p.title, p.tech_stack from public.applications a
                       join public.interviews i on i.id = a.interview_id left join public.job_postings p on p.id = a.job_posting_id
                      where a.id = %(application)s and a.candidate_id = (select auth.uid())) s on true
  left join lateral (select r.id, case when jsonb_typeof(r.parsed_data -> 'skills') = 'array'
                                       then array(select jsonb_array_elements_text(r.parsed_data -> 'skills')) end as skills
                       from public.resumes r
                      where r.candidate_id = (select auth.uid())
                        and case when coalesce(s.resume_id, %(resume)s) is null then r.is_active else r.id = coalesce(s.resume_id, %(resume)s) end
                      limit 1) r on true
"""
# The application's posting may be hidden from the candidate now: its state is read as the
# service, only once the application is shown to be theirs.
START_SWITCH_SQL = (
    "select set_config('role', 'service_role', true) from public.applications a where a.id = %(application)s and a.candidate_id = (select auth.uid())"
)
START_STATE_SQL = (
    "select a.status, a.job_posting_id, (p.status = 'active' and not p.is_cancelled) as posting_open"
    " from public.applications a join public.job_postings p on p.id = a.job_posting_id"
    " where a.id = %(application)s and current_user = 'service_role'"
)


def read_start(claims: dict[str, Any], *, application_id: str | None, resume_id: str | None, limit: tuple[str, str, int, int]) -> StartRead:
    """What a start needs, read in one round trip as the caller (RLS decides what they see), with
    the rate limit `limit` (action, subject, limit, window in seconds) counted in it."""
    action, subject, most, window = limit
    params = {"action": action, "subject": subject, "limit": most, "window": window, "application": application_id, "resume": resume_id}
    statements: list[db.Statement] = [
        db.on_behalf_of(claims),
        (START_LIMIT_SQL, params),
        ("select set_config('role', 'authenticated', true)", []),
        (START_READ_SQL, params),
    ]
    if application_id is not None:
        statements += [(START_SWITCH_SQL, params), (START_STATE_SQL, params)]
    results = db.round_trip(statements)
    limited, found = results[1][0], results[3][0]
    rate = limited["rate"] or {}
    scheduled = None
    if found["scheduled_id"] is not None:
        scheduled = ScheduledInterview(
            id=str(found["scheduled_id"]),
            status=found["scheduled_status"],
            role_type=found["scheduled_role_type"],
            resume_id=str(found["scheduled_resume_id"]) if found["scheduled_resume_id"] is not None else None,
            job_title=found["job_title"],
            job_stack=list(found["job_stack"] or []),
        )
    application = None
    if application_id is not None and results[5]:
        state = results[5][0]
        application = ApplicationStartState(
            application_status=state["status"], job_posting_id=str(state["job_posting_id"]), posting_open=bool(state["posting_open"])
        )
    resume = ResumeSkills(id=str(found["resume_id"]), skills=list(found["skills"] or [])) if found["resume_id"] is not None else None
    return StartRead(
        session_active=bool(limited["session_active"]),
        allowed=bool(rate.get("allowed", True)),
        retry_after_seconds=int(rate.get("retry_after_seconds") or 0),
        scheduled=scheduled,
        application=application,
        resume=resume,
        role_for_skills=found["role_for_skills"],
    )


class Started(NamedTuple):
    """What private.record_start did: started (the interview and its first question), or
    conflict (the scheduled interview was started, or the abandoned one replaced, meanwhile)."""

    outcome: str
    interview: InterviewSummary | None = None
    question: Message | None = None


RECORD_START_SQL = """
select private.record_start(
  p_interview_id => %(interview_id)s::uuid, p_scheduled => %(scheduled)s::boolean, p_resume_id => %(resume_id)s::uuid,
  p_role_type => %(role_type)s::text, p_mode => %(mode)s::text, p_token_budget => %(token_budget)s::integer,
  p_application_id => %(application_id)s::uuid, p_abandoned_id => %(abandoned_id)s::uuid, p_job_posting_id => %(job_posting_id)s::uuid,
  p_progression_state => %(progression_state)s::jsonb, p_difficulty_level => %(difficulty_level)s::text,
  p_question_text => %(question_text)s::text, p_question_audio_path => %(question_audio_path)s::text,
  p_question_metadata => %(question_metadata)s::jsonb,
  p_tokens => %(tokens)s::integer, p_cost_usd => %(cost_usd)s::numeric, p_speech_tokens => %(speech_tokens)s::integer,
  p_speech_cost_usd => %(speech_cost_usd)s::numeric, p_model => %(model)s::text) as started
"""


def record_start(
    claims: dict[str, Any],
    interview_id: str,
    *,
    scheduled: bool,
    resume_id: str | None,
    role_type: str,
    mode: str,
    token_budget: int,
    restart: tuple[str, str, str] | None,
    progression_state: str,
    difficulty_level: str,
    question: GeneratedQuestion,
    question_audio_path: str | None,
    usage: Usage,
) -> Started:
    """Start the caller's interview in one round trip on their behalf (private.record_start takes
    the candidate from their claims). `restart` is (application, abandoned interview, posting)."""
    application_id, abandoned_id, job_posting_id = restart or (None, None, None)
    params = {
        "interview_id": interview_id,
        "scheduled": scheduled,
        "resume_id": resume_id,
        "role_type": role_type,
        "mode": mode,
        "token_budget": token_budget,
        "application_id": application_id,
        "abandoned_id": abandoned_id,
        "job_posting_id": job_posting_id,
        "progression_state": progression_state,
        "difficulty_level": difficulty_level,
        "question_text": question.text,
        "question_audio_path": question_audio_path,
        "question_metadata": json.dumps(question_metadata(question)),
        "tokens": usage.tokens,
        "cost_usd": usage.cost_usd,
        "speech_tokens": usage.speech_tokens,
        "speech_cost_usd": usage.speech_cost_usd,
        "model": usage.model,
    }
    _, (row,) = db.round_trip([db.on_behalf_of(claims), (RECORD_START_SQL, params)])
    started = row["started"]
    if started["outcome"] != "started":
        return Started(outcome=started["outcome"])
    return Started(
        outcome="started", interview=InterviewSummary.model_validate(started["interview"]), question=Message.model_validate(started["question"])
    )


# Reading


def find(conn: Connection, interview_id: str) -> Interview | None:
    """The interview, if the connection's role may see it."""
    row = conn.execute(
        "select i.id, i.candidate_id, i.status, i.role_type, i.mode, i.started_at, i.completed_at, i.duration_seconds, i.end_reason,"
        " i.last_activity_at from public.interviews i where i.id = %s",
        [interview_id],
    ).fetchone()
    return Interview(**row) if row else None


def progression_state(conn: Connection, interview_id: str) -> dict[str, Any] | None:
    """The engine's stored state (service role: not candidate-readable); None without a session."""
    row = conn.execute("select progression_state from public.interview_sessions where interview_id = %s", [interview_id]).fetchone()
    return row["progression_state"] if row else None


def newest_message(conn: Connection, interview_id: str) -> Message | None:
    row = conn.execute(
        f"select {MESSAGE_COLUMNS} from public.interview_messages where interview_id = %s order by sequence_number desc limit 1", [interview_id]
    ).fetchone()
    return Message.model_validate(row) if row else None


# The interview reads in one round trip each: the interview as the caller sees it under RLS
# (the candidate, or staff of the candidate's organizations); the transaction then continues as
# the service only if they see it (as db.become_service does), for the engine state, which is not
# candidate-readable (F6), and for the interview's messages.
FIND_SQL = (
    "select i.id, i.candidate_id, i.status, i.role_type, i.mode, i.started_at, i.completed_at, i.duration_seconds, i.end_reason,"
    " i.last_activity_at from public.interviews i where i.id = %(interview)s"
)
SWITCH_IF_VISIBLE_SQL = "select set_config('role', 'service_role', true) as visible from public.interviews i where i.id = %(interview)s"
AS_SERVICE_ONLY = "current_user = 'service_role'"


def status_view(claims: dict[str, Any], interview_id: str) -> tuple[Interview | None, dict[str, Any] | None, Message | None]:
    """The interview if the caller sees it, with the engine's stored state and the newest message."""
    params = {"interview": interview_id}
    _, found, _, engine, newest = db.round_trip(
        [
            db.as_user(claims),
            (FIND_SQL, params),
            (SWITCH_IF_VISIBLE_SQL, params),
            (f"select progression_state from public.interview_sessions where interview_id = %(interview)s and {AS_SERVICE_ONLY}", params),
            (
                f"select {MESSAGE_COLUMNS} from public.interview_messages where interview_id = %(interview)s and {AS_SERVICE_ONLY}"
                " order by sequence_number desc limit 1",
                params,
            ),
        ]
    )
    if not found:
        return None, None, None
    return (
        Interview(**found[0]),
        engine[0]["progression_state"] if engine else None,
        Message.model_validate(newest[0]) if newest else None,
    )


def message_page(claims: dict[str, Any], interview_id: str, before: int | None, limit: int) -> list[Message] | None:
    """Up to `limit` messages before sequence number `before` (all when None), newest first; None
    when the caller does not see the interview."""
    params = {"interview": interview_id, "before": before, "limit": limit}
    _, visible, page = db.round_trip(
        [
            db.as_user(claims),
            (SWITCH_IF_VISIBLE_SQL, params),
            (
                f"select {MESSAGE_COLUMNS} from public.interview_messages where interview_id = %(interview)s and {AS_SERVICE_ONLY}"
                " and sequence_number < coalesce(%(before)s, 2147483647) order by sequence_number desc limit %(limit)s",
                params,
            ),
        ]
    )
    return [Message.model_validate(row) for row in page] if visible else None


def transcript_view(claims: dict[str, Any], interview_id: str) -> tuple[Interview | None, list[TranscriptLine]]:
    """The interview if the caller sees it, and its conversation in order."""
    params = {"interview": interview_id}
    _, found, _, lines = db.round_trip(
        [
            db.as_user(claims),
            (FIND_SQL, params),
            (SWITCH_IF_VISIBLE_SQL, params),
            (
                "select sequence_number, message_type, content_text, response_time_seconds, audio_duration_seconds, created_at"
                f" from public.interview_messages where interview_id = %(interview)s and {AS_SERVICE_ONLY} order by sequence_number",
                params,
            ),
        ]
    )
    if not found:
        return None, []
    return Interview(**found[0]), [TranscriptLine(**row) for row in lines]


def of_candidate(conn: Connection, candidate_id: str) -> list[StaffInterview]:
    """A candidate's interviews that the connection's role sees, newest first, with their costs."""
    rows = conn.execute(
        "select id, status, mode, role_type, job_posting_id, application_id, started_at, completed_at, duration_seconds, end_reason,"
        " created_at, ai_model_used, total_tokens_used, cost_usd::float8 as cost_usd, speech_tokens_used,"
        " speech_cost_usd::float8 as speech_cost_usd, realtime_cost_usd::float8 as realtime_cost_usd"
        " from public.interviews where candidate_id = %s order by created_at desc, id",
        [candidate_id],
    ).fetchall()
    return [StaffInterview(**row) for row in rows]


def completed_since(conn: Connection, organization_id: str, days: int, limit: int) -> tuple[list[CompletedInterview], int]:
    """Interviews of the organization's candidates completed in the last `days` days, newest first, and
    their number (an index-only count under the tenancy policy)."""
    since = "i.status = 'completed' and i.completed_at >= now() - make_interval(days => %(days)s)"
    rows = conn.execute(
        "select i.id, i.candidate_id, o.full_name, o.email, i.role_type, i.mode, i.completed_at"
        f" from (select i.id, i.candidate_id, i.role_type, i.mode, i.completed_at from public.interviews i where {since}"
        "       order by i.completed_at desc, i.id limit %(limit)s) i"
        " join lateral (select o.full_name, o.email from public.organization_candidates o"
        "       where o.organization_id = %(organization)s and o.candidate_id = i.candidate_id) o on true"
        " order by i.completed_at desc, i.id",
        {"organization": organization_id, "days": days, "limit": limit},
    ).fetchall()
    total = one(conn.execute(f"select count(*) as n from public.interviews i where {since}", {"days": days}))["n"]
    items = [
        CompletedInterview(
            id=str(row["id"]),
            candidate_id=str(row["candidate_id"]),
            full_name=row["full_name"],
            email=row["email"],
            role_type=row["role_type"],
            mode=row["mode"],
            completed_at=row["completed_at"],
        )
        for row in rows
    ]
    return items, int(total)


def review_messages(conn: Connection, interview_id: str) -> list[ReviewMessage]:
    """Every message in order with its evaluation, phase, topic and transcription confidence.
    Service role (the evaluation and audio metadata columns are not granted to the API roles):
    call it only once the caller was shown to see the interview."""
    rows = conn.execute(
        "select id, sequence_number, message_type, content_text, content_audio_url, audio_duration_seconds::float8 as audio_duration_seconds,"
        " case when jsonb_typeof(audio_metadata -> 'confidence') = 'number' then (audio_metadata ->> 'confidence')::float8 end"
        " as transcription_confidence,"
        " response_time_seconds::float8 as response_time_seconds, metadata ->> 'phase' as phase, metadata ->> 'topic' as topic,"
        " evaluation, created_at from public.interview_messages where interview_id = %s order by sequence_number",
        [interview_id],
    ).fetchall()
    return [ReviewMessage(**row) for row in rows]


# Ending


def finish(conn: Connection, interview_id: str, reason: str) -> Finished | None:
    """Complete an in-progress interview; None when it was not in progress."""
    row = conn.execute(
        "update public.interviews set status = 'completed', completed_at = now(), end_reason = %s,"
        " duration_seconds = greatest(0, extract(epoch from now() - coalesce(started_at, created_at)))::integer"
        " where id = %s and status = 'in_progress' returning duration_seconds",
        [reason, interview_id],
    ).fetchone()
    return Finished(duration_seconds=row["duration_seconds"]) if row else None


class CandidateCompletion(NamedTuple):
    """What private.complete_interview found and did: whether the caller's session is live, their
    interview's status and duration (None when it is not theirs), and whether this call completed it."""

    session_active: bool
    status: str | None
    duration_seconds: int | None
    completed: bool


def complete_as_candidate(claims: dict[str, Any], interview_id: str) -> CandidateCompletion:
    """The candidate completes their in-progress interview in one round trip
    (supabase/migrations/20261128000000_create_complete_interview.sql)."""
    _, (row,) = db.round_trip([db.on_behalf_of(claims), ("select * from private.complete_interview(%s)", [interview_id])])
    return CandidateCompletion(**row)


def abandon_inactive(conn: Connection, now: datetime | None, minutes: int) -> list[str]:
    """Abandon in-progress interviews idle for `minutes` as of `now` (default the database clock)
    that no realtime connection still holds; their ids."""
    rows = conn.execute(
        "update public.interviews i set status = 'abandoned', end_reason = 'inactive'"
        " where i.status = 'in_progress' and i.last_activity_at < coalesce(%s, now()) - make_interval(mins => %s)"
        " and not exists (select 1 from private.realtime_sessions r where r.interview_id = i.id and r.ended_at is null"
        "                 and r.expires_at > coalesce(%s, now()))"
        " returning i.id",
        [now, minutes, now],
    ).fetchall()
    return [str(row["id"]) for row in rows]


# Turns


def for_turn(conn: Connection, interview_id: str) -> TurnInterview | None:
    row = conn.execute(
        "select i.id, i.candidate_id, i.status, i.role_type, i.mode, i.total_tokens_used, i.token_budget, now() as received_at"
        " from public.interviews i where i.id = %s",
        [interview_id],
    ).fetchone()
    return TurnInterview(**row) if row else None


def session_of(conn: Connection, interview_id: str) -> Session | None:
    row = conn.execute(
        "select id as session_id, progression_state, conversation_memory from public.interview_sessions where interview_id = %s",
        [interview_id],
    ).fetchone()
    if row is None:
        return None
    return Session(id=str(row["session_id"]), progression_state=row["progression_state"], conversation_memory=row["conversation_memory"])


def newest_two(conn: Connection, interview_id: str) -> list[RecentMessage]:
    """The last two messages, newest first."""
    rows = conn.execute(
        "select id, sequence_number, message_type, content_text, created_at from public.interview_messages where interview_id = %s"
        " order by sequence_number desc limit 2",
        [interview_id],
    ).fetchall()
    return [RecentMessage(**row) for row in rows]


def lock_session(conn: Connection, session_id: str | None) -> None:
    """Lock the session row: it serialises the writers of an interview's turns."""
    conn.execute("select 1 from public.interview_sessions where id = %s for update", [session_id])


def last_sequence(conn: Connection, interview_id: str) -> int | None:
    seq: int | None = one(conn.execute("select max(sequence_number) as seq from public.interview_messages where interview_id = %s", [interview_id]))[
        "seq"
    ]
    return seq


def lock_status(conn: Connection, interview_id: str) -> InterviewStatus:
    """Lock the interview row (after the session row); its status."""
    status: InterviewStatus = one(conn.execute("select status from public.interviews where id = %s for update", [interview_id]))["status"]
    return status


def insert_answer(
    conn: Connection,
    *,
    interview_id: str,
    session_id: str | None,
    sequence_number: int,
    text: str,
    audio_path: str | None,
    audio_duration_seconds: float | None,
    audio_metadata: dict[str, Any] | None,
    response_time_seconds: float | None,
    client_turn_id: str | None,
    metadata: dict[str, Any],
    evaluation: str,
) -> Answer:
    """The candidate's answer; `evaluation` (JSON) goes to the staff-only column (F6)."""
    row = one(
        conn.execute(
            "insert into public.interview_messages (interview_id, session_id, sequence_number, message_type, content_text, content_audio_url,"
            " audio_duration_seconds, audio_metadata, response_time_seconds, client_turn_id, metadata, evaluation)"
            " values (%s, %s, %s, 'candidate_response', %s, %s, %s, %s, %s, %s, %s, %s) returning id, sequence_number, content_text",
            [
                interview_id,
                session_id,
                sequence_number,
                text,
                audio_path,
                audio_duration_seconds,
                json.dumps(audio_metadata) if audio_metadata is not None else None,
                response_time_seconds,
                client_turn_id,
                json.dumps(metadata),
                evaluation,
            ],
        )
    )
    return Answer(id=row["id"], sequence_number=row["sequence_number"], text=row["content_text"])


def save_session(
    conn: Connection,
    session_id: str | None,
    *,
    progression_state: str,
    difficulty_level: str,
    questions_asked: int,
    skill_boundaries: dict[str, Any],
    conversation_memory: list[dict[str, Any]],
) -> None:
    conn.execute(
        "update public.interview_sessions set progression_state = %s, current_difficulty_level = %s, questions_asked_count = %s,"
        " skill_boundaries_identified = %s, conversation_memory = %s, last_activity_at = now() where id = %s",
        [progression_state, difficulty_level, questions_asked, json.dumps(skill_boundaries), json.dumps(conversation_memory), session_id],
    )


def touch(conn: Connection, interview_id: str) -> None:
    conn.execute("update public.interviews set last_activity_at = now() where id = %s", [interview_id])


# A turn in two round trips


class TurnReplay(NamedTuple):
    """The first result of a repeated client_turn_id: its answer and the question that followed."""

    answer: Answer
    question: Message | None


class TurnRead(NamedTuple):
    """Everything a turn reads, in one round trip: whether the caller's session is live, the
    interview if the caller sees it, and only when it is theirs the engine's session, the last
    message (the outstanding question), the message before it, and the first result of a
    repeated client_turn_id."""

    session_active: bool
    interview: TurnInterview | None
    session: Session
    last: RecentMessage | None
    previous: RecentMessage | None
    replay: TurnReplay | None


RECENT_COLUMNS = ("id", "sequence_number", "message_type", "content_text", "created_at")

# As the caller, under RLS: the interview if they see it, with their session's liveness
# (access.caller_state) and the database time the request was received.
TURN_READ_SQL = (
    "select c.session_active, i.id, i.candidate_id, i.status, i.role_type, i.mode, i.total_tokens_used, i.token_budget, now() as received_at"
    " from access.caller_state() c left join public.interviews i on i.id = %(interview)s"
)
# The engine's state is not candidate-readable (F6): the transaction continues as the service
# only when the interview is the caller's (as db.become_service does after an RLS check), and
# what follows is read only then: the session, the last two messages and the replay.
TURN_SWITCH_SQL = (
    "select set_config('role', 'service_role', true) from public.interviews i where i.id = %(interview)s and i.candidate_id = (select auth.uid())"
)
TURN_ENGINE_SQL = f"""
select s.id as session_id, s.progression_state, s.conversation_memory,
       {", ".join(f"l.{c} as last_{c}" for c in RECENT_COLUMNS)},
       {", ".join(f"p.{c} as previous_{c}" for c in RECENT_COLUMNS)},
       r.id as replay_id, r.sequence_number as replay_sequence_number, r.content_text as replay_text, r.question as replay_question
  from (select 1) one
  left join public.interview_sessions s on s.interview_id = %(interview)s
  left join lateral (select m.id, m.sequence_number, m.message_type, m.content_text, m.created_at from public.interview_messages m
                      where m.interview_id = %(interview)s order by m.sequence_number desc limit 1) l on true
  left join lateral (select m.id, m.sequence_number, m.message_type, m.content_text, m.created_at from public.interview_messages m
                      where m.interview_id = %(interview)s and m.sequence_number = l.sequence_number - 1) p on true
  left join lateral (select a.id, a.sequence_number, a.content_text,
                            (select to_jsonb(q) from (select {MESSAGE_COLUMNS} from public.interview_messages q
                                                       where q.interview_id = %(interview)s and q.sequence_number = a.sequence_number + 1
                                                         and q.message_type = 'ai_question') q) as question
                       from public.interview_messages a where a.interview_id = %(interview)s and a.client_turn_id = %(turn)s) r on true
 where current_user = 'service_role'
"""


def read_turn(claims: dict[str, Any], interview_id: str, client_turn_id: str | None) -> TurnRead:
    """What a turn starts from, read in one round trip as the caller (RLS decides what they see)."""
    params = {"interview": interview_id, "turn": client_turn_id}
    _, (row,), _, engine = db.round_trip([db.as_user(claims), (TURN_READ_SQL, params), (TURN_SWITCH_SQL, params), (TURN_ENGINE_SQL, params)])
    interview = None
    if row["id"] is not None:
        interview = TurnInterview(**{key: row[key] for key in TurnInterview._fields})
    if not engine:
        return TurnRead(session_active=bool(row["session_active"]), interview=interview, session=NO_SESSION, last=None, previous=None, replay=None)
    found = engine[0]
    replay = None
    if found["replay_id"] is not None:
        question = Message.model_validate(found["replay_question"]) if found["replay_question"] is not None else None
        replay = TurnReplay(Answer(id=found["replay_id"], sequence_number=found["replay_sequence_number"], text=found["replay_text"]), question)
    session = NO_SESSION
    if found["session_id"] is not None:
        session = Session(id=str(found["session_id"]), progression_state=found["progression_state"], conversation_memory=found["conversation_memory"])
    return TurnRead(
        session_active=bool(row["session_active"]),
        interview=interview,
        session=session,
        last=_recent(found, "last_"),
        previous=_recent(found, "previous_"),
        replay=replay,
    )


def _recent(row: dict[str, Any], prefix: str) -> RecentMessage | None:
    if row[f"{prefix}id"] is None:
        return None
    return RecentMessage(**{column: row[prefix + column] for column in RECENT_COLUMNS})


class StepRows(NamedTuple):
    """What one step of the engine writes: the arguments of private.record_turn."""

    question_sequence: int
    client_turn_id: str | None
    answer_text: str
    answer_audio_path: str | None
    answer_audio_seconds: float | None
    answer_audio_metadata: dict[str, Any] | None
    response_time_seconds: float | None
    answer_metadata: dict[str, Any]
    evaluation: str
    question: GeneratedQuestion | None
    question_audio_path: str | None
    progression_state: str
    difficulty_level: str
    questions_asked: int
    skill_boundaries: dict[str, Any]
    conversation_memory: list[dict[str, Any]]
    usage: Usage
    end_reason: str | None


class Recorded(NamedTuple):
    """What private.record_turn did: applied (the answer and the next question), replayed (the
    first result of the same client_turn_id, with the engine state), conflict (another answer
    applied first), not_active, or not_found (not the caller's interview)."""

    outcome: str
    answer: Answer | None = None
    question: Message | None = None
    progression_state: dict[str, Any] | None = None


RECORD_TURN_SQL = """
select private.record_turn(
  p_interview_id => %(interview_id)s::uuid, p_question_sequence => %(question_sequence)s::integer,
  p_client_turn_id => %(client_turn_id)s::text, p_answer_text => %(answer_text)s::text,
  p_answer_audio_path => %(answer_audio_path)s::text, p_answer_audio_seconds => %(answer_audio_seconds)s::numeric,
  p_answer_audio_metadata => %(answer_audio_metadata)s::jsonb, p_response_time_seconds => %(response_time_seconds)s::numeric,
  p_answer_metadata => %(answer_metadata)s::jsonb, p_evaluation => %(evaluation)s::jsonb,
  p_question_text => %(question_text)s::text, p_question_audio_path => %(question_audio_path)s::text,
  p_question_metadata => %(question_metadata)s::jsonb, p_progression_state => %(progression_state)s::jsonb,
  p_difficulty_level => %(difficulty_level)s::text, p_questions_asked => %(questions_asked)s::integer,
  p_skill_boundaries => %(skill_boundaries)s::jsonb, p_conversation_memory => %(conversation_memory)s::jsonb,
  p_tokens => %(tokens)s::integer, p_cost_usd => %(cost_usd)s::numeric,
  p_speech_tokens => %(speech_tokens)s::integer, p_speech_cost_usd => %(speech_cost_usd)s::numeric,
  p_model => %(model)s::text, p_end_reason => %(end_reason)s::text) as recorded
"""


def _record_params(interview_id: str, step: StepRows) -> dict[str, Any]:
    question = step.question
    return {
        "interview_id": interview_id,
        "question_sequence": step.question_sequence,
        "client_turn_id": step.client_turn_id,
        "answer_text": step.answer_text,
        "answer_audio_path": step.answer_audio_path,
        "answer_audio_seconds": step.answer_audio_seconds,
        "answer_audio_metadata": json.dumps(step.answer_audio_metadata) if step.answer_audio_metadata is not None else None,
        "response_time_seconds": step.response_time_seconds,
        "answer_metadata": json.dumps(step.answer_metadata),
        "evaluation": step.evaluation,
        "question_text": question.text if question else None,
        "question_audio_path": step.question_audio_path,
        "question_metadata": json.dumps(question_metadata(question)) if question else None,
        "progression_state": step.progression_state,
        "difficulty_level": step.difficulty_level,
        "questions_asked": step.questions_asked,
        "skill_boundaries": json.dumps(step.skill_boundaries),
        "conversation_memory": json.dumps(step.conversation_memory),
        "tokens": step.usage.tokens,
        "cost_usd": step.usage.cost_usd,
        "speech_tokens": step.usage.speech_tokens,
        "speech_cost_usd": step.usage.speech_cost_usd,
        "model": step.usage.model,
        "end_reason": step.end_reason,
    }


def _recorded(result: dict[str, Any]) -> Recorded:
    answer = result.get("answer")
    question = result.get("question")
    return Recorded(
        outcome=result["outcome"],
        answer=Answer.model_validate(answer) if answer else None,
        question=Message.model_validate(question) if question else None,
        progression_state=result.get("progression_state"),
    )


def record_turn(claims: dict[str, Any], interview_id: str, step: StepRows) -> Recorded:
    """Write a turn in one round trip on behalf of the caller (private.record_turn checks that the
    interview is theirs from their claims)."""
    _, (row,) = db.round_trip([db.on_behalf_of(claims), (RECORD_TURN_SQL, _record_params(interview_id, step))])
    return _recorded(row["recorded"])


def record_step(conn: Connection, interview_id: str, step: StepRows) -> Recorded:
    """Write a step in the caller's own service transaction (the realtime relay's)."""
    return _recorded(one(conn.execute(RECORD_TURN_SQL, _record_params(interview_id, step)))["recorded"])
