"""private.enqueue_unless_live: one live job per kind and subject, even under concurrency."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from shared import queue
from shared.db import service_transaction


def _enqueue(subject: str, kind: str = "resume.process", label: str = "") -> queue.QueuedJob:
    with service_transaction() as conn:
        return queue.enqueue_unless_live(conn, kind, "resume_id", {"resume_id": subject, "force": True}, dedupe_key=f"{kind}:{subject}:{label}")


def test_a_live_job_of_the_same_kind_and_subject_is_returned_instead_of_a_new_one(app_env, admin_conn):
    """F16: queued or running counts as live; another subject or kind, or a finished job, does not."""
    first = _enqueue("r1", label="a")
    assert first.created
    assert _enqueue("r1", label="b") == queue.QueuedJob(id=first.id, created=False)
    admin_conn.execute("update private.jobs set status = 'running' where id = %s", [first.id])
    assert _enqueue("r1", label="c") == queue.QueuedJob(id=first.id, created=False)
    assert _enqueue("r2", label="a").created and _enqueue("r1", kind="interview.score", label="a").created
    admin_conn.execute("update private.jobs set status = 'succeeded' where id = %s", [first.id])
    again = _enqueue("r1", label="d")
    assert again.created and again.id != first.id


def test_concurrent_requests_for_one_subject_queue_one_job(app_env, admin_conn):
    """F16: the subject's advisory lock holds until the first caller commits; the second waits and
    then finds the first one's job (a plain look-then-insert would queue two)."""
    first_inside = threading.Event()

    def slow_first() -> queue.QueuedJob:
        with service_transaction() as conn:
            job = queue.enqueue_unless_live(conn, "resume.process", "resume_id", {"resume_id": "r9"}, dedupe_key="resume.process:r9:first")
            first_inside.set()
            time.sleep(0.5)  # still uncommitted while the second caller arrives
            return job

    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(slow_first)
        assert first_inside.wait(10)
        second = pool.submit(_enqueue, "r9", "resume.process", "second")
        results = [first.result(timeout=20), second.result(timeout=20)]
    assert results[0].created and results[1] == queue.QueuedJob(id=results[0].id, created=False)
    live = admin_conn.execute(
        "select count(*) as n from private.jobs where kind = 'resume.process' and payload ->> 'resume_id' = 'r9' and status in ('queued', 'running')"
    ).fetchone()
    assert live["n"] == 1


def test_only_the_service_role_may_call_it(admin_conn):
    """F16: the function is internal: anon and authenticated cannot execute it."""
    for role in ("anon", "authenticated"):
        allowed = admin_conn.execute(
            "select has_function_privilege(%s, 'private.enqueue_unless_live(text, text, jsonb, text, integer)', 'execute') as ok", [role]
        ).fetchone()["ok"]
        assert allowed is False
