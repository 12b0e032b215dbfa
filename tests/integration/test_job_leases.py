"""One lease per job (issue 15.1): a slow job keeps its lease while it runs, a lost lease is a
logged no-op, only a started job loses an attempt, and run-jobs claims only what its remaining
time fits. Each test failed on the batch-claiming runner (ten jobs under one 300 s lease)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from shared import queue
from shared.db import service_transaction

runs: Counter = Counter()
_lock = threading.Lock()


def _count(name: str) -> None:
    with _lock:
        runs[name] += 1


@pytest.fixture(autouse=True)
def _fresh_counts():
    runs.clear()
    yield


@queue.job_handler("test.lease_slow")
def _slow(payload):
    _count("slow")
    time.sleep(payload["seconds"])
    return {}


@queue.job_handler("test.lease_quick", expected_seconds=1)
def _quick(payload):
    _count(f"quick:{payload['n']}")
    return {}


@queue.job_handler("test.lease_long", expected_seconds=1000)
def _long(payload):
    _count("long")
    return {}


def _usurp(kind):
    """Another worker takes the job over while this one still runs it (its lease had expired)."""
    with service_transaction() as conn:
        conn.execute("update private.jobs set locked_by = 'usurper', locked_until = now() + interval '5 minutes' where kind = %s", [kind])


@queue.job_handler("test.lease_usurped_ok")
def _usurped_then_done(payload):
    _usurp("test.lease_usurped_ok")
    return {}


@queue.job_handler("test.lease_usurped_fail")
def _usurped_then_fails(payload):
    _usurp("test.lease_usurped_fail")
    raise RuntimeError("upstream said no")


dead_hooks: list = []


@queue.job_handler("test.lease_usurped_dead", on_dead=lambda payload, error: dead_hooks.append(payload))
def _usurped_then_permanent(payload):
    _usurp("test.lease_usurped_dead")
    raise queue.PermanentJobError("bad input")


killed_once = threading.Event()


@queue.job_handler("test.lease_kill")
def _kill_worker(payload):
    if not killed_once.is_set():
        killed_once.set()
        raise SystemExit("the worker process was killed")
    return {}


def enqueue(kind, payload=None, max_attempts=3):
    with service_transaction() as conn:
        return queue.enqueue(conn, kind, payload or {}, max_attempts=max_attempts).id


def job(admin_conn, job_id):
    return admin_conn.execute("select status, attempts, locked_by from private.jobs where id = %s", [job_id]).fetchone()


def test_a_job_slower_than_its_lease_is_not_run_again_by_a_concurrent_drain(app_env, admin_conn):
    """Issue 15.1: the lease is renewed while the handler runs, so a second worker draining all
    along never claims the job (before: the 1 s lease ran out and the job ran twice)."""
    job_id = enqueue("test.lease_slow", {"seconds": 2.5})

    def second_worker():
        """Drains every 0.1 s from the moment the first worker started the job until it finished."""
        claimed = drains = 0
        while not runs["slow"]:
            time.sleep(0.01)
        while job(admin_conn, job_id)["status"] == "running":
            claimed += queue.drain(lease_seconds=1).claimed
            drains += 1
            time.sleep(0.1)
        return claimed, drains

    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(queue.drain, lease_seconds=1)
        second = pool.submit(second_worker)
        claimed, drains = second.result(timeout=30)
        assert first.result(timeout=30).succeeded == 1
    assert claimed == 0 and drains >= 10
    assert runs["slow"] == 1
    assert job(admin_conn, job_id) == {"status": "succeeded", "attempts": 1, "locked_by": None}


@pytest.mark.parametrize(
    ("kind", "step"),
    [
        ("test.lease_usurped_ok", "complete"),  # complete_job finds another worker's lease
        ("test.lease_usurped_fail", "fail"),  # fail_job (a retry) finds it
        ("test.lease_usurped_dead", "fail"),  # fail_job (permanent) finds it: no dead-job hook either
    ],
)
def test_a_lost_lease_when_finishing_is_logged_and_the_drain_goes_on(app_env, admin_conn, kind, step):
    """Issue 15.1: finishing a job another worker took over changes nothing and does not abort
    the drain (before: complete_job's exception escaped and the rest of the batch never ran)."""
    usurped = enqueue(kind)
    after = enqueue("test.lease_quick", {"n": 1})
    dead_hooks.clear()
    summary = queue.drain()
    assert (summary.claimed, summary.lost, summary.succeeded) == (2, 1, 1)
    assert job(admin_conn, usurped) == {"status": "running", "attempts": 1, "locked_by": "usurper"}
    assert job(admin_conn, after)["status"] == "succeeded" and runs["quick:1"] == 1
    assert dead_hooks == []


def test_jobs_a_killed_worker_had_not_started_keep_their_attempts(app_env, admin_conn):
    """Issue 15.1: only a started job loses an attempt. A worker killed in its first job leaves the
    next job unclaimed with no attempt used (before: the whole batch was claimed, so the next job
    had used its only attempt and was reaped dead without ever running)."""
    killed_once.clear()
    killer = enqueue("test.lease_kill")
    untouched = enqueue("test.lease_quick", {"n": 2}, max_attempts=1)
    with pytest.raises(SystemExit):
        queue.drain()
    assert job(admin_conn, untouched)["attempts"] == 0
    admin_conn.execute("update private.jobs set locked_until = now() - interval '1 second' where status = 'running'")
    summary = queue.drain()
    assert (summary.succeeded, summary.dead) == (2, 0)
    assert job(admin_conn, untouched) == {"status": "succeeded", "attempts": 1, "locked_by": None}
    assert job(admin_conn, killer)["attempts"] == 2  # the killed run counted: it had started


def test_a_claim_that_never_started_is_claimed_again_without_losing_an_attempt(app_env, admin_conn):
    """Issue 15.1: claiming does not count an attempt, so a job on its final attempt whose worker
    died between claim and start runs instead of being reaped dead."""
    job_id = enqueue("test.lease_quick", {"n": 3}, max_attempts=1)
    with service_transaction() as conn:
        assert [row["id"] for row in conn.execute("select id from private.claim_job('crashed-worker', 300)")] == [job_id]
    assert job(admin_conn, job_id) == {"status": "running", "attempts": 0, "locked_by": "crashed-worker"}
    admin_conn.execute("update private.jobs set locked_until = now() - interval '1 second'")
    summary = queue.drain()
    assert (summary.succeeded, summary.dead) == (1, 0)
    assert job(admin_conn, job_id)["attempts"] == 1


def test_run_jobs_leaves_a_job_queued_when_the_time_left_cannot_fit_it(app_env, admin_conn):
    """Issue 15.1: with 15 s left (10 s of them the safety margin) a job expected to take up to
    120 s is not claimed and keeps its attempts (before: it was claimed and run past the budget)."""
    from functions.run_jobs import handler
    from local.gateway import LambdaContext

    job_id = enqueue("test.lease_slow", {"seconds": 0})
    result = handler({"source": "aws.events"}, LambdaContext("run-jobs", timeout_s=15))
    assert result["claimed"] == 0
    assert job(admin_conn, job_id) == {"status": "queued", "attempts": 0, "locked_by": None}


def test_only_kinds_whose_expected_duration_fits_are_claimed(app_env, admin_conn):
    """Issue 15.1: with 30 s left a quick kind runs and a kind expected to take 1,000 s waits."""
    quick, long = enqueue("test.lease_quick", {"n": 4}), enqueue("test.lease_long")
    summary = queue.drain(time_left=lambda: 30.0)
    assert (summary.claimed, summary.succeeded) == (1, 1)
    assert job(admin_conn, quick)["status"] == "succeeded"
    assert job(admin_conn, long) == {"status": "queued", "attempts": 0, "locked_by": None}


def test_the_drain_stops_claiming_once_the_time_left_runs_short(app_env, admin_conn):
    """Issue 15.1: the time left is read before every claim, not once per batch."""
    ids = [enqueue("test.lease_quick", {"n": n}) for n in range(10, 14)]
    clock = iter([200.0, 200.0, 0.5, 0.5])
    summary = queue.drain(time_left=lambda: next(clock))
    assert summary.claimed == 2
    assert [job(admin_conn, i)["status"] for i in ids] == ["succeeded", "succeeded", "queued", "queued"]
