"""The job queue's Python side: enqueue, the handler registry, the retry policy, and the runner.

Jobs move only through the SQL functions in private: enqueue_job (a dedupe key is unique among
live jobs), claim_job (one job, one lease), start_job (counts the attempt), extend_job_lease (the
heartbeat while a handler runs), complete_job and fail_job. Handlers must be idempotent: a job
whose worker lost its lease (crashed, or cut off from the database) runs again.
"""

from __future__ import annotations

import json
import random
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import psycopg

from shared.db import Connection, one, service_transaction
from shared.logs import logger
from shared.settings import get_settings

JobHandler = Callable[[dict[str, Any]], dict[str, Any] | None]
DeadHandler = Callable[[dict[str, Any], BaseException], None]
_HANDLERS: dict[str, JobHandler] = {}
_ON_DEAD: dict[str, DeadHandler] = {}
_EXPECTED_SECONDS: dict[str, float] = {}


class PermanentJobError(Exception):
    """A failure that retrying cannot fix (bad input, missing row): the job goes dead at once."""


class WorkerLost(Exception):
    """The worker running the job's final attempt stopped before finishing."""


class RetryLater(Exception):
    """A failure whose handler chose when to try again (it recorded the time on its own row), so
    the kind's policy is not asked; the job still goes dead once its attempts are used up."""

    def __init__(self, message: str, seconds: int) -> None:
        super().__init__(message)
        self.seconds = seconds


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


def job_handler(
    kind: str, policy: RetryPolicy = DEFAULT_POLICY, on_dead: DeadHandler | None = None, expected_seconds: float | None = None
) -> Callable[[JobHandler], JobHandler]:
    """Register the function that runs jobs of `kind`; `on_dead(payload, error)` records a final
    failure; `expected_seconds` is the longest a job of the kind should take (default
    JOB_EXPECTED_SECONDS): the runner claims one only while the function has that much time left."""

    def register(func: JobHandler) -> JobHandler:
        _HANDLERS[kind] = func
        _POLICIES[kind] = policy
        if on_dead is not None:
            _ON_DEAD[kind] = on_dead
        if expected_seconds is not None:
            _EXPECTED_SECONDS[kind] = expected_seconds
        return func

    return register


def registered_kinds() -> list[str]:
    return sorted(_HANDLERS)


def expected_seconds(kind: str) -> float:
    return _EXPECTED_SECONDS.get(kind, get_settings().job_expected_seconds)


def subject_key(kind: str, subject: object) -> str:
    """The dedupe key of `kind` work on one subject, e.g. `resume.process:<resume id>`: the key the
    workflow triggers use too, so every path that queues the same work shares its live job."""
    return f"{kind}:{subject}"


@dataclass(frozen=True)
class QueuedJob:
    id: int
    created: bool  # False: the live (queued or running) job with the same dedupe key was returned instead


def enqueue(
    conn: Connection,
    kind: str,
    payload: dict[str, Any],
    dedupe_key: str | None = None,
    run_after: datetime | None = None,
    max_attempts: int = 3,
) -> QueuedJob:
    """Queue a job inside the caller's transaction, unless a job with the same dedupe key is queued
    or running: then that job is returned. Once it has finished the key can be queued again.
    Concurrent callers with one key get one job (the second waits for the first to commit)."""
    row = one(
        conn.execute(
            "select id, created from private.enqueue_job(%s, %s::jsonb, %s, coalesce(%s, now()), %s)",
            [kind, json.dumps(payload), dedupe_key, run_after, max_attempts],
        )
    )
    return QueuedJob(id=int(row["id"]), created=bool(row["created"]))


@dataclass
class RunSummary:
    claimed: int = 0
    succeeded: int = 0
    retried: int = 0
    dead: int = 0
    lost: int = 0  # the worker no longer held the job when it finished (another worker took it over)


def worker_name() -> str:
    return f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"


def drain(max_jobs: int = 1000, lease_seconds: int | None = None, time_left: Callable[[], float] | None = None) -> RunSummary:
    """Claim and run due jobs one at a time, each under its own lease kept alive while it runs,
    until nothing is due or `max_jobs` ran. With `time_left` (seconds the function may still
    spend), a kind is claimed only while its expected duration fits, and claiming stops when none fits."""
    lease = lease_seconds or get_settings().job_lease_seconds
    worker = worker_name()
    summary = RunSummary()
    while summary.claimed < max_jobs:
        skip: list[str] = []
        if time_left is not None:
            remaining = time_left()
            skip = [kind for kind in _HANDLERS if expected_seconds(kind) > remaining]
            if len(skip) == len(_HANDLERS):
                logger.info("job runner stops claiming: no job fits the time left", extra={"seconds_left": round(remaining, 1)})
                break
        job = _claim(worker, lease, skip, summary)
        if job is None:
            break
        summary.claimed += 1
        outcome = _run_one(job, worker, lease)
        setattr(summary, outcome, getattr(summary, outcome) + 1)
    return summary


def _claim(worker: str, lease_seconds: int, skip_kinds: list[str], summary: RunSummary) -> dict[str, Any] | None:
    """Reap jobs that died on their final attempt, then claim the next due job (not yet started)."""
    with service_transaction() as conn:
        reaped = conn.execute("select * from private.reap_expired_jobs()").fetchall()
        job = conn.execute("select * from private.claim_job(%s, %s, %s::text[])", [worker, lease_seconds, skip_kinds]).fetchone()
    for dead in reaped:
        logger.warning("job died with its worker", extra={"job_id": dead["id"], "kind": dead["kind"], "attempt": dead["attempts"]})
        _call_on_dead(dead, WorkerLost("the worker running it stopped before finishing (lease expired on the final attempt)"))
    summary.dead += len(reaped)
    return job


@contextmanager
def _lease_kept(job_id: int, worker: str, lease_seconds: int) -> Iterator[None]:
    """Extend the job's lease every third of its length while the body runs, so a slow job is not
    taken over from a live worker; once the worker stops (crash, timeout) the lease runs out and
    the job is claimed again."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(lease_seconds / 3):
            try:
                with service_transaction() as conn:
                    held = one(conn.execute("select private.extend_job_lease(%s, %s, %s) as held", [job_id, worker, lease_seconds]))["held"]
            except psycopg.Error as exc:
                logger.warning("job lease not extended; trying again", extra={"job_id": job_id, "error_type": type(exc).__name__})
                continue
            if not held:
                logger.warning("job lease lost while it ran: another worker took the job over", extra={"job_id": job_id})
                return

    keeper = threading.Thread(target=beat, name=f"job-lease-{job_id}", daemon=True)
    keeper.start()
    try:
        yield
    finally:
        stop.set()
        keeper.join()


def _lost(job: dict[str, Any], step: str) -> str:
    logger.warning(
        "job lease lost: another worker holds the job, so this run's outcome is dropped",
        extra={"job_id": job["id"], "kind": job["kind"], "attempt": job["attempts"], "step": step},
    )
    return "lost"


def _run_one(job: dict[str, Any], worker: str, lease_seconds: int) -> str:
    try:
        with service_transaction() as conn:
            attempt = one(conn.execute("select private.start_job(%s, %s, %s) as attempt", [job["id"], worker, lease_seconds]))["attempt"]
    except psycopg.errors.NoDataFound:
        return _lost(job, "start")
    job = {**job, "attempts": attempt}
    kind, started = job["kind"], time.perf_counter()
    handler = _HANDLERS.get(kind)
    log = {"job_id": job["id"], "kind": kind, "attempt": attempt}
    result: dict[str, Any] = {}
    error: BaseException | None = None
    permanent = False
    with _lease_kept(job["id"], worker, lease_seconds):
        try:
            if handler is None:
                raise PermanentJobError(f"no handler registered for job kind {kind!r}")
            result = handler(job["payload"]) or {}
        except PermanentJobError as exc:
            error, permanent = exc, True
        except Exception as exc:  # noqa: BLE001 - any handler failure is recorded on the job and retried
            error = exc
    if error is not None:
        return _fail(job, worker, error, started, permanent=permanent, log=log)
    duration_ms = int((time.perf_counter() - started) * 1000)
    try:
        with service_transaction() as conn:
            conn.execute("select private.complete_job(%s, %s, %s::jsonb, %s)", [job["id"], worker, json.dumps(result, default=str), duration_ms])
    except psycopg.errors.NoDataFound:
        return _lost(job, "complete")
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
    delay = exc.seconds if isinstance(exc, RetryLater) else _POLICIES.get(job["kind"], DEFAULT_POLICY).delay(job["attempts"])
    try:
        with service_transaction() as conn:
            status = one(
                conn.execute("select private.fail_job(%s, %s, %s, %s, %s, %s) as status", [job["id"], worker, error, delay, duration_ms, permanent])
            )["status"]
    except psycopg.errors.NoDataFound:
        return _lost(job, "fail")
    logger.warning("job failed", extra={**log, "duration_ms": duration_ms, "new_status": status, "error_type": type(exc).__name__})
    if status == "dead":
        _call_on_dead(job, exc)
    return "dead" if status == "dead" else "retried"
