"""Assessments: the candidate's view (scores, strengths, weaknesses: never integrity flags or
reasoning), the recruiter's view (everything, with history), rescoring, and the score-pending sweep."""

from __future__ import annotations

import uuid
from typing import Any

from shared import rate_limit
from shared.auth import Caller
from shared.db import one, service_transaction, user_transaction
from shared.errors import Conflict, NotFound
from shared.models.assessments import AssessmentView, CandidateAssessment, RecruiterAssessment, RescoreQueued, ScoringInProgress
from shared.queue import enqueue, subject_key
from shared.settings import get_settings

MAX_SWEEP_RETRIES = 5
SWEEP_GRACE_MINUTES = 5
ASSESSMENT_COLUMNS = (
    "id, interview_id, status, overall_score, skill_scores, skill_boundary_map, strengths, weaknesses, integrity_score,"
    " integrity_flags, ai_reasoning, recommended_actions, missing_sections, error, model, prompt_version, cost_usd, generated_at"
)


CANDIDATE_VIEW_COLUMNS = "interview_id, status, overall_score, skill_scores, strengths, weaknesses, generated_at"


def get(caller: Caller, interview_id: str) -> AssessmentView:
    """The current assessment in the caller's view, or ScoringInProgress while scoring is pending.
    Staff read whole rows under RLS (their organization's candidates); a candidate reads the
    `candidate_assessments` view, which exposes only the candidate's columns (F6)."""
    history: list[Any] = []
    with user_transaction(caller.claims) as conn:
        interview = conn.execute("select id, candidate_id, status from public.interviews where id = %s", [interview_id]).fetchone()
        if interview is None:
            raise NotFound("The interview was not found.")
        if caller.is_staff:
            current = conn.execute(
                f"select {ASSESSMENT_COLUMNS} from public.assessment_results where interview_id = %s and is_current", [interview_id]
            ).fetchone()
            history = conn.execute(
                "select id, status, overall_score, integrity_score, generated_at from public.assessment_results"
                " where interview_id = %s and not is_current order by generated_at desc",
                [interview_id],
            ).fetchall()
        else:
            current = conn.execute(
                f"select {CANDIDATE_VIEW_COLUMNS} from public.candidate_assessments where interview_id = %s", [interview_id]
            ).fetchone()
    if interview["status"] != "completed":
        raise Conflict("The interview has not been completed yet.", details={"status": interview["status"]})
    if current is None:
        return ScoringInProgress(interview_id=uuid.UUID(interview_id))
    if caller.is_staff:
        return RecruiterAssessment.model_validate({**current, "cost_usd": float(current["cost_usd"]), "history": history})
    return CandidateAssessment.model_validate(current)


def rescore(caller: Caller, interview_id: str) -> RescoreQueued:
    """Score the interview again; the current assessment becomes history when the new one is
    stored. While scoring is queued or running for the interview, that job is returned instead of
    a new one; each recruiter may ask ASSESSMENT_RESCORES_PER_HOUR times an hour."""
    with user_transaction(caller.claims) as conn:
        interview = conn.execute("select status from public.interviews where id = %s", [interview_id]).fetchone()
    if interview is None:
        raise NotFound("The interview was not found.")
    if interview["status"] != "completed":
        raise Conflict("Only completed interviews can be scored.", details={"status": interview["status"]})
    rate_limit.hit("assessment.rescore", caller.user_id, limit=get_settings().assessment_rescores_per_hour, window_seconds=3600)
    with service_transaction() as conn:
        job = enqueue(
            conn,
            "interview.score",
            {"interview_id": interview_id, "replace": True, "requested_by": caller.user_id},
            dedupe_key=subject_key("interview.score", interview_id),
        )
    return RescoreQueued(interview_id=uuid.UUID(interview_id), job_id=job.id, already_queued=not job.created)


# Completed interviews past the grace period without a completed current assessment, fewer than
# MAX_SWEEP_RETRIES assessments so far, and no live scoring job. The job look-up is a probe of
# the live-jobs dedupe index (jobs_live_dedupe_key_idx), so it costs the same however many
# finished jobs the table holds (bench/score_pending_sweep.py).
PENDING_SCORING_SQL = (
    "select i.id, count(a.id) as attempts from public.interviews i"
    " left join public.assessment_results a on a.interview_id = i.id"
    " where i.status = 'completed' and i.completed_at < now() - make_interval(mins => %(grace_minutes)s)"
    "   and not exists (select 1 from public.assessment_results c where c.interview_id = i.id and c.is_current and c.status = 'completed')"
    "   and not exists (select 1 from private.jobs j where j.dedupe_key = 'interview.score:' || i.id::text and j.status in ('queued', 'running'))"
    " group by i.id having count(a.id) < %(max_retries)s order by min(i.completed_at) limit %(limit)s"
)


def queue_pending(limit: int = 100) -> int:
    """Queue scoring for completed interviews without a current assessment, or whose scoring
    failed or was partial, when no scoring job is queued or running for them. One sweep at a time."""
    with service_transaction() as conn:
        if not one(conn.execute("select pg_try_advisory_xact_lock(hashtext('score-pending')) as locked"))["locked"]:
            return 0
        rows = conn.execute(PENDING_SCORING_SQL, {"grace_minutes": SWEEP_GRACE_MINUTES, "max_retries": MAX_SWEEP_RETRIES, "limit": limit}).fetchall()
        for row in rows:
            enqueue(conn, "interview.score", {"interview_id": str(row["id"])}, dedupe_key=subject_key("interview.score", row["id"]))
    return len(rows)
