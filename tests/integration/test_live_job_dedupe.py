"""Dedupe among live jobs (issue 15.2): a dedupe key is unique while its job is queued or
running, so the same work is never live twice (F16: one live re-parse or rescore per subject,
even for concurrent callers) and can be queued again once it has finished."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from shared import queue
from shared.db import service_transaction
from tests.rls import create_user
from tests.support import access_token, invoke

TEAMIFIED = "00000000-0000-0000-0000-00000000a001"


def _enqueue(key: str, kind: str = "resume.process", payload: dict | None = None) -> queue.QueuedJob:
    with service_transaction() as conn:
        return queue.enqueue(conn, kind, payload or {"resume_id": key.rsplit(":", 1)[-1]}, dedupe_key=key)


def test_a_finished_job_does_not_block_queueing_its_key_again(app_env, admin_conn):
    """Issue 15.2: once the job has succeeded or died, the same key queues a new job (before:
    the key was unique forever and the finished job came back, so callers added random suffixes)."""
    first = _enqueue("resume.process:r1")
    for status in ("succeeded", "dead"):
        admin_conn.execute("update private.jobs set status = %s, finished_at = now() where id = %s", [status, first.id])
        again = _enqueue("resume.process:r1")
        assert again.created and again.id != first.id
        first = again
    keys = admin_conn.execute("select dedupe_key, status from private.jobs order by id").fetchall()
    assert [row["status"] for row in keys] == ["succeeded", "dead", "queued"]


def test_a_live_job_with_the_same_key_is_returned_and_a_second_live_copy_is_refused(app_env, admin_conn):
    """Issue 15.2: queued or running counts as live; another key or kind does not. The index
    itself refuses a second live row, whoever writes it."""
    first = _enqueue("resume.process:r1")
    assert first.created
    assert _enqueue("resume.process:r1", payload={"resume_id": "r1", "force": True}) == queue.QueuedJob(id=first.id, created=False)
    admin_conn.execute("update private.jobs set status = 'running' where id = %s", [first.id])
    assert _enqueue("resume.process:r1") == queue.QueuedJob(id=first.id, created=False)
    assert _enqueue("resume.process:r2").created and _enqueue("interview.score:r1", kind="interview.score").created
    with pytest.raises(psycopg.errors.UniqueViolation):
        admin_conn.execute("insert into private.jobs (kind, dedupe_key) values ('resume.process', 'resume.process:r1')")
    admin_conn.execute("update private.jobs set status = 'succeeded' where id = %s", [first.id])
    second = _enqueue("resume.process:r1")
    with pytest.raises(psycopg.errors.UniqueViolation):  # reviving the finished copy while another is live
        admin_conn.execute("update private.jobs set status = 'queued' where id = %s", [first.id])
    assert second.created


def test_concurrent_requests_for_one_key_queue_one_job(app_env, admin_conn):
    """F16: the second insert waits for the first caller's transaction, then finds its job (a plain
    look-then-insert would queue two)."""
    first_inside = threading.Event()

    def slow_first() -> queue.QueuedJob:
        with service_transaction() as conn:
            job = queue.enqueue(conn, "resume.process", {"resume_id": "r9"}, dedupe_key="resume.process:r9")
            first_inside.set()
            time.sleep(0.5)  # still uncommitted while the second caller arrives
            return job

    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(slow_first)
        assert first_inside.wait(10)
        second = pool.submit(_enqueue, "resume.process:r9")
        results = [first.result(timeout=20), second.result(timeout=20)]
    assert results[0].created and results[1] == queue.QueuedJob(id=results[0].id, created=False)
    live = admin_conn.execute("select count(*) as n from private.jobs where dedupe_key = 'resume.process:r9' and status in ('queued', 'running')")
    assert live.fetchone()["n"] == 1


def test_a_reparse_gets_the_upload_s_live_parsing_job_and_queues_a_new_one_once_it_finished(app_env, admin_conn):
    """Issue 15.2 and F16: the upload trigger and the re-parse route build the same key, so a
    re-parse while the upload's job is live returns it; after it finished, a re-parse queues the
    same key again, without a suffix (before: the finished job's key could never be reused)."""
    from functions.resumes import handler

    candidate = create_user(admin_conn, "candidate")
    token = access_token(create_user(admin_conn, "recruiter", organization_id=TEAMIFIED), "recruiter")
    admin_conn.execute(
        "insert into storage.objects (bucket_id, name, owner, metadata) values ('resumes', %s, %s, %s)",
        [f"{candidate}/cv.pdf", candidate, json.dumps({"size": 10, "mimetype": "application/pdf"})],
    )
    resume_id = admin_conn.execute("select id from public.resumes where candidate_id = %s", [candidate]).fetchone()["id"]
    key = f"resume.process:{resume_id}"
    upload_job = admin_conn.execute("select id from private.jobs where dedupe_key = %s", [key]).fetchone()["id"]

    live = invoke(handler, "POST", f"/{resume_id}/reparse", token=token)
    assert live.status == 202 and (live.data["job_id"], live.data["already_queued"]) == (upload_job, True)
    admin_conn.execute("update private.jobs set status = 'succeeded', finished_at = now() where id = %s", [upload_job])
    fresh = invoke(handler, "POST", f"/{resume_id}/reparse", token=token)
    assert fresh.status == 202 and fresh.data["already_queued"] is False and fresh.data["job_id"] != upload_job
    rows = admin_conn.execute("select dedupe_key, status, payload from private.jobs where kind = 'resume.process' order by id").fetchall()
    assert rows == [
        {"dedupe_key": key, "status": "succeeded", "payload": {"resume_id": str(resume_id)}},
        {"dedupe_key": key, "status": "queued", "payload": {"resume_id": str(resume_id), "force": True}},
    ]


def test_only_the_service_role_may_queue(admin_conn):
    """The enqueue function is internal: anon and authenticated cannot execute it."""
    for role in ("anon", "authenticated"):
        allowed = admin_conn.execute(
            "select has_function_privilege(%s, 'private.enqueue_job(text, jsonb, text, timestamptz, integer)', 'execute') as ok", [role]
        ).fetchone()["ok"]
        assert allowed is False
