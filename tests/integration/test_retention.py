"""Retention (issue 15.3): the daily retention-cleanup function removes exactly what is old
(finished jobs after 14 days, outbox bodies after 30 and rows after 90 days, rate-limit and
login-failure rows and unused resume upload names after a day, settled webhook deliveries after
30 days), in bounded batches, within its time. None of it existed before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from local import gateway, schedule
from shared.queue import PermanentJobError
from shared.services import outbox, retention
from tests.rls import create_user

RETENTION_FUNCTIONS = (
    "private.delete_finished_jobs(interval, integer)",
    "private.clear_outbox_bodies(interval, integer)",
    "private.delete_old_outbox_messages(interval, integer)",
    "private.delete_old_rate_limit_counters(interval, integer)",
    "private.delete_old_login_failures(interval, integer)",
    "private.delete_old_resume_upload_names(interval, integer)",
    "private.delete_old_recording_consents(interval, integer)",
    "private.delete_old_webhook_deliveries(interval, integer)",
)


def add_job(conn, name, status, finished_days_ago=None):
    conn.execute(
        "insert into private.jobs (kind, status, dedupe_key, finished_at) values ('test.kept', %s, %s, now() - make_interval(days => %s))",
        [status, name, finished_days_ago],
    )


def add_message(conn, name, days_ago):
    conn.execute(
        "insert into private.email_outbox (to_address, subject, body_text, body_html, status, created_at)"
        " values (%s, 'Your feedback', 'Dear Sam, ...', '<p>Dear Sam</p>', 'sent', now() - make_interval(days => %s))",
        [f"{name}@example.com", days_ago],
    )


@pytest.fixture
def old_and_new(admin_conn):
    """One row on each side of every rule's age limit (and rows no age makes removable)."""
    for name, status, days in [
        ("succeeded-15d", "succeeded", 15),
        ("dead-15d", "dead", 15),
        ("succeeded-13d", "succeeded", 13),
        ("dead-13d", "dead", 13),
        ("queued-old", "queued", None),  # live jobs are never removed, however old
        ("running-old", "running", None),
    ]:
        add_job(admin_conn, name, status, days)
    admin_conn.execute("update private.jobs set created_at = now() - interval '60 days'")
    for name, days in [("m91", 91), ("m31", 31), ("m29", 29)]:
        add_message(admin_conn, name, days)
    admin_conn.execute(
        "insert into private.rate_limit_counters (action, subject, window_start, hits) values"
        " ('register', 'old', now() - interval '2 days', 3), ('register', 'current', date_trunc('hour', now()), 1)"
    )
    admin_conn.execute(
        "insert into private.login_failures (account_key, failures, window_started_at, locked_until) values"
        " ('old', 2, now() - interval '2 days', null), ('old-lock-over', 5, now() - interval '2 days', now() - interval '47 hours'),"
        " ('locked', 5, now() - interval '2 days', now() + interval '10 minutes'), ('recent', 1, now() - interval '5 minutes', null)"
    )
    candidate = create_user(admin_conn, "candidate")
    admin_conn.execute(
        "insert into private.resume_upload_names (storage_path, candidate_id, file_name, created_at) values"
        " (%(c)s || '/old/cv.pdf', %(c)s::uuid, 'old.pdf', now() - interval '2 days'),"
        " (%(c)s || '/new/cv.pdf', %(c)s::uuid, 'new.pdf', now() - interval '1 hour')",
        {"c": candidate},
    )
    webhook = admin_conn.execute(
        "insert into public.integration_webhooks (organization_id, url, event_types)"
        " values ('00000000-0000-0000-0000-00000000a001', 'https://hooks.example/x', '{assessment.ready}') returning id"
    ).fetchone()["id"]
    for name, status, days in [
        ("delivered-31d", "delivered", 31),
        ("failed-31d", "failed", 31),
        ("pending-31d", "pending", 31),
        ("delivered-29d", "delivered", 29),
    ]:
        admin_conn.execute(
            "insert into public.webhook_deliveries (webhook_id, event_type, payload, status, created_at)"
            " values (%s, %s, '{}', %s, now() - make_interval(days => %s))",
            [webhook, name, status, days],
        )


def test_retention_removes_exactly_what_is_old_and_keeps_the_rest(app_env, admin_conn, old_and_new):
    """Issue 15.3: through the scheduled function, as the local scheduler and EventBridge call it."""
    from functions.retention_cleanup import handler

    result = handler({"source": "aws.events"}, gateway.LambdaContext("retention-cleanup", timeout_s=300))
    assert result["removed"] == {
        "finished_jobs": 2,
        "outbox_messages": 1,
        "outbox_bodies": 1,
        "rate_limit_counters": 1,
        "login_failures": 2,
        "resume_upload_names": 1,
        "recording_consents": 0,  # media retention: tests/integration/test_recordings.py
        "webhook_deliveries": 2,
        "recordings_soft_deleted": 0,
        "recordings_hard_deleted": 0,
        "question_audio": 0,
    }
    assert result["complete"] is True
    jobs = [row["dedupe_key"] for row in admin_conn.execute("select dedupe_key from private.jobs order by id")]
    assert jobs == ["succeeded-13d", "dead-13d", "queued-old", "running-old"]
    messages = admin_conn.execute("select to_address, subject, body_text, body_html from private.email_outbox order by created_at").fetchall()
    assert messages == [
        {"to_address": "m31@example.com", "subject": "Your feedback", "body_text": None, "body_html": None},
        {"to_address": "m29@example.com", "subject": "Your feedback", "body_text": "Dear Sam, ...", "body_html": "<p>Dear Sam</p>"},
    ]
    assert [r["subject"] for r in admin_conn.execute("select subject from private.rate_limit_counters")] == ["current"]
    kept = {r["account_key"] for r in admin_conn.execute("select account_key from private.login_failures")}
    assert kept == {"locked", "recent"}
    assert [r["file_name"] for r in admin_conn.execute("select file_name from private.resume_upload_names")] == ["new.pdf"]
    kept_deliveries = {r["event_type"] for r in admin_conn.execute("select event_type from public.webhook_deliveries")}
    assert kept_deliveries == {"pending-31d", "delivered-29d"}  # settled ones after 30 days; one still retried stays

    again = handler({"source": "aws.events"}, gateway.LambdaContext("retention-cleanup", timeout_s=300))
    assert set(again["removed"].values()) == {0}


def test_each_call_removes_one_bounded_batch_and_the_run_loops_until_none_is_left(app_env, admin_conn):
    """Issue 15.3: a batch never exceeds its limit; the run repeats a rule while batches come back full."""
    for n in range(7):
        add_job(admin_conn, f"old-{n}", "succeeded", 20)
    batches = [admin_conn.execute("select private.delete_finished_jobs('14 days', 3) as n").fetchone()["n"] for _ in range(2)]
    assert batches == [3, 3]
    for n in range(7, 14):
        add_job(admin_conn, f"old-{n}", "succeeded", 20)
    run = retention.run(batch_size=3)
    assert run.removed["finished_jobs"] == 8 and run.complete
    assert run.batches == 3 + 7 + 3  # 3 + 3 + 2 for jobs, one (empty) batch for each other rule and media step
    assert admin_conn.execute("select count(*) as n from private.jobs").fetchone()["n"] == 0


def test_the_run_stops_when_its_time_is_up_and_the_rest_waits_for_the_next_day(app_env, admin_conn):
    """Issue 15.3: the time left is checked before every batch."""
    for n in range(5):
        add_job(admin_conn, f"old-{n}", "dead", 20)
    clock = iter([100.0, 0.0])
    run = retention.run(time_left=lambda: next(clock), batch_size=2)
    assert (run.batches, run.removed["finished_jobs"], run.complete) == (1, 2, False)
    assert admin_conn.execute("select count(*) as n from private.jobs").fetchone()["n"] == 3


def test_a_message_whose_body_retention_removed_is_not_sent(app_env, admin_conn):
    """Issue 15.3: email.send fails such a message for good instead of sending an empty email."""
    from shared.db import service_transaction

    row = admin_conn.execute(
        "insert into private.email_outbox (to_address, subject, body_text) values ('a@example.com', 'Hi', null) returning id"
    ).fetchone()
    with pytest.raises(PermanentJobError, match="removed by retention"):
        with service_transaction() as conn:
            outbox.deliver(conn, str(row["id"]))


def test_retention_functions_are_for_the_service_role_only(admin_conn):
    """Issue 15.3: anon and authenticated cannot execute them (not in the API allow-list)."""
    for function in RETENTION_FUNCTIONS:
        allowed = {
            role: admin_conn.execute("select has_function_privilege(%s, %s, 'execute') as ok", [role, function]).fetchone()["ok"]
            for role in ("anon", "authenticated", "service_role")
        }
        assert allowed == {"anon": False, "authenticated": False, "service_role": True}, function


def test_retention_cleanup_is_scheduled_daily_for_the_local_scheduler_and_aws():
    """Issue 15.3: serverless.yml declares it, and the gateway's scheduler reads it from there."""
    spec = gateway.load_specs()["retention-cleanup"]
    assert spec.handler == "functions/retention_cleanup.handler" and not spec.url
    [expression] = spec.schedules
    first = schedule.parse(expression).next_after(datetime(2026, 11, 26, 12, 0, tzinfo=UTC))
    assert schedule.parse(expression).next_after(first) - first == timedelta(days=1)
