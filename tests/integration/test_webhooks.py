"""The webhooks function and the webhook.deliver job against a real database, with receivers on
127.0.0.1 only (WEBHOOK_ALLOW_LOOPBACK is on in the local environment): registration with the
secret shown once and stored sealed, who may manage webhooks (admins of the organization; another
organization gets 404), URL refusals at creation and at delivery (DNS answers are faked: nothing
is sent beyond loopback), signed deliveries of each event without personal data, retries with
exponential backoff by moved time, disabling after repeated failures with the admins emailed,
rotation with an overlap, redelivery, pings, and bad input answered 4xx naming the field."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from examples.webhook_receiver import Receiver
from functions import webhooks as webhooks_function
from shared import safe_http
from shared.queue import drain
from shared.services import webhook_delivery
from shared.settings import get_settings
from tests.rls import create_user
from tests.support import access_token, invoke

HOME = "00000000-0000-0000-0000-00000000a001"
OTHER = "00000000-0000-0000-0000-00000000b002"
ALL_EVENTS = ["interview.completed", "assessment.ready", "application.status_changed"]


@pytest.fixture(autouse=True)
def handlers():
    import shared.jobs  # noqa: F401 - registers webhook.deliver for drain()


@pytest.fixture
def people(app_env, admin_conn):
    admin_conn.execute("insert into public.organizations (id, name) values (%s, 'Other Firm') on conflict do nothing", [OTHER])
    ids = {
        "admin": create_user(admin_conn, "admin", HOME),
        "admin2": create_user(admin_conn, "admin", HOME),
        "recruiter": create_user(admin_conn, "recruiter", HOME),
        "viewer": create_user(admin_conn, "viewer", HOME),
        "outsider": create_user(admin_conn, "admin", OTHER),
        "candidate": create_user(admin_conn, "candidate"),
    }
    roles = {"admin": "admin", "admin2": "admin", "recruiter": "recruiter", "viewer": "viewer", "outsider": "admin", "candidate": "candidate"}
    return {name: {"id": user, "token": access_token(user, roles[name])} for name, user in ids.items()}


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


def call(method: str, path: str, person: dict, body=None, query: str = ""):
    return invoke(webhooks_function.handler, method, path, json_body=body, token=person["token"], query=query)


def register(people, receiver, events=ALL_EVENTS, **extra) -> dict:
    reply = call("POST", "/", people["admin"], {"url": receiver.url, "event_types": events, **extra})
    assert reply.status == 201, reply.body
    receiver.secrets.append(reply.data["secret"])
    return reply.data["webhook"]


def posting(admin_conn) -> str:
    return str(
        admin_conn.execute(
            "insert into public.job_postings (organization_id, title, company, role_category, employment_type, work_setup, tech_stack)"
            " values (%s, 'Python Engineer', 'Acme', 'engineering', 'permanent', 'remote', '{python}') returning id",
            [HOME],
        ).fetchone()["id"]
    )


def application(admin_conn, people) -> dict:
    """An application to a home posting (its trigger schedules the interview and notifies subscribers)."""
    row = admin_conn.execute(
        "insert into public.applications (candidate_id, job_posting_id) values (%s, %s) returning id, interview_id, job_posting_id",
        [people["candidate"]["id"], posting(admin_conn)],
    ).fetchone()
    return {key: str(value) for key, value in row.items()}


def delivery_rows(admin_conn, webhook_id: str) -> list[dict]:
    return admin_conn.execute(
        "select id, event_type, status, attempts, response_status, last_attempt_at, next_attempt_at, message_id, redelivery_of"
        " from public.webhook_deliveries where webhook_id = %s order by created_at, id",
        [webhook_id],
    ).fetchall()


def move_time_to_next_attempt(admin_conn, delivery_id) -> None:
    """The retry's due time has come: the job's run_after (and the delivery's next attempt) set to now."""
    moved = admin_conn.execute(
        "update private.jobs set run_after = now() where dedupe_key = %s and status = 'queued'", [f"webhook.deliver:{delivery_id}"]
    ).rowcount
    assert moved == 1
    admin_conn.execute("update public.webhook_deliveries set next_attempt_at = now() where id = %s", [delivery_id])


@pytest.fixture
def settings_env(monkeypatch):
    def set_env(**values: str) -> None:
        for key, value in values.items():
            monkeypatch.setenv(key, value)
        get_settings.cache_clear()

    yield set_env
    get_settings.cache_clear()


# registration and management


def test_an_admin_registers_a_webhook_and_gets_its_secret_once_stored_sealed(people, receiver, admin_conn):
    reply = call("POST", "/", people["admin"], {"url": receiver.url, "event_types": ["assessment.ready", "assessment.ready"]})
    assert reply.status == 201, reply.body
    secret, webhook = reply.data["secret"], reply.data["webhook"]
    assert secret.startswith("whsec_") and webhook["event_types"] == ["assessment.ready"] and webhook["active"] is True
    assert "secret" not in json.dumps(call("GET", "/", people["admin"]).body).replace("previous_secret_expires_at", "")
    [stored] = admin_conn.execute("select sealed, key_id from private.webhook_secrets where webhook_id = %s", [webhook["id"]]).fetchall()
    assert secret.encode() not in bytes(stored["sealed"]) and secret.removeprefix("whsec_").encode() not in bytes(stored["sealed"])
    columns = {
        row["column_name"]
        for row in admin_conn.execute("select column_name from information_schema.columns where table_name = 'integration_webhooks'")
    }
    assert "secret" not in columns
    created_by = admin_conn.execute("select created_by from public.integration_webhooks where id = %s", [webhook["id"]]).fetchone()["created_by"]
    assert str(created_by) == people["admin"]["id"]


def test_only_admins_of_the_organization_manage_its_webhooks(people, receiver):
    webhook = register(people, receiver)
    path = f"/{webhook['id']}"
    for who in ("recruiter", "viewer", "candidate"):
        assert call("GET", "/", people[who]).status == 403
        assert call("POST", "/", people[who], {"url": receiver.url, "event_types": ["assessment.ready"]}).status == 403
    outsider = people["outsider"]
    assert call("GET", "/", outsider).data["items"] == []
    assert call("GET", path, outsider).status == 404
    assert call("PATCH", path, outsider, {"active": False}).status == 404
    assert call("DELETE", path, outsider).status == 404
    assert call("GET", f"{path}/deliveries", outsider).status == 404
    assert call("POST", f"{path}/rotate-secret", outsider).status == 404
    assert call("POST", f"{path}/test", outsider).status == 404
    assert call("GET", path, people["admin2"]).data["webhook"]["id"] == webhook["id"]  # any admin of the organization
    assert [item["id"] for item in call("GET", "/", people["admin"]).data["items"]] == [webhook["id"]]


def test_an_admin_changes_and_deletes_a_webhook(people, receiver, admin_conn):
    webhook = register(people, receiver)
    path = f"/{webhook['id']}"
    changed = call("PATCH", path, people["admin"], {"event_types": ["interview.completed"], "active": False})
    assert changed.status == 200 and changed.data["webhook"]["event_types"] == ["interview.completed"] and not changed.data["webhook"]["active"]
    assert call("DELETE", path, people["admin"]).status == 204
    assert call("GET", path, people["admin"]).status == 404
    assert admin_conn.execute("select count(*) as n from private.webhook_secrets").fetchone()["n"] == 0


@pytest.mark.parametrize(
    ("url", "code", "says"),
    [
        ("https://169.254.169.254/latest/meta-data/", "WEBHOOK_URL_REFUSED", "cloud metadata"),
        ("http://10.0.0.1/hook", "WEBHOOK_URL_REFUSED", "private network"),
        ("https://[::ffff:a9fe:a9fe]/", "WEBHOOK_URL_REFUSED", "cloud metadata"),
        ("https://0xa9fea9fe/", "WEBHOOK_URL_REFUSED", "cloud metadata"),
        ("https://192.168.0.10:8443/", "WEBHOOK_URL_REFUSED", "private network"),
        ("ftp://hooks.example.com/", "VALIDATION_ERROR", "https://"),
        ("https://user:pw@hooks.example.com/", "VALIDATION_ERROR", "user name"),
    ],
)
def test_urls_to_internal_addresses_are_refused_naming_the_field(people, url, code, says):
    reply = call("POST", "/", people["admin"], {"url": url, "event_types": ["assessment.ready"]})
    assert reply.status == 422 and reply.error["code"] == code
    [detail] = reply.error["details"]
    assert detail["loc"] == ["url"] and says in detail["msg"]


def test_a_host_name_resolving_to_a_private_address_is_refused_at_creation_and_on_change(people, receiver, monkeypatch):
    monkeypatch.setattr(safe_http, "resolve", lambda host, port: ["10.1.2.3"])
    reply = call("POST", "/", people["admin"], {"url": "https://hooks.internal.example/x", "event_types": ["assessment.ready"]})
    assert reply.status == 422 and reply.error["code"] == "WEBHOOK_URL_REFUSED" and "10.1.2.3" not in json.dumps(reply.body)
    webhook = register(people, receiver)
    changed = call("PATCH", f"/{webhook['id']}", people["admin"], {"url": "https://hooks.internal.example/x"})
    assert changed.status == 422 and changed.error["details"][0]["loc"] == ["url"]


def test_plain_http_to_a_loopback_receiver_is_refused_when_loopback_is_off(people, receiver, settings_env):
    settings_env(WEBHOOK_ALLOW_LOOPBACK="false")
    reply = call("POST", "/", people["admin"], {"url": receiver.url, "event_types": ["assessment.ready"]})
    assert reply.status == 422 and "loopback" in reply.error["details"][0]["msg"]


@pytest.mark.parametrize(
    ("method", "path", "body", "query", "loc"),
    [
        ("POST", "/", {"url": "https://h.example", "event_types": []}, "", ["event_types"]),
        ("POST", "/", {"url": "https://h.example", "event_types": ["resume.parsed"]}, "", ["event_types", 0]),
        ("POST", "/", {"event_types": ["assessment.ready"]}, "", ["url"]),
        ("POST", "/", {"url": "https://h.example", "event_types": ["assessment.ready"], "secret": "mine"}, "", ["secret"]),
        ("PATCH", "/{id}", {"url": None}, "", ["url"]),
        ("PATCH", "/{id}", {"active": "maybe"}, "", ["active"]),
        ("GET", "/{id}/deliveries", None, "limit=0", ["query", "limit"]),
        ("GET", "/{id}/deliveries", None, "before=yesterday", ["query", "before"]),
        ("GET", "/{id}/deliveries", None, "status=lost", ["query", "status"]),
        ("POST", "/{id}/rotate-secret", None, "overlap_hours=200", ["query", "overlap_hours"]),
    ],
)
def test_bad_input_is_422_naming_the_field(people, receiver, method, path, body, query, loc):
    webhook = register(people, receiver)
    reply = call(method, path.replace("{id}", webhook["id"]), people["admin"], body, query=query)
    assert reply.status == 422, reply.body
    assert any(detail["loc"] == loc for detail in reply.error["details"]), reply.error


def test_an_empty_change_is_422(people, receiver):
    webhook = register(people, receiver)
    assert call("PATCH", f"/{webhook['id']}", people["admin"], {}).status == 422


# delivery


def test_each_event_is_delivered_signed_with_ids_only(people, receiver, admin_conn):
    webhook = register(people, receiver)
    applied = application(admin_conn, people)
    admin_conn.execute("update public.interviews set status = 'completed', completed_at = now() where id = %s", [applied["interview_id"]])
    admin_conn.execute("delete from private.jobs where kind = 'interview.score'")  # scoring is not this test's subject
    assessment = admin_conn.execute(
        "insert into public.assessment_results (interview_id, status, overall_score) values (%s, 'completed', 81) returning id",
        [applied["interview_id"]],
    ).fetchone()["id"]
    drain()
    assert receiver.refused == []
    by_type = {event["body"]["type"]: event for event in receiver.events}
    assert sorted(by_type) == sorted(ALL_EVENTS) and len(receiver.received("application.status_changed")) == 2
    ids = {"candidate_id": people["candidate"]["id"], "application_id": applied["id"], "job_posting_id": applied["job_posting_id"]}
    assert by_type["interview.completed"]["body"]["data"] == {**ids, "interview_id": applied["interview_id"]}
    assert by_type["assessment.ready"]["body"]["data"] == {
        **ids,
        "interview_id": applied["interview_id"],
        "assessment_id": str(assessment),
        "overall_score": 81,
    }
    moves = [(e["body"]["data"]["previous_status"], e["body"]["data"]["status"]) for e in receiver.received("application.status_changed")]
    assert sorted(moves, key=str) == [("interview_scheduled", "interview_completed"), (None, "interview_scheduled")]
    for event in receiver.events:
        assert list(event["body"]) == ["type", "created_at", "data"] and event["body"]["created_at"].endswith("Z")
        assert event["id"].startswith("msg_") and event["headers"]["webhook-signature"].startswith("v1,")
    log = call("GET", f"/{webhook['id']}/deliveries", people["admin"]).data["items"]
    assert len(log) == 4 and {item["status"] for item in log} == {"delivered"}
    assert all(item["attempts"] == 1 and item["attempt_log"][0]["response_status"] == 204 and item["next_attempt_at"] is None for item in log)
    assert call("GET", f"/{webhook['id']}", people["admin"]).data["webhook"]["last_triggered_at"] is not None


def test_unsubscribed_and_inactive_webhooks_get_nothing(people, receiver, admin_conn):
    register(people, receiver, events=["assessment.ready"])
    register(people, receiver, events=ALL_EVENTS, active=False)
    application(admin_conn, people)
    drain()
    assert receiver.requests == 0
    assert admin_conn.execute("select count(*) as n from public.webhook_deliveries").fetchone()["n"] == 0


def test_a_failing_receiver_gets_retries_with_exponential_backoff_then_the_delivery_fails(people, receiver, admin_conn):
    webhook = register(people, receiver, events=["application.status_changed"])
    receiver.status = 500
    application(admin_conn, people)
    drain()
    [delivery] = delivery_rows(admin_conn, webhook["id"])
    gaps = []
    for attempt in range(1, webhook_delivery.DELIVERY_ATTEMPTS):
        delivery = delivery_rows(admin_conn, webhook["id"])[0]
        assert (delivery["status"], delivery["attempts"], delivery["response_status"]) == ("pending", attempt, 500)
        gap = delivery["next_attempt_at"] - delivery["last_attempt_at"]
        job = admin_conn.execute("select run_after, status from private.jobs where dedupe_key = %s", [f"webhook.deliver:{delivery['id']}"]).fetchone()
        assert job["status"] == "queued" and abs(job["run_after"] - delivery["next_attempt_at"]) < timedelta(seconds=2)
        expected = min(60 * 2 ** (attempt - 1), 8 * 3600)
        assert timedelta(seconds=expected * 0.74) <= gap <= timedelta(seconds=expected * 1.26), (attempt, gap)
        gaps.append(gap)
        drain()  # not due yet: nothing happens
        assert delivery_rows(admin_conn, webhook["id"])[0]["attempts"] == attempt
        move_time_to_next_attempt(admin_conn, delivery["id"])
        drain()
    assert gaps[:9] == sorted(gaps[:9]) and timedelta(hours=20) < sum(gaps, timedelta()) < timedelta(hours=30)  # doubling to the cap; about a day
    [delivery] = delivery_rows(admin_conn, webhook["id"])
    assert (delivery["status"], delivery["attempts"], delivery["next_attempt_at"]) == ("failed", webhook_delivery.DELIVERY_ATTEMPTS, None)
    assert receiver.requests == webhook_delivery.DELIVERY_ATTEMPTS
    log = call("GET", f"/{webhook['id']}/deliveries", people["admin"]).data["items"][0]["attempt_log"]
    assert [a["attempt"] for a in log] == list(range(1, 13)) and {a["response_status"] for a in log} == {500}
    assert {a["error"] for a in log} == {"the receiver answered 500"}
    assert call("GET", f"/{webhook['id']}", people["admin"]).data["webhook"]["consecutive_failures"] == 1


def test_a_retry_that_succeeds_resets_the_failure_count(people, receiver, admin_conn):
    webhook = register(people, receiver, events=["application.status_changed"])
    admin_conn.execute("update public.integration_webhooks set consecutive_failures = 3 where id = %s", [webhook["id"]])
    receiver.status = 503
    application(admin_conn, people)
    drain()
    [delivery] = delivery_rows(admin_conn, webhook["id"])
    receiver.status = 200
    move_time_to_next_attempt(admin_conn, delivery["id"])
    drain()
    [delivery] = delivery_rows(admin_conn, webhook["id"])
    assert (delivery["status"], delivery["attempts"], delivery["response_status"]) == ("delivered", 2, 200)
    assert call("GET", f"/{webhook['id']}", people["admin"]).data["webhook"]["consecutive_failures"] == 0


def fail_finally(admin_conn, webhook_id: str, people) -> None:
    """One more delivery of the webhook that fails for good (its retries are taken as already spent)."""
    application(admin_conn, people)
    admin_conn.execute(
        "update public.webhook_deliveries set attempts = %s where webhook_id = %s and status = 'pending'",
        [webhook_delivery.DELIVERY_ATTEMPTS - 1, webhook_id],
    )
    drain()


def test_repeated_failed_deliveries_disable_the_webhook_and_email_its_admins(people, receiver, admin_conn, settings_env):
    settings_env(WEBHOOK_DISABLE_AFTER_FAILURES="2")
    webhook = register(people, receiver, events=["application.status_changed"])
    receiver.status = 500
    fail_finally(admin_conn, webhook["id"], people)
    assert call("GET", f"/{webhook['id']}", people["admin"]).data["webhook"]["active"] is True
    fail_finally(admin_conn, webhook["id"], people)
    state = call("GET", f"/{webhook['id']}", people["admin"]).data["webhook"]
    assert state["active"] is False and state["disabled_at"] and "2 deliveries in a row failed" in state["disabled_reason"]
    emails = admin_conn.execute(
        "select to_address, subject, body_text from private.email_outbox where related_type = 'integration_webhook' and related_id = %s",
        [webhook["id"]],
    ).fetchall()
    admins = admin_conn.execute("select email from public.recruiters where organization_id = %s and role = 'admin'", [HOME]).fetchall()
    assert sorted(e["to_address"] for e in emails) == sorted(a["email"] for a in admins) and len(emails) >= 2
    assert all(receiver.url in e["body_text"] and "switched off" in e["subject"] for e in emails)
    application(admin_conn, people)
    assert len(delivery_rows(admin_conn, webhook["id"])) == 2  # no new deliveries while off
    back_on = call("PATCH", f"/{webhook['id']}", people["admin"], {"active": True}).data["webhook"]
    assert back_on["active"] and back_on["consecutive_failures"] == 0 and back_on["disabled_at"] is None


def test_a_url_resolving_to_a_private_address_at_delivery_is_not_sent_to(people, admin_conn, monkeypatch):
    """DNS rebinding: public when registered, private when delivering. Nothing is sent anywhere."""
    monkeypatch.setattr(safe_http, "resolve", lambda host, port: ["93.184.215.14"])
    created = call("POST", "/", people["admin"], {"url": "https://hooks.rebind.example/in", "event_types": ["application.status_changed"]})
    assert created.status == 201
    monkeypatch.setattr(safe_http, "resolve", lambda host, port: ["10.0.0.7"])
    monkeypatch.setattr(safe_http, "post", lambda *a, **k: pytest.fail("a refused URL was sent to"))
    application(admin_conn, people)
    drain()
    [delivery] = delivery_rows(admin_conn, created.data["webhook"]["id"])
    assert (delivery["status"], delivery["attempts"], delivery["next_attempt_at"]) == ("failed", 1, None)  # not retried
    log = call("GET", f"/{created.data['webhook']['id']}/deliveries", people["admin"]).data["items"][0]
    assert log["last_error"].startswith("not sent:") and "10.0.0.7" not in log["last_error"]


def test_a_rotation_signs_with_both_secrets_until_the_overlap_ends(people, receiver, admin_conn):
    webhook = register(people, receiver, events=["application.status_changed"])
    old_secret = receiver.secrets.pop()
    rotated = call("POST", f"/{webhook['id']}/rotate-secret", people["admin"])
    assert rotated.status == 200 and rotated.data["secret"] != old_secret
    assert rotated.data["webhook"]["previous_secret_expires_at"] == rotated.data["previous_secret_expires_at"]
    receiver.secrets = [old_secret]  # a receiver not yet switched to the new secret still verifies
    application(admin_conn, people)
    drain()
    [event] = receiver.events
    assert event["headers"]["webhook-signature"].count("v1,") == 2
    receiver.secrets = [rotated.data["secret"]]
    again = call("POST", f"/{webhook['id']}/rotate-secret", people["admin"], query="overlap_hours=0")
    receiver.secrets = [again.data["secret"]]
    assert call("POST", f"/{webhook['id']}/test", people["admin"]).data["delivery"]["status"] == "delivered"
    assert receiver.events[-1]["headers"]["webhook-signature"].count("v1,") == 2  # the first rotation's overlap still runs
    live = admin_conn.execute(
        "select count(*) as n from private.webhook_secrets where webhook_id = %s and (expires_at is null or expires_at > now())", [webhook["id"]]
    ).fetchone()["n"]
    assert live == 2


def test_a_failed_delivery_is_sent_again_with_the_same_message_id(people, receiver, admin_conn):
    webhook = register(people, receiver, events=["application.status_changed"])
    receiver.status = 500
    application(admin_conn, people)
    drain()
    [delivery] = delivery_rows(admin_conn, webhook["id"])
    path = f"/{webhook['id']}/deliveries/{delivery['id']}/redeliver"
    pending = call("POST", path, people["admin"])
    assert pending.status == 409 and pending.error["code"] == "DELIVERY_PENDING"
    admin_conn.execute("update public.webhook_deliveries set attempts = %s where id = %s", [webhook_delivery.DELIVERY_ATTEMPTS - 1, delivery["id"]])
    move_time_to_next_attempt(admin_conn, delivery["id"])
    drain()
    receiver.status = 200
    again = call("POST", path, people["admin"])
    assert again.status == 202 and again.data["delivery"]["status"] == "pending"
    assert again.data["delivery"]["redelivery_of"] == str(delivery["id"])
    drain()
    assert [event["id"] for event in receiver.events] == [f"msg_{delivery['message_id'].hex}"]
    assert call("POST", f"/{webhook['id']}/deliveries/{webhook['id']}/redeliver", people["admin"]).status == 404
    call("PATCH", f"/{webhook['id']}", people["admin"], {"active": False})
    assert call("POST", path, people["admin"]).error["code"] == "WEBHOOK_INACTIVE"


def test_a_ping_is_sent_at_once_without_retries_or_counting_against_the_webhook(people, receiver, admin_conn):
    webhook = register(people, receiver, events=["assessment.ready"])
    ping = call("POST", f"/{webhook['id']}/test", people["admin"])
    assert ping.status == 200 and ping.data["delivery"]["status"] == "delivered" and ping.data["delivery"]["response_status"] == 204
    assert receiver.events[-1]["body"] == {
        "type": "webhook.ping",
        "created_at": ping.data["delivery"]["payload"]["created_at"],
        "data": {"webhook_id": webhook["id"]},
    }
    receiver.status = 500
    failed = call("POST", f"/{webhook['id']}/test", people["admin"]).data["delivery"]
    assert (failed["status"], failed["attempts"], failed["next_attempt_at"], failed["response_status"]) == ("failed", 1, None, 500)
    assert call("GET", f"/{webhook['id']}", people["admin"]).data["webhook"]["consecutive_failures"] == 0
    assert admin_conn.execute("select count(*) as n from private.jobs where kind = 'webhook.deliver'").fetchone()["n"] == 0


def test_the_delivery_log_pages_newest_first(people, receiver, admin_conn):
    webhook = register(people, receiver, events=["assessment.ready"])
    for _ in range(3):
        call("POST", f"/{webhook['id']}/test", people["admin"])
    first = call("GET", f"/{webhook['id']}/deliveries", people["admin"], query="limit=2").data
    second = call("GET", f"/{webhook['id']}/deliveries", people["admin"], query=f"limit=2&before={first['next_before']}").data
    assert len(first["items"]) == 2 and len(second["items"]) == 1 and second["next_before"] is None
    assert [item["created_at"] for item in first["items"] + second["items"]] == sorted(
        (item["created_at"] for item in first["items"] + second["items"]), reverse=True
    )
    assert call("GET", f"/{webhook['id']}/deliveries", people["admin"], query="status=failed").data["items"] == []


def test_jobs_of_deleted_webhooks_and_of_the_old_shape_end_quietly(people, receiver, admin_conn):
    webhook = register(people, receiver, events=["application.status_changed"])
    application(admin_conn, people)
    call("DELETE", f"/{webhook['id']}", people["admin"])
    admin_conn.execute(
        "insert into private.jobs (kind, payload) values ('webhook.deliver', %s)",
        [json.dumps({"webhook_id": webhook["id"], "event_type": "assessment.ready", "data": {}})],
    )
    summary = drain()
    assert (summary.succeeded, summary.dead) == (1, 1) and receiver.requests == 0


def test_a_delivery_whose_job_dies_is_failed_and_counted(people, receiver, admin_conn, monkeypatch):
    """The job's own attempts run out (here: a handler that keeps crashing): the delivery is settled
    as failed and counts against the webhook, instead of staying pending for ever."""
    webhook = register(people, receiver, events=["application.status_changed"])
    application(admin_conn, people)
    admin_conn.execute("update private.jobs set max_attempts = 1 where kind = 'webhook.deliver'")

    def crash(delivery_id, retry=True):
        raise RuntimeError("database went away mid-attempt")

    monkeypatch.setattr(webhook_delivery, "deliver", crash)
    assert drain().dead == 1
    [delivery] = delivery_rows(admin_conn, webhook["id"])
    assert (delivery["status"], delivery["next_attempt_at"]) == ("failed", None)
    assert call("GET", f"/{webhook['id']}", people["admin"]).data["webhook"]["consecutive_failures"] == 1
