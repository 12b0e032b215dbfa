"""Assessment rows: the staff and candidate views with history, the recruiter's records and
review marks, the score-pending sweep's query, and what scoring reads (the interview and its
messages) and writes (a new current assessment, the old one kept as history)."""

from __future__ import annotations

import json
from typing import Any, NamedTuple
from uuid import UUID

from psycopg import errors as pg

from shared.ai.models import RoleType
from shared.db import Connection, one
from shared.errors import Forbidden
from shared.models.assessments import CandidateAssessment, RecruiterAssessment
from shared.models.interviews import InterviewStatus
from shared.models.recruiter import AssessmentRecord, AssessmentReview, AssessmentToReview, CandidateContact

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


class ScoringInterview(NamedTuple):
    """What scoring needs of the interview."""

    id: UUID
    role_type: RoleType
    status: InterviewStatus
    skill_boundaries_identified: dict[str, Any] | None


class ScoringMessage(NamedTuple):
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


# The recruiter's views and review marks

RECORD_COLUMNS = ", ".join(f"a.{column.strip()}" for column in [*ASSESSMENT_COLUMNS.split(","), "is_current"])
REVIEW_COLUMNS = (
    "v.assessment_id as v_assessment_id, v.reviewed_by as v_reviewed_by, rr.full_name as v_reviewed_by_name, v.reviewed_at as v_reviewed_at"
)


def _review(row: dict[str, Any]) -> AssessmentReview | None:
    if row["v_assessment_id"] is None:
        return None
    return AssessmentReview(
        assessment_id=row["v_assessment_id"],
        reviewed_by=row["v_reviewed_by"],
        reviewed_by_name=row["v_reviewed_by_name"],
        reviewed_at=row["v_reviewed_at"],
    )


def records(conn: Connection, organization_id: str, interview_ids: list[str]) -> list[AssessmentRecord]:
    """Every assessment of these interviews (current and earlier scorings), newest first, each with
    the organization's review mark; as the connection's role sees them (staff: their organization's)."""
    rows = conn.execute(
        f"select {RECORD_COLUMNS}, {REVIEW_COLUMNS}"
        " from public.assessment_results a"
        " left join public.assessment_reviews v on v.assessment_id = a.id and v.organization_id = %s"
        " left join public.recruiters rr on rr.id = v.reviewed_by"
        " where a.interview_id = any(%s::uuid[]) order by a.generated_at desc, a.id",
        [organization_id, interview_ids],
    ).fetchall()
    records = []
    for row in rows:
        values = {key: value for key, value in row.items() if not key.startswith("v_")}
        records.append(AssessmentRecord.model_validate({**values, "cost_usd": float(row["cost_usd"]), "review": _review(row)}))
    return records


def waiting_review(conn: Connection, organization_id: str, limit: int) -> tuple[list[AssessmentToReview], int]:
    """Ready current assessments the organization has not marked reviewed, longest waiting first,
    and how many there are. The pipeline rows count them per candidate (unreviewed_assessments),
    so only the longest-waiting candidates' interviews are read, one index probe each."""
    params = {"organization": organization_id, "limit": limit}
    total = one(
        conn.execute(
            "select coalesce(sum(o.unreviewed_assessments), 0) as n from public.organization_candidates o"
            " where o.organization_id = %(organization)s and o.unreviewed_assessments > 0",
            params,
        )
    )["n"]
    rows = conn.execute(
        "select a.id, a.interview_id, a.status, a.overall_score, a.integrity_score, a.generated_at, w.candidate_id, w.full_name, w.email"
        " from (select o.candidate_id, o.full_name, o.email from public.organization_candidates o"
        "       where o.organization_id = %(organization)s and o.unreviewed_assessments > 0"
        "       order by o.unreviewed_since, o.candidate_id limit %(limit)s) w"
        " cross join lateral (select a.* from public.interviews i"
        "   join public.assessment_results a on a.interview_id = i.id and a.is_current and a.status <> 'failed'"
        "   where i.candidate_id = w.candidate_id"
        "   and not exists (select 1 from public.assessment_reviews v where v.organization_id = %(organization)s and v.assessment_id = a.id)) a"
        " order by a.generated_at, a.id limit %(limit)s",
        params,
    ).fetchall()
    items = [
        AssessmentToReview(
            assessment_id=row["id"],
            interview_id=row["interview_id"],
            candidate=CandidateContact(id=row["candidate_id"], full_name=row["full_name"], email=row["email"]),
            status=row["status"],
            overall_score=row["overall_score"],
            integrity_score=row["integrity_score"],
            generated_at=row["generated_at"],
        )
        for row in rows
    ]
    return items, int(total)


def is_visible(conn: Connection, assessment_id: str) -> bool:
    """Whether the connection's role sees the assessment (staff: of their organization's candidates)."""
    return conn.execute("select 1 from public.assessment_results where id = %s", [assessment_id]).fetchone() is not None


def mark_reviewed(conn: Connection, organization_id: str, assessment_id: str, recruiter_id: str) -> bool:
    """Record the organization's review mark (the insert policy decides who may: Forbidden when it
    refuses); False when the organization had marked it already."""
    try:
        with conn.transaction():
            cursor = conn.execute(
                "insert into public.assessment_reviews (organization_id, assessment_id, reviewed_by) values (%s, %s, %s)"
                " on conflict (organization_id, assessment_id) do nothing",
                [organization_id, assessment_id, recruiter_id],
            )
    except pg.InsufficientPrivilege as exc:
        raise Forbidden("Only recruiters and admins can mark assessments reviewed.") from exc
    return cursor.rowcount == 1


def review_mark(conn: Connection, organization_id: str, assessment_id: str) -> AssessmentReview | None:
    row = conn.execute(
        f"select {REVIEW_COLUMNS} from public.assessment_reviews v left join public.recruiters rr on rr.id = v.reviewed_by"
        " where v.organization_id = %s and v.assessment_id = %s",
        [organization_id, assessment_id],
    ).fetchone()
    return _review(row) if row else None


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
