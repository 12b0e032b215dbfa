"""Supabase Auth hooks backed by Postgres functions, run the way GoTrue runs them
(supabase/auth internal/hooks: `runPostgresHook`): the URI `pg-functions://<db>/<schema>/<function>`
names the function; it is called with the JSON event in a transaction of its own, as GoTrue's
database role `supabase_auth_admin` (so the hook's grants are tested, not bypassed), with a 2 s
statement timeout; its JSON result is the hook's output. A failing hook is a 500."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import psycopg
from psycopg import sql

from local.supabase_standin import db
from local.supabase_standin.errors import AuthApiError

AUTH_ROLE = "supabase_auth_admin"
TIMEOUT_MS = 2000
REJECT = "reject"
DEFAULT_PASSWORD_REJECTION = "Further password verification attempts will be rejected."
INVALID_CREDENTIALS = "invalid_credentials"


@dataclass(frozen=True)
class PostgresHook:
    uri: str
    schema: str
    function: str

    @classmethod
    def from_uri(cls, uri: str) -> PostgresHook:
        parsed = urlparse(uri)
        parts = parsed.path.strip("/").split("/")
        if parsed.scheme != "pg-functions" or len(parts) != 2 or not all(parts):
            raise ValueError(f"unsupported hook URI {uri!r}: only pg-functions://<database>/<schema>/<function>")
        return cls(uri=uri, schema=parts[0], function=parts[1])

    def run(self, event: dict[str, Any]) -> dict[str, Any]:
        """The function's output for `event`; AuthApiError 500 when it fails, as GoTrue answers."""
        call = sql.SQL("select {}.{}(%s::jsonb) as output").format(sql.Identifier(self.schema), sql.Identifier(self.function))
        try:
            with db.admin() as conn:
                conn.execute(sql.SQL("set local role {}").format(sql.Identifier(AUTH_ROLE)))
                conn.execute(sql.SQL("set local statement_timeout = {}").format(sql.Literal(TIMEOUT_MS)))
                row = conn.execute(call, [json.dumps(event)]).fetchone()
        except psycopg.Error as exc:
            raise AuthApiError(500, "unexpected_failure", f"Error running hook URI: {self.uri}") from exc
        output = row["output"] if row else None
        return output if isinstance(output, dict) else {}


def password_verification_attempt(uri: str, user_id: uuid.UUID | str, valid: bool) -> None:
    """GoTrue's password grant after it has checked the password: the hook gets {user_id, valid};
    `reject` ends the grant with 400 invalid_credentials and the hook's message (its sessions are
    deleted first when it asks for should_logout_user)."""
    output = PostgresHook.from_uri(uri).run({"metadata": None, "user_id": str(user_id), "valid": valid})
    if output.get("decision") != REJECT:
        return
    if output.get("should_logout_user"):
        with db.admin() as conn:
            conn.execute("delete from auth.sessions where user_id = %s", [str(user_id)])
    raise AuthApiError(400, INVALID_CREDENTIALS, str(output.get("message") or DEFAULT_PASSWORD_REJECTION))
