"""Webhook rows and their sealed secrets. Reads under a caller's role see only what RLS lets them
(admins, their organization's webhooks); every write here runs as the service role (clients have
no insert or update grant), after the service has read the row under the caller's RLS."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from shared import roles
from shared.db import Connection, one
from shared.models.webhooks import Webhook
from shared.secret_box import Sealed

COLUMNS = (
    "w.id, w.url, w.event_types, w.is_active as active, w.consecutive_failures, w.disabled_at, w.disabled_reason,"
    " w.last_triggered_at, w.previous_secret_expires_at, w.created_at, w.updated_at"
)


class Destination(NamedTuple):
    """Where and whether a webhook's deliveries go."""

    url: str
    active: bool
    organization_id: str


def list_all(conn: Connection) -> list[Webhook]:
    """The webhooks the connection's role sees, oldest first."""
    rows = conn.execute(f"select {COLUMNS} from public.integration_webhooks w order by w.created_at, w.id").fetchall()
    return [Webhook.model_validate(row) for row in rows]


def find(conn: Connection, webhook_id: str) -> Webhook | None:
    row = conn.execute(f"select {COLUMNS} from public.integration_webhooks w where w.id = %s", [webhook_id]).fetchone()
    return Webhook.model_validate(row) if row else None


def administers(conn: Connection, organization_id: str) -> bool:
    """Whether the connection's caller is, by the database's rows, an active admin of the organization."""
    row = one(
        conn.execute("select coalesce((select access.is_admin()) and (select access.staff_organization_id()) = %s, false) as ok", [organization_id])
    )
    return bool(row["ok"])


def insert(conn: Connection, organization_id: str, url: str, event_types: list[str], active: bool, created_by: str) -> str:
    row = one(
        conn.execute(
            "insert into public.integration_webhooks (organization_id, url, event_types, is_active, created_by)"
            " values (%s, %s, %s, %s, %s) returning id",
            [organization_id, url, event_types, active, created_by],
        )
    )
    return str(row["id"])


def update(conn: Connection, webhook_id: str, values: dict[str, Any]) -> None:
    """Change url, event_types and/or is_active; turning a webhook on clears its failure record."""
    assignments = [f"{column} = %({column})s" for column in ("url", "event_types", "is_active") if column in values]
    if values.get("is_active"):
        assignments += ["consecutive_failures = 0", "disabled_at = null", "disabled_reason = null"]
    conn.execute(f"update public.integration_webhooks set {', '.join(assignments)} where id = %(id)s", {**values, "id": webhook_id})


def delete(conn: Connection, webhook_id: str) -> bool:
    return conn.execute("delete from public.integration_webhooks where id = %s", [webhook_id]).rowcount == 1


def lock(conn: Connection, webhook_id: str) -> Destination | None:
    """The webhook's destination, its row locked until the transaction ends (service role)."""
    row = conn.execute("select url, is_active, organization_id from public.integration_webhooks where id = %s for update", [webhook_id]).fetchone()
    if row is None:
        return None
    return Destination(url=row["url"], active=row["is_active"], organization_id=str(row["organization_id"]))


def add_secret(conn: Connection, webhook_id: str, sealed: Sealed) -> None:
    conn.execute("insert into private.webhook_secrets (webhook_id, sealed, key_id) values (%s, %s, %s)", [webhook_id, sealed.data, sealed.key_id])


def retire_current_secret(conn: Connection, webhook_id: str, overlap_hours: int) -> datetime | None:
    """Give the current secret an end `overlap_hours` from now (secrets already ending sooner keep
    their end), drop the ones that have ended, and record the end on the webhook; the end, or None
    when there was no current secret."""
    conn.execute("delete from private.webhook_secrets where webhook_id = %s and expires_at <= now()", [webhook_id])
    row = conn.execute(
        "update private.webhook_secrets set expires_at = now() + make_interval(hours => %s)"
        " where webhook_id = %s and expires_at is null returning expires_at",
        [overlap_hours, webhook_id],
    ).fetchone()
    expires_at = row["expires_at"] if row else None
    conn.execute("update public.integration_webhooks set previous_secret_expires_at = %s where id = %s", [expires_at, webhook_id])
    return expires_at


def live_secrets(conn: Connection, webhook_id: str) -> list[Sealed]:
    """The sealed secrets that sign now: the current one first, then any still overlapping."""
    rows = conn.execute(
        "select sealed, key_id from private.webhook_secrets where webhook_id = %s and (expires_at is null or expires_at > now())"
        " order by expires_at desc nulls first, created_at desc",
        [webhook_id],
    ).fetchall()
    return [Sealed(data=bytes(row["sealed"]), key_id=row["key_id"]) for row in rows]


def record_success(conn: Connection, webhook_id: str) -> None:
    conn.execute(
        "update public.integration_webhooks set consecutive_failures = 0, last_triggered_at = now() where id = %s",
        [webhook_id],
    )


def record_failure(conn: Connection, webhook_id: str) -> int:
    """Count a failed delivery; the failures in a row now."""
    row = conn.execute(
        "update public.integration_webhooks set consecutive_failures = consecutive_failures + 1, last_triggered_at = now()"
        " where id = %s returning consecutive_failures",
        [webhook_id],
    ).fetchone()
    return int(row["consecutive_failures"]) if row else 0


def touch(conn: Connection, webhook_id: str) -> None:
    """Record that a delivery was attempted (a ping, which counts neither as success nor failure)."""
    conn.execute("update public.integration_webhooks set last_triggered_at = now() where id = %s", [webhook_id])


def disable(conn: Connection, webhook_id: str, reason: str) -> bool:
    """Switch an active webhook off for `reason`; False when it already was off."""
    return (
        conn.execute(
            "update public.integration_webhooks set is_active = false, disabled_at = now(), disabled_reason = %s where id = %s and is_active",
            [reason[:500], webhook_id],
        ).rowcount
        == 1
    )


def admin_emails(conn: Connection, organization_id: str) -> list[str]:
    """Addresses of the organization's active admins."""
    rows = conn.execute(
        "select email from public.recruiters where organization_id = %s and role = any(%s::text[]) and is_active order by email",
        [organization_id, sorted(roles.ADMIN)],
    ).fetchall()
    return [row["email"] for row in rows]
