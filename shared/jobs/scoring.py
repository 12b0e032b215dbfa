"""interview.score: score a completed interview (retried on AI failure; after the last attempt
the partial result is stored and the score-pending sweep tries again later)."""

from __future__ import annotations

from typing import Any

from shared.errors import AppError
from shared.queue import PermanentJobError, RetryPolicy, job_handler
from shared.services import scoring

SCORE_POLICY = RetryPolicy(base_seconds=20, max_seconds=600)


def _readable(error: BaseException) -> str:
    if isinstance(error, AppError):
        return f"Scoring failed: {error.message}"
    if isinstance(error, PermanentJobError | scoring.NothingToScore):
        return f"Scoring failed: {error}."
    return "Scoring failed after several attempts; it will be retried automatically."


def _dead(payload: dict[str, Any], error: BaseException) -> None:
    scoring.store_without_ai(payload["interview_id"], _readable(error))


@job_handler("interview.score", policy=SCORE_POLICY, on_dead=_dead)
def score_interview(payload: dict[str, Any]) -> dict[str, Any]:
    try:
        return scoring.score(payload["interview_id"], replace=bool(payload.get("replace")))
    except scoring.NothingToScore as exc:
        raise PermanentJobError(str(exc)) from exc
