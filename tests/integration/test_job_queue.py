"""The Postgres job queue: dedupe, exactly-once under concurrent workers, leases, backoff, dead jobs.
Lease, attempt and time-budget cases of issue 15.1 are in test_job_leases.py."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from local import postgres
from shared import queue
from shared.db import service_transaction

processed: Counter = Counter()
_lock = threading.Lock()


@queue.job_handler("test.record")
def _record(payload):
    with _lock:
        processed[payload["n"]] += 1
    return {"n": payload["n"]}


@queue.job_handler("test.explode", policy=queue.RetryPolicy(base_seconds=30, jitter=0))
def _explode(payload):
    raise RuntimeError("upstream said no")


@queue.job_handler("test.invalid")
def _invalid(payload):
    raise queue.PermanentJobError("the resume row does not exist")


@pytest.fixture
def enqueue_job(app_env):
    """Factory: queue a job and return its id."""

    def make(kind="test.record", payload=None, dedupe_key=None, max_attempts=3):
        with service_transaction() as conn:
            return queue.enqueue(conn, kind, payload or {"n": 0}, dedupe_key=dedupe_key, max_attempts=max_attempts).id

    return make


def job(admin_conn, job_id):
    return admin_conn.execute(
        "select status, attempts, last_error, run_after > now() as deferred, locked_by from private.jobs where id = %s", [job_id]
    ).fetchone()


def test_dedupe_key_queues_the_work_once(enqueue_job, admin_conn):
    first = enqueue_job(dedupe_key="resume.process:1")
    second = enqueue_job(dedupe_key="resume.process:1")
    assert first == second
    assert admin_conn.execute("select count(*) as n from private.jobs").fetchone()["n"] == 1


def test_four_workers_process_a_thousand_jobs_exactly_once(app_env, admin_conn):
    processed.clear()
    admin_conn.execute("select private.enqueue_job('test.record', jsonb_build_object('n', n), 'n:' || n) from generate_series(1, 1000) n")

    def work(_):
        queue.drain(max_jobs=10_000)

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(work, range(4)))
    assert len(processed) == 1000
    assert set(processed.values()) == {1}
    statuses = {row["status"]: row["n"] for row in admin_conn.execute("select status, count(*) as n from private.jobs group by status")}
    assert statuses == {"succeeded": 1000}


def claim_and_start(worker):
    """What a worker does before its handler runs; a crash right after leaves the job running."""
    with service_transaction() as conn:
        claimed = conn.execute("select id from private.claim_job(%s, 300)", [worker]).fetchall()
        for row in claimed:
            conn.execute("select private.start_job(%s, %s, 300)", [row["id"], worker])
    return [row["id"] for row in claimed]


def test_job_with_an_expired_lease_is_claimed_again(enqueue_job, admin_conn):
    job_id = enqueue_job()
    assert claim_and_start("crashed-worker") == [job_id]
    with service_transaction() as conn:
        assert conn.execute("select id from private.claim_job('other', 300)").fetchall() == []  # lease still held
    admin_conn.execute("update private.jobs set locked_until = now() - interval '1 second'")
    processed.clear()
    summary = queue.drain()
    assert summary.claimed == 1 and summary.succeeded == 1
    assert job(admin_conn, job_id)["attempts"] == 2
    with pytest.raises(psycopg.errors.NoDataFound):
        with service_transaction() as conn:
            conn.execute("select private.complete_job(%s, 'crashed-worker', '{}', 1)", [job_id])


def test_failures_back_off_then_end_dead_after_max_attempts(enqueue_job, admin_conn):
    job_id = enqueue_job(kind="test.explode", max_attempts=3)
    outcomes = []
    for _ in range(3):
        outcomes.append(queue.drain())
        state = job(admin_conn, job_id)
        if state["status"] == "queued":
            assert state["deferred"]  # backed off into the future
            assert queue.drain().claimed == 0  # not claimable before run_after
            admin_conn.execute("update private.jobs set run_after = now() where id = %s", [job_id])
    assert [(o.retried, o.dead) for o in outcomes] == [(1, 0), (1, 0), (0, 1)]
    final = job(admin_conn, job_id)
    assert final["status"] == "dead" and final["attempts"] == 3
    assert "upstream said no" in final["last_error"]


def test_unknown_kind_fails_visibly(enqueue_job, admin_conn):
    job_id = enqueue_job(kind="nobody.handles_this")
    assert queue.drain().dead == 1
    state = job(admin_conn, job_id)
    assert state["status"] == "dead"
    assert "no handler registered" in state["last_error"]


def test_permanent_errors_are_not_retried(enqueue_job, admin_conn):
    job_id = enqueue_job(kind="test.invalid")
    assert queue.drain().dead == 1
    assert job(admin_conn, job_id)["attempts"] == 1


reaped: list = []


@queue.job_handler("test.cleanup", on_dead=lambda payload, error: reaped.append((payload["n"], type(error).__name__)))
def _never_finishes(payload):
    raise AssertionError("claimed by the crashed worker only")


def test_a_crash_on_the_final_attempt_ends_dead_and_calls_the_dead_hook(enqueue_job, admin_conn):
    job_id = enqueue_job(kind="test.cleanup", max_attempts=1)
    claim_and_start("crashed-worker")
    admin_conn.execute("update private.jobs set locked_until = now() - interval '1 second'")
    summary = queue.drain()
    assert (summary.claimed, summary.dead) == (0, 1)
    assert job(admin_conn, job_id)["status"] == "dead"
    assert reaped == [(0, "WorkerLost")]
    assert queue.drain().dead == 0


def test_enqueue_notifies_listeners(enqueue_job, database):
    with postgres.connect(database) as listener:
        listener.execute("listen jobs")
        enqueue_job(dedupe_key="notify-me")
        notification = next(listener.notifies(timeout=5, stop_after=1))
    assert notification.channel == "jobs" and notification.payload == "test.record"


def test_clients_cannot_touch_the_queue(app_env):
    from shared.db import user_transaction

    claims = {"sub": "00000000-0000-0000-0000-000000000001", "role": "authenticated"}
    for sql in ("select * from private.jobs", "select private.enqueue_job('x.y', '{}')", "select * from private.claim_job('w', 1)"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            with user_transaction(claims) as conn:
                conn.execute(sql)


def test_run_jobs_function_drains_the_queue(enqueue_job, admin_conn):
    from functions.run_jobs import handler
    from local.gateway import LambdaContext

    for n in range(3):
        enqueue_job(payload={"n": n}, dedupe_key=f"fn:{n}")
    result = handler({"source": "aws.events"}, LambdaContext("run-jobs", timeout_s=300))
    assert result == {"claimed": 3, "succeeded": 3, "retried": 0, "dead": 0, "lost": 0}
