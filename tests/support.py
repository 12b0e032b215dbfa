"""Test helpers: call a handler with a real function-URL event and read the envelope."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from local.gateway import LambdaContext, build_event, from_result


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: Any
    text: str = ""  # the body as text (a CSV download is not JSON: then `body` is None)

    @property
    def data(self) -> Any:
        return self.body["data"]

    @property
    def error(self) -> dict[str, Any]:
        return self.body["error"]


def invoke(
    handler: Any,
    method: str,
    path: str = "/",
    *,
    json_body: Any = None,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    query: str = "",
    token: str | None = None,
    function_name: str = "test",
    source_ip: str = "127.0.0.1",
    timeout_s: float = 29.0,
) -> Reply:
    """Call a Lambda handler as its function URL would (with `timeout_s` as the function's
    timeout), return status, headers and parsed body."""
    headers = dict(headers or {})
    if json_body is not None:
        body = json.dumps(json_body).encode()
        headers.setdefault("content-type", "application/json")
    if token:
        headers["authorization"] = f"Bearer {token}"
    event = build_event(method, path, query, list(headers.items()), body, source_ip=source_ip)
    status, reply_headers, payload = from_result(handler(event, LambdaContext(function_name, timeout_s=timeout_s)))
    lowered = {key.lower(): value for key, value in reply_headers}
    is_json = lowered.get("content-type", "application/json").startswith("application/json")
    parsed = json.loads(payload) if payload and is_json else None
    return Reply(status, lowered, parsed, payload.decode(errors="replace"))


def access_token(
    user_id: str,
    role: str = "candidate",
    lifetime_seconds: int = 600,
    session: bool = True,
    *,
    database_url: str | None = None,
    jwt_secret: str | None = None,
) -> str:
    """A Supabase-shaped access token for `user_id`, signed with the configured secret (app_env)
    or `jwt_secret`, with a live session in auth.sessions (of the configured database or
    `database_url`, as Supabase Auth issues them) unless `session=False` or the user does not exist."""
    import time
    import uuid

    import jwt
    import psycopg

    from shared.settings import get_settings

    claims: dict[str, Any] = {
        "sub": user_id,
        "role": "authenticated",
        "aud": "authenticated",
        "exp": int(time.time()) + lifetime_seconds,
        "app_metadata": {"role": role},
    }
    if session:
        session_id = str(uuid.uuid4())
        with psycopg.connect(database_url or get_settings().database_url.get_secret_value(), autocommit=True) as conn:
            created = conn.execute(
                "insert into auth.sessions (id, user_id) select %s, id from auth.users where id = %s returning id", [session_id, user_id]
            ).fetchone()
        if created:
            claims["session_id"] = session_id
    return jwt.encode(claims, jwt_secret or get_settings().supabase_jwt_secret.get_secret_value(), algorithm="HS256")
