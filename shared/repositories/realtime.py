"""Realtime voice rows (service role; private schema): session leases, the relay's ledger of
OpenAI ids (transcripts, tool calls, usage) and the realtime usage per interview, plus what a
session's instructions and the relay read of the interview."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal, NamedTuple
from uuid import UUID

from shared.ai.models import RoleType
from shared.db import Connection, one
from shared.models.interviews import InterviewMode, InterviewStatus

EventKind = Literal["candidate_transcript", "interviewer_transcript", "tool_call", "usage"]
Recorded = Literal["new", "duplicate", "foreign"]


class RealtimeInterview(NamedTuple):
    """What opening a session or relaying events needs of the interview, with the database time."""

    id: UUID
    candidate_id: UUID
    status: InterviewStatus
    mode: InterviewMode
    role_type: RoleType
    application_id: UUID | None
    started_at: datetime | None
    realtime_cost_usd: float
    now: datetime


class Lease(NamedTuple):
    id: str
    model: str
    expires_at: datetime


class Entry(NamedTuple):
    """A ledger row: who recorded the id, and a tool call's answer."""

    interview_id: str
    output: dict[str, Any] | None


class PendingTranscript(NamedTuple):
    id: int
    key: str
    transcript: str
    created_at: datetime


class TokenUsage(NamedTuple):
    input_text: int
    input_audio: int
    cached_input: int
    output_text: int
    output_audio: int


# The interview


def interview(conn: Connection, interview_id: str) -> RealtimeInterview | None:
    """The interview, if the connection's role may see it."""
    row = conn.execute(
        "select id, candidate_id, status, mode, role_type, application_id, started_at, realtime_cost_usd::float8 as realtime_cost_usd,"
        " now() as now from public.interviews where id = %s",
        [interview_id],
    ).fetchone()
    return RealtimeInterview(**row) if row else None


def asked_questions(conn: Connection, interview_id: str, limit: int) -> list[str]:
    """The texts of the last `limit` questions asked, oldest first."""
    rows = conn.execute(
        "select content_text from (select sequence_number, content_text from public.interview_messages"
        " where interview_id = %s and message_type = 'ai_question' order by sequence_number desc limit %s) q order by sequence_number",
        [interview_id, limit],
    ).fetchall()
    return [row["content_text"] for row in rows]


# Leases


def open_lease(conn: Connection, interview_id: str, model: str, voice: str, lease_seconds: int) -> Lease | None:
    """A new live session of the interview, after ending its leases that ran out; None while
    another is live (the one-live-session index)."""
    conn.execute(
        "update private.realtime_sessions set ended_at = now(), end_reason = 'expired'"
        " where interview_id = %s and ended_at is null and expires_at <= now()",
        [interview_id],
    )
    row = conn.execute(
        "insert into private.realtime_sessions (interview_id, model, voice, expires_at)"
        " values (%s, %s, %s, now() + make_interval(secs => %s))"
        " on conflict (interview_id) where ended_at is null do nothing returning id, model, expires_at",
        [interview_id, model, voice, lease_seconds],
    ).fetchone()
    return Lease(id=str(row["id"]), model=row["model"], expires_at=row["expires_at"]) if row else None


def record_secret(conn: Connection, session_id: str, secret_expires_at: datetime) -> None:
    conn.execute("update private.realtime_sessions set secret_expires_at = %s where id = %s", [secret_expires_at, session_id])


def end_session(conn: Connection, session_id: str, reason: str) -> None:
    conn.execute(
        "update private.realtime_sessions set ended_at = now(), end_reason = %s where id = %s and ended_at is null",
        [reason, session_id],
    )


def end_live(conn: Connection, interview_id: str, reason: str) -> bool:
    """End the interview's live session; whether there was one."""
    row = conn.execute(
        "update private.realtime_sessions set ended_at = now(), end_reason = %s"
        " where interview_id = %s and ended_at is null and expires_at > now() returning id",
        [reason, interview_id],
    ).fetchone()
    return row is not None


def renew_live(conn: Connection, interview_id: str, lease_seconds: int) -> Lease | None:
    """Move the live session's lease on (events arrived); None when no session is live."""
    row = conn.execute(
        "update private.realtime_sessions set expires_at = greatest(expires_at, now() + make_interval(secs => %s)), last_event_at = now()"
        " where interview_id = %s and ended_at is null and expires_at > now() returning id, model, expires_at",
        [lease_seconds, interview_id],
    ).fetchone()
    return Lease(id=str(row["id"]), model=row["model"], expires_at=row["expires_at"]) if row else None


def end_expired(conn: Connection, now: datetime | None = None) -> int:
    """End every live session whose lease ran out (as of `now`, default the database clock)."""
    rows = conn.execute(
        "update private.realtime_sessions set ended_at = coalesce(%s, now()), end_reason = 'expired'"
        " where ended_at is null and expires_at <= coalesce(%s, now()) returning id",
        [now, now],
    ).fetchall()
    return len(rows)


# The relay's ledger


def record_event(
    conn: Connection, interview_id: str, kind: EventKind, key: str, *, transcript: str | None = None, cost_usd: float | None = None
) -> tuple[Recorded, int | None]:
    """Record an OpenAI id once: ("new", row id), or ("duplicate"|"foreign", None) when it was
    recorded before for this interview or another one."""
    row = conn.execute(
        "insert into private.realtime_events (interview_id, kind, key, transcript, cost_usd) values (%s, %s, %s, %s, %s)"
        " on conflict (kind, key) do nothing returning id",
        [interview_id, kind, key, transcript, cost_usd],
    ).fetchone()
    if row is not None:
        return "new", int(row["id"])
    found = entry(conn, kind, key)
    return ("duplicate" if found is not None and found.interview_id == interview_id else "foreign"), None


def entry(conn: Connection, kind: EventKind, key: str) -> Entry | None:
    row = conn.execute("select interview_id, output from private.realtime_events where kind = %s and key = %s", [kind, key]).fetchone()
    return Entry(interview_id=str(row["interview_id"]), output=row["output"]) if row else None


def record_tool_call(conn: Connection, interview_id: str, call_id: str, output: dict[str, Any]) -> bool:
    """Record a tool call with the answer given; False when it was recorded meanwhile."""
    row = conn.execute(
        "insert into private.realtime_events (interview_id, kind, key, output) values (%s, 'tool_call', %s, %s)"
        " on conflict (kind, key) do nothing returning id",
        [interview_id, call_id, json.dumps(output)],
    ).fetchone()
    return row is not None


def attach_to_question(conn: Connection, event_id: int, message_id: UUID) -> None:
    """An interviewer transcript becomes (part of) the text of the question it spoke: the
    question's text is its transcripts in arrival order, and the engine's wording moves to the
    metadata's `planned_text`."""
    conn.execute("update private.realtime_events set message_id = %s where id = %s", [message_id, event_id])
    conn.execute(
        "update public.interview_messages m set content_text = (select string_agg(e.transcript, ' ' order by e.id)"
        " from private.realtime_events e where e.message_id = m.id),"
        " metadata = case when m.metadata ? 'planned_text' then m.metadata else m.metadata || jsonb_build_object('planned_text', m.content_text) end"
        " where m.id = %s",
        [message_id],
    )


def question_spoken_at(conn: Connection, message_id: UUID) -> datetime | None:
    """When the last transcript of a question arrived (the question had been spoken by then)."""
    spoken: datetime | None = one(conn.execute("select max(created_at) as at from private.realtime_events where message_id = %s", [message_id]))["at"]
    return spoken


def pending_transcripts(conn: Connection, interview_id: str) -> list[PendingTranscript]:
    """The candidate's transcripts in no answer yet, in arrival order."""
    rows = conn.execute(
        "select id, key, transcript, created_at from private.realtime_events"
        " where interview_id = %s and kind = 'candidate_transcript' and message_id is null order by id",
        [interview_id],
    ).fetchall()
    return [PendingTranscript(**row) for row in rows]


def claim_transcripts(conn: Connection, event_ids: list[int], message_id: UUID) -> int:
    """Put pending transcripts into an answer; how many were still pending."""
    rows = conn.execute(
        "update private.realtime_events set message_id = %s where id = any(%s) and message_id is null returning id",
        [message_id, event_ids],
    ).fetchall()
    return len(rows)


# Usage


def add_usage(conn: Connection, interview_id: str, tokens: TokenUsage, cost_usd: float) -> float:
    """Add one response's usage to the interview's realtime totals (and interviews.realtime_cost_usd); the new total cost."""
    total: float = one(
        conn.execute(
            "with added as ("
            "  insert into private.realtime_usage as u (interview_id, responses, input_text_tokens, input_audio_tokens, cached_input_tokens,"
            "   output_text_tokens, output_audio_tokens, cost_usd) values (%(i)s, 1, %(it)s, %(ia)s, %(ci)s, %(ot)s, %(oa)s, %(cost)s)"
            "  on conflict (interview_id) do update set responses = u.responses + 1,"
            "   input_text_tokens = u.input_text_tokens + excluded.input_text_tokens,"
            "   input_audio_tokens = u.input_audio_tokens + excluded.input_audio_tokens,"
            "   cached_input_tokens = u.cached_input_tokens + excluded.cached_input_tokens,"
            "   output_text_tokens = u.output_text_tokens + excluded.output_text_tokens,"
            "   output_audio_tokens = u.output_audio_tokens + excluded.output_audio_tokens,"
            "   cost_usd = u.cost_usd + excluded.cost_usd, updated_at = now()"
            "  returning u.cost_usd"
            "), interview as ("
            "  update public.interviews set realtime_cost_usd = (select cost_usd from added) where id = %(i)s"
            ") select cost_usd::float8 as cost_usd from added",
            {
                "i": interview_id,
                "it": tokens.input_text,
                "ia": tokens.input_audio,
                "ci": tokens.cached_input,
                "ot": tokens.output_text,
                "oa": tokens.output_audio,
                "cost": cost_usd,
            },
        )
    )["cost_usd"]
    return total


def mark_warned(conn: Connection, interview_id: str, threshold_usd: float) -> float | None:
    """The interview's realtime cost the first time it is found at or above the threshold; None
    otherwise (below it, or warned before)."""
    row = conn.execute(
        "update private.realtime_usage set warned_at = now() where interview_id = %s and warned_at is null and cost_usd >= %s"
        " returning cost_usd::float8 as cost_usd",
        [interview_id, threshold_usd],
    ).fetchone()
    return float(row["cost_usd"]) if row else None


def usage_totals(conn: Connection, interview_id: str) -> dict[str, Any] | None:
    """The interview's realtime token totals and cost."""
    row = conn.execute(
        "select responses, input_text_tokens, input_audio_tokens, cached_input_tokens, output_text_tokens, output_audio_tokens,"
        " cost_usd::float8 as cost_usd, warned_at from private.realtime_usage where interview_id = %s",
        [interview_id],
    ).fetchone()
    return dict(row) if row else None
