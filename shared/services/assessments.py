"""Assessments: the candidate's view (scores, strengths, weaknesses: never integrity flags or
reasoning), the recruiter's view (everything, with history), rescoring, and the score-pending sweep."""

from __future__ import annotations

import uuid

from shared import rate_limit
from shared.auth import Caller
from shared.db import service_transaction, user_transaction
from shared.errors import Conflict, NotFound
from shared.models.assessments import AssessmentView, CandidateAssessment, RecruiterAssessment, RescoreQueued, ScoringInProgress
from shared.queue import enqueue, subject_key
from shared.repositories import assessments as rows
from shared.settings import get_settings

MAX_SWEEP_RETRIES = 5
SWEEP_GRACE_MINUTES = 5


def get(caller: Caller, interview_id: str) -> AssessmentView:
    """The current assessment in the caller's view, or ScoringInProgress while scoring is pending.
    Staff read whole rows under RLS (their organization's candidates); a candidate reads the
    `candidate_assessments` view, which exposes only the candidate's columns (F6)."""
    current: RecruiterAssessment | CandidateAssessment | None
    with user_transaction(caller.claims) as conn:
        status = rows.interview_status(conn, interview_id)
        if status is None:
            raise NotFound("The interview was not found.")
        if caller.is_staff:
            current = rows.current_for_staff(conn, interview_id)
        else:
            current = rows.current_for_candidate(conn, interview_id)
    if status != "completed":
        raise Conflict("The interview has not been completed yet.", details={"status": status})
    if current is None:
        return ScoringInProgress(interview_id=uuid.UUID(interview_id))
    return current


def rescore(caller: Caller, interview_id: str) -> RescoreQueued:
    """Score the interview again; the current assessment becomes history when the new one is
    stored. While scoring is queued or running for the interview, that job is returned instead of
    a new one; each recruiter may ask ASSESSMENT_RESCORES_PER_HOUR times an hour."""
    with user_transaction(caller.claims) as conn:
        status = rows.interview_status(conn, interview_id)
    if status is None:
        raise NotFound("The interview was not found.")
    if status != "completed":
        raise Conflict("Only completed interviews can be scored.", details={"status": status})
    rate_limit.hit("assessment.rescore", caller.user_id, limit=get_settings().assessment_rescores_per_hour, window_seconds=3600)
    with service_transaction() as conn:
        job = enqueue(
            conn,
            "interview.score",
            {"interview_id": interview_id, "replace": True, "requested_by": caller.user_id},
            dedupe_key=subject_key("interview.score", interview_id),
        )
    return RescoreQueued(interview_id=uuid.UUID(interview_id), job_id=job.id, already_queued=not job.created)


def queue_pending(limit: int = 100) -> int:
    """Queue scoring for completed interviews without a current assessment, or whose scoring
    failed or was partial, when no scoring job is queued or running for them. One sweep at a time."""
    with service_transaction() as conn:
        if not rows.try_sweep_lock(conn):
            return 0
        pending = rows.pending_scoring(conn, SWEEP_GRACE_MINUTES, MAX_SWEEP_RETRIES, limit)
        for interview_id in pending:
            enqueue(conn, "interview.score", {"interview_id": interview_id}, dedupe_key=subject_key("interview.score", interview_id))
    return len(pending)
