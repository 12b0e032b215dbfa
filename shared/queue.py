"""The job queue's Python side: enqueue, the handler registry, the retry policy, and the runner
that claims batches and dispatches them. Jobs move only through the SQL functions in
private (claim_jobs, complete_job, fail_job); handlers must be idempotent (a job can run twice).
"""

from __future__ import annotations

import json
import random
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shared.db import Connection, one, service_transaction
from shared.logs import logger

JobHandler = Callable[[dict[str, Any]], dict[str, Any] | None]
DeadHandler = Callable[[dict[str, Any], BaseException], None]
_HANDLERS: dict[str, JobHandler] = {}
_ON_DEAD: dict[str, DeadHandler] = {}


class PermanentJobError(Exception):
    """A failure that retrying cannot fix (bad input, missing row): the job goes dead at once."""


class WorkerLost(Exception):
    """The worker running the job's final attempt stopped before finishing."""


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter: base * 2**(attempt-1), capped, times a random factor."""

    base_seconds: float = 10.0
    max_seconds: float = 3600.0
    jitter: float = 0.25
    rng: random.Random = field(default_factory=random.Random, compare=False)

    def delay(self, attempt: int) -> int:
        """Seconds to wait before the next attempt after failed attempt number `attempt` (1-based)."""
        raw = min(self.max_seconds, self.base_seconds * 2.0 ** max(0, attempt - 1))
        spread = raw * self.jitter
        return max(1, round(raw + self.rng.uniform(-spread, spread)))


DEFAULT_POLICY = RetryPolicy()
_POLICIES: dict[str, RetryPolicy] = {}


def job_handler(kind: str, policy: RetryPolicy = DEFAULT_POLICY, on_dead: DeadHandler | None = None) -> Callable[[JobHandler], JobHandler]:
    """Register the function that runs jobs of `kind`; `on_dead(payload, error)` records a final failure."""

    def register(func: JobHandler) -> JobHandler:
        _HANDLERS[kind] = func
        _POLICIES[kind] = policy
        if on_dead is not None:
            _ON_DEAD[kind] = on_dead
        return func

    return register


def registered_kinds() -> list[str]:
    return sorted(_HANDLERS)


def enqueue(
    conn: Connection,
    kind: str,
    payload: dict[str, Any],
    dedupe_key: str | None = None,
    run_after: datetime | None = None,
    max_attempts: int = 3,
) -> int:
    """Queue a job inside the caller's transaction; returns its id (the existing one on a dedupe hit)."""
    row = one(
        conn.execute(
            "select private.enqueue_job(%s, %s::jsonb, %s, coalesce(%s, now()), %s) as id",
            [kind, json.dumps(payload), dedupe_key, run_after, max_attempts],
        )
    )
    return int(row["id"])


@dataclass(frozen=True)
class QueuedJob:
    id: int
    created: bool  # False: a live job for the same subject was returned instead


def enqueue_unless_live(
    conn: Connection, kind: str, subject_key: str, payload: dict[str, Any], dedupe_key: str | None = None, max_attempts: int = 3
) -> QueuedJob:
    """Queue a job inside the caller's transaction unless a job of the same kind for the same
    subject (`payload[subject_key]`) is queued or running; then that job is returned. Safe under
    concurrency: the subject is locked until the caller's transaction ends."""
    row = one(
        conn.execute(
            "select id, created from private.enqueue_unless_live(%s, %s, %s::jsonb, %s, %s)",
            [kind, subject_key, json.dumps(payload), dedupe_key, max_attempts],
        )
    )
    return QueuedJob(id=int(row["id"]), created=bool(row["created"]))


@dataclass
class RunSummary:
    claimed: int = 0
    succeeded: int = 0
    retried: int = 0
    dead: int = 0


def worker_name() -> str:
    return f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"


def run_batch(batch_size: int = 10, lease_seconds: int = 300, worker: str | None = None) -> RunSummary:
    """Claim up to `batch_size` due jobs and run each; returns what happened."""
    worker = worker or worker_name()
    with service_transaction() as conn:
        reaped = conn.execute("select * from private.reap_expired_jobs()").fetchall()
        jobs = conn.execute("select * from private.claim_jobs(%s, %s, %s)", [worker, batch_size, lease_seconds]).fetchall()
    for job in reaped:
        logger.warning("job died with its worker", extra={"job_id": job["id"], "kind": job["kind"], "attempt": job["attempts"]})
        _call_on_dead(job, WorkerLost("the worker running it stopped before finishing (lease expired on the final attempt)"))
    summary = RunSummary(claimed=len(jobs), dead=len(reaped))
    for job in jobs:
        outcome = _run_one(job, worker)
        setattr(summary, outcome, getattr(summary, outcome) + 1)
    return summary


def drain(max_jobs: int = 1000, batch_size: int = 10, lease_seconds: int = 300, deadline_seconds: float | None = None) -> RunSummary:
    """Run batches until nothing is due, `max_jobs` ran, or the deadline passes."""
    total = RunSummary()
    started = time.monotonic()
    worker = worker_name()
    while total.claimed < max_jobs:
        if deadline_seconds is not None and time.monotonic() - started > deadline_seconds:
            break
        summary = run_batch(batch_size, lease_seconds, worker)
        if summary.claimed == 0:
            break
        for name in ("claimed", "succeeded", "retried", "dead"):
            setattr(total, name, getattr(total, name) + getattr(summary, name))
    return total


def _run_one(job: dict[str, Any], worker: str) -> str:
    kind, started = job["kind"], time.perf_counter()
    handler = _HANDLERS.get(kind)
    log = {"job_id": job["id"], "kind": kind, "attempt": job["attempts"]}
    try:
        if handler is None:
            raise PermanentJobError(f"no handler registered for job kind {kind!r}")
        result = handler(job["payload"]) or {}
    except PermanentJobError as exc:
        return _fail(job, worker, exc, started, permanent=True, log=log)
    except Exception as exc:  # noqa: BLE001 - any handler failure is recorded on the job and retried
        return _fail(job, worker, exc, started, permanent=False, log=log)
    duration_ms = int((time.perf_counter() - started) * 1000)
    with service_transaction() as conn:
        conn.execute("select private.complete_job(%s, %s, %s::jsonb, %s)", [job["id"], worker, json.dumps(result, default=str), duration_ms])
    logger.info("job succeeded", extra={**log, "duration_ms": duration_ms})
    return "succeeded"


def _call_on_dead(job: dict[str, Any], exc: BaseException) -> None:
    on_dead = _ON_DEAD.get(job["kind"])
    if on_dead is None:
        return
    try:
        on_dead(job["payload"], exc)
    except Exception:  # noqa: BLE001 - the job is already dead; record that its cleanup failed
        logger.exception("dead-job handler failed", extra={"job_id": job["id"], "kind": job["kind"]})


def _fail(job: dict[str, Any], worker: str, exc: BaseException, started: float, *, permanent: bool, log: dict[str, Any]) -> str:
    error = str(exc) if permanent else f"{type(exc).__name__}: {exc}"
    duration_ms = int((time.perf_counter() - started) * 1000)
    delay = _POLICIES.get(job["kind"], DEFAULT_POLICY).delay(job["attempts"])
    with service_transaction() as conn:
        status = one(
            conn.execute("select private.fail_job(%s, %s, %s, %s, %s, %s) as status", [job["id"], worker, error, delay, duration_ms, permanent])
        )["status"]
    logger.warning("job failed", extra={**log, "duration_ms": duration_ms, "new_status": status, "error_type": type(exc).__name__})
    if status == "dead":
        _call_on_dead(job, exc)
    return "dead" if status == "dead" else "retried"
