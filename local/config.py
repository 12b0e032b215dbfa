"""Settings of the local stack: ports, generated secrets and the environment the functions get.

The JWT secret is generated once per checkout into `.local/secrets.json` (git-ignored); the anon
and service_role keys are JWTs signed with it, as in Supabase's local setup.
"""

from __future__ import annotations

import json
import secrets
import time

import jwt

from local import postgres
from local.paths import LOCAL_DIR

GATEWAY_PORT = 8000
SUPABASE_PORT = 54321
SECRETS_FILE = LOCAL_DIR / "secrets.json"
TEN_YEARS = 10 * 365 * 24 * 3600


def _api_key(role: str, secret: str, issued_at: int) -> str:
    claims = {"iss": "supabase-demo", "role": role, "iat": issued_at, "exp": issued_at + TEN_YEARS}
    return jwt.encode(claims, secret, algorithm="HS256")


def local_secrets() -> dict[str, str]:
    """JWT secret and API keys of this checkout, created on first use."""
    if SECRETS_FILE.exists():
        return json.loads(SECRETS_FILE.read_text())
    LOCAL_DIR.mkdir(exist_ok=True)
    secret = secrets.token_urlsafe(48)
    issued_at = int(time.time())
    values = {
        "jwt_secret": secret,
        "anon_key": _api_key("anon", secret, issued_at),
        "service_role_key": _api_key("service_role", secret, issued_at),
    }
    SECRETS_FILE.write_text(json.dumps(values, indent=2))
    SECRETS_FILE.chmod(0o600)
    return values


def local_env(
    database: str = postgres.DEV_DATABASE,
    supabase_port: int = SUPABASE_PORT,
) -> dict[str, str]:
    """Environment variables that point the functions at the local stack."""
    keys = local_secrets()
    return {
        "ENVIRONMENT": "local",
        "DATABASE_URL": postgres.dsn(database),
        "SUPABASE_URL": f"http://127.0.0.1:{supabase_port}",
        "SUPABASE_ANON_KEY": keys["anon_key"],
        "SUPABASE_SERVICE_ROLE_KEY": keys["service_role_key"],
        "SUPABASE_JWT_SECRET": keys["jwt_secret"],
        "STORAGE_DIR": str(LOCAL_DIR / "storage" / database),
        "AI_PROVIDER": "offline",
        "EMAIL_BACKEND": "log",
    }
