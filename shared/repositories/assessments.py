"""Assessment rows: the staff and candidate views with history, the score-pending sweep's
query, and what scoring reads (the interview and its messages) and writes (a new current
assessment, the old one kept as history)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from shared.ai.models import RoleType
from shared.db import Connection, one
from shared.models.assessments import CandidateAssessment, RecruiterAssessment
from shared.models.interviews import InterviewStatus

ASSESSMENT_COLUMNS = (
    "id, interview_id, status, overall_score, skill_scores, skill_boundary_map, strengths, weaknesses, integrity_score,"
    " integrity_flags, ai_reasoning, recommended_actions, missing_sections, error, model, prompt_version, cost_usd, generated_at"
)
CANDIDATE_VIEW_COLUMNS = "interview_id, status, overall_score, skill_scores, strengths, weaknesses, generated_at"

# Completed interviews past the grace period without a completed current assessment, fewer than
# max_retries assessments so far, and no live scoring job. The job look-up is a probe of the
# live-jobs dedupe index (jobs_live_dedupe_key_idx), so it costs the same however many finished
# jobs the table holds (bench/score_pending_sweep.py).
PENDING_SCORING_SQL = (
    "select i.id, count(a.id) as attempts from public.interviews i"
    " left join public.assessment_results a on a.interview_id = i.id"
    " where i.status = 'completed' and i.completed_at < now() - make_interval(mins => %(grace_minutes)s)"
    "   and not exists (select 1 from public.assessment_results c where c.interview_id = i.id and c.is_current and c.status = 'completed')"
    "   and not exists (select 1 from private.jobs j where j.dedupe_key = 'interview.score:' || i.id::text and j.status in ('queued', 'running'))"
    " group by i.id having count(a.id) < %(max_retries)s order by min(i.completed_at) limit %(limit)s"
)

STORED_COLUMNS = (
    "interview_id",
    "status",
    "overall_score",
    "skill_scores",
    "skill_boundary_map",
    "strengths",
    "weaknesses",
    "integrity_score",
    "integrity_flags",
    "ai_reasoning",
    "recommended_actions",
    "missing_sections",
    "error",
    "model",
    "prompt_version",
    "cost_usd",
)
JSON_COLUMNS = frozenset({"skill_scores", "skill_boundary_map", "strengths", "weaknesses", "integrity_flags", "ai_reasoning", "recommended_actions"})


@dataclass(frozen=True)
class ScoringInterview:
    """What scoring needs of the interview."""

    id: UUID
    role_type: RoleType
    status: InterviewStatus
    skill_boundaries_identified: dict[str, Any] | None


@dataclass(frozen=True)
class ScoringMessage:
    id: UUID
    sequence_number: int
    message_type: str
    content_text: str
    response_time_seconds: float | None
    audio_duration_seconds: float | None
    metadata: dict[str, Any] | None
    evaluation: dict[str, Any] | None


# Views


def interview_status(conn: Connection, interview_id: str) -> InterviewStatus | None:
    """The interview's status, if the connection's role may see it."""
    row = conn.execute("select status from public.interviews where id = %s", [interview_id]).fetchone()
    return row["status"] if row else None


def current_for_staff(conn: Connection, interview_id: str) -> RecruiterAssessment | None:
    """The current assessment, whole, with the earlier ones as history."""
    current = conn.execute(
        f"select {ASSESSMENT_COLUMNS} from public.assessment_results where interview_id = %s and is_current", [interview_id]
    ).fetchone()
    history = conn.execute(
        "select id, status, overall_score, integrity_score, generated_at from public.assessment_results"
        " where interview_id = %s and not is_current order by generated_at desc",
        [interview_id],
    ).fetchall()
    if current is None:
        return None
    return RecruiterAssessment.model_validate({**current, "cost_usd": float(current["cost_usd"]), "history": history})


def current_for_candidate(conn: Connection, interview_id: str) -> CandidateAssessment | None:
    """The current assessment through the `candidate_assessments` view: the candidate's columns only (F6)."""
    row = conn.execute(f"select {CANDIDATE_VIEW_COLUMNS} from public.candidate_assessments where interview_id = %s", [interview_id]).fetchone()
    return CandidateAssessment.model_validate(row) if row else None


# The score-pending sweep


def try_sweep_lock(conn: Connection) -> bool:
    """The sweep's transaction-scoped advisory lock: False when another sweep holds it."""
    return bool(one(conn.execute("select pg_try_advisory_xact_lock(hashtext('score-pending')) as locked"))["locked"])


def pending_scoring(conn: Connection, grace_minutes: int, max_retries: int, limit: int) -> list[str]:
    """Ids of completed interviews that need scoring (PENDING_SCORING_SQL), longest waiting first."""
    rows = conn.execute(PENDING_SCORING_SQL, {"grace_minutes": grace_minutes, "max_retries": max_retries, "limit": limit}).fetchall()
    return [str(row["id"]) for row in rows]


# Scoring


def interview_for_scoring(conn: Connection, interview_id: str) -> ScoringInterview | None:
    row = conn.execute(
        "select i.id, i.role_type, i.status, s.skill_boundaries_identified from public.interviews i"
        " left join public.interview_sessions s on s.interview_id = i.id where i.id = %s",
        [interview_id],
    ).fetchone()
    return ScoringInterview(**row) if row else None


def messages_for_scoring(conn: Connection, interview_id: str) -> list[ScoringMessage]:
    """Every message in order, with the answers' evaluations."""
    rows = conn.execute(
        "select id, sequence_number, message_type, content_text, response_time_seconds, audio_duration_seconds, metadata, evaluation"
        " from public.interview_messages where interview_id = %s order by sequence_number",
        [interview_id],
    ).fetchall()
    return [ScoringMessage(**row) for row in rows]


def current_status(conn: Connection, interview_id: str) -> str | None:
    row = conn.execute("select status from public.assessment_results where interview_id = %s and is_current", [interview_id]).fetchone()
    return row["status"] if row else None


def replace_current(
    conn: Connection, interview_id: str, assessment: dict[str, Any], model: str | None, prompt_version: str | None, cost_usd: float
) -> str:
    """Store `assessment` as the current one, the old one kept as history (the interview row is
    locked first, so concurrent stores run one after the other); the new id."""
    conn.execute("select 1 from public.interviews where id = %s for update", [interview_id])
    conn.execute("update public.assessment_results set is_current = false where interview_id = %s and is_current", [interview_id])
    stored = {**assessment, "interview_id": interview_id, "model": model, "prompt_version": prompt_version, "cost_usd": cost_usd}
    values = [json.dumps(stored[column]) if column in JSON_COLUMNS else stored[column] for column in STORED_COLUMNS]
    row = one(
        conn.execute(
            f"insert into public.assessment_results ({', '.join(STORED_COLUMNS)}) values ({', '.join(['%s'] * len(STORED_COLUMNS))}) returning id",
            values,
        )
    )
    return str(row["id"])
