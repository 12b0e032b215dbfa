"""Settings of the local stack: ports, generated secrets and the environment the functions get.

The JWT secret is generated once per checkout into `.local/secrets.json` (git-ignored); the anon
and service_role keys are JWTs signed with it, as in Supabase's local setup.

`make dev` gives the functions the local stack's own keys (where Postgres, Auth and Storage are)
and otherwise the user's settings, from the environment or the repository's `.env` (the
environment wins): `AI_PROVIDER=openai OPENAI_API_KEY=... make dev` runs interviews on OpenAI.
Offline AI and logged email stay the defaults when the user chose nothing.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import shlex
import time
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

import jwt
from dotenv import dotenv_values

from local import postgres
from local.paths import LOCAL_DIR, REPO_ROOT
from shared.ai.base import provider_choice
from shared.settings import Settings

GATEWAY_PORT = 8000
SUPABASE_PORT = 54321
SECRETS_FILE = LOCAL_DIR / "secrets.json"
DOTENV = REPO_ROOT / ".env"
TEN_YEARS = 10 * 365 * 24 * 3600
# Where the local stack's parts are: under `make dev` always the local stack's values, whatever the
# environment or .env says (a DATABASE_URL meant for a real project must not meet local data).
STACK_KEYS = frozenset(
    {"ENVIRONMENT", "DATABASE_URL", "SUPABASE_URL", "SUPABASE_ANON_KEY", "SUPABASE_SERVICE_ROLE_KEY", "SUPABASE_JWT_SECRET", "STORAGE_DIR"}
)
# Read by boto3 (SES) from the environment rather than by Settings, so passed on from .env too.
AWS_CREDENTIALS = frozenset({"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"})
SECRET_KEYS = frozenset({"OPENAI_API_KEY", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"})  # never printed
LOCAL_DEFAULTS = {"AI_PROVIDER": "offline", "EMAIL_BACKEND": "log"}


def _api_key(role: str, secret: str, issued_at: int) -> str:
    claims = {"iss": "supabase-demo", "role": role, "iat": issued_at, "exp": issued_at + TEN_YEARS}
    return jwt.encode(claims, secret, algorithm="HS256")


def local_secrets() -> dict[str, str]:
    """JWT secret, API keys and the webhook-secret sealing key of this checkout, created on first
    use (a file written before the sealing key existed gets it added)."""
    values: dict[str, str] = json.loads(SECRETS_FILE.read_text()) if SECRETS_FILE.exists() else {}
    if "jwt_secret" in values and "webhook_secret_key" in values:
        return values
    if "jwt_secret" not in values:
        secret = secrets.token_urlsafe(48)
        issued_at = int(time.time())
        values = {
            "jwt_secret": secret,
            "anon_key": _api_key("anon", secret, issued_at),
            "service_role_key": _api_key("service_role", secret, issued_at),
        }
    values["webhook_secret_key"] = base64.b64encode(secrets.token_bytes(32)).decode()
    LOCAL_DIR.mkdir(exist_ok=True)
    partial = SECRETS_FILE.with_name(f"{SECRETS_FILE.name}.{os.getpid()}")
    partial.write_text(json.dumps(values, indent=2))
    partial.chmod(0o600)
    partial.replace(SECRETS_FILE)  # atomic: a concurrent reader sees the old file or the new one
    return json.loads(SECRETS_FILE.read_text())


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
        "WEBHOOK_SECRET_KEYS": keys["webhook_secret_key"],
        "WEBHOOK_ALLOW_LOOPBACK": "true",  # receivers on this machine (http://127.0.0.1:PORT) for trying webhooks locally
        **LOCAL_DEFAULTS,
    }


def setting_names() -> frozenset[str]:
    """Environment variable names the functions read: the Settings fields and AWS credentials."""
    return frozenset(name.upper() for name in Settings.model_fields) | AWS_CREDENTIALS


def read_dotenv(path: Path = DOTENV) -> dict[str, str]:
    """The settings in a .env file (unknown names and valueless lines left out); {} when absent."""
    if not path.is_file():
        return {}
    names = setting_names()
    return {key.upper(): value for key, value in dotenv_values(path).items() if value is not None and key.upper() in names}


def user_settings(environ: Mapping[str, str], dotenv_path: Path = DOTENV) -> dict[str, str]:
    """What the user chose, for everything but the local stack's own keys: the .env file,
    overridden by the environment."""
    names = setting_names()
    chosen = {**read_dotenv(dotenv_path), **{key.upper(): value for key, value in environ.items() if key.upper() in names}}
    return {key: value for key, value in chosen.items() if key not in STACK_KEYS}


def dev_env(
    database: str = postgres.DEV_DATABASE,
    supabase_port: int = SUPABASE_PORT,
    environ: Mapping[str, str] | None = None,
    dotenv_path: Path = DOTENV,
) -> dict[str, str]:
    """The environment of `make dev`: the local stack's keys, then the user's settings (environment,
    then .env) over the local defaults (offline AI, logged email). A user who set only an OpenAI
    key gets OpenAI, as Settings decides everywhere else."""
    chosen = user_settings(os.environ if environ is None else environ, dotenv_path)
    env = local_env(database, supabase_port)
    if chosen.get("OPENAI_API_KEY") and "AI_PROVIDER" not in chosen:
        env["AI_PROVIDER"] = "openai"
    return {**env, **chosen}


def env_lines(env: Mapping[str, str]) -> list[str]:
    """`KEY=value` lines, shell-quoted, secrets left out (they stay in the environment or .env)."""
    return [f"{key}={shlex.quote(value)}" for key, value in env.items() if key not in SECRET_KEYS]


def describe(settings: Settings) -> list[str]:
    """What the functions run with, for the start-up banner: AI provider (with the API host, never
    the key) and email backend."""
    if provider_choice(settings) == "openai":
        parts = urlsplit(settings.openai_base_url or "https://api.openai.com/v1")
        host = parts.hostname or "?"
        where = f"{host}:{parts.port}" if parts.port else host
        key = "key set" if settings.openai_api_key and settings.openai_api_key.get_secret_value() else "NO KEY SET"
        ai = f"openai at {where} (chat {settings.openai_chat_model}, speech {settings.openai_transcription_model}/{settings.openai_tts_model}; {key})"
    else:
        ai = "offline (deterministic, no network; set AI_PROVIDER=openai and OPENAI_API_KEY to use OpenAI)"
    if settings.email_backend == "ses":
        endpoint = f", endpoint {urlsplit(settings.ses_endpoint_url).netloc}" if settings.ses_endpoint_url else ""
        email = f"ses in {settings.aws_region}{endpoint}, sender {settings.email_sender}"
    else:
        email = "log (logged without addresses or bodies, never sent)"
    return [f"ai:       {ai}", f"email:    {email}"]
