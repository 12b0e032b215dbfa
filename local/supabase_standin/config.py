"""Configuration of the stand-in, from the same environment variables the functions use, and the
Auth settings of supabase/config.toml (the file the Supabase CLI applies to a real project), so
sign-up and Auth hooks behave locally as configured for production.

`STANDIN_JWT_SIGNING` chooses how user access tokens are signed: `HS256` (the default, the legacy
JWT secret) or `ES256` (asymmetric signing keys, as new hosted projects do), with the keys in
`STANDIN_SIGNING_KEYS_PATH` (default `.local/signing_keys.json`, git-ignored, created on first use)."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from local.paths import LOCAL_DIR, REPO_ROOT

SUPABASE_CONFIG_TOML = REPO_ROOT / "supabase" / "config.toml"
SIGNING_KEYS_JSON = LOCAL_DIR / "signing_keys.json"
JWT_SIGNING_ALGORITHMS = ("HS256", "ES256")


@dataclass(frozen=True)
class StandinConfig:
    database_url: str
    jwt_secret: str
    public_url: str
    storage_dir: Path
    access_token_ttl: int
    bcrypt_rounds: int
    enable_signup: bool = True  # [auth] enable_signup (GoTrue: GOTRUE_DISABLE_SIGNUP = not this)
    email_provider_enabled: bool = True  # [auth.email] enable_signup (GoTrue: GOTRUE_EXTERNAL_EMAIL_ENABLED)
    password_verification_hook: str | None = None  # [auth.hook.password_verification_attempt] uri, when enabled
    refresh_token_reuse_interval: int = 10  # seconds; GoTrue's GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL (10 on hosted projects)
    jwt_signing: str = "HS256"  # user access tokens: HS256 with jwt_secret, or ES256 with the signing keys
    signing_keys_path: Path = SIGNING_KEYS_JSON  # [auth] signing_keys_path (GoTrue: GOTRUE_JWT_KEYS), for ES256

    @property
    def issuer(self) -> str:
        return self.public_url.rstrip("/") + "/auth/v1"


def auth_settings(path: Path) -> dict[str, Any]:
    """The stand-in's fields from the [auth] tables of a Supabase CLI config.toml."""
    auth = tomllib.loads(path.read_text()).get("auth", {})
    hook = auth.get("hook", {}).get("password_verification_attempt", {})
    return {
        "enable_signup": bool(auth.get("enable_signup", True)),
        "email_provider_enabled": bool(auth.get("email", {}).get("enable_signup", True)),
        "password_verification_hook": hook.get("uri") if hook.get("enabled") else None,
    }


def jwt_signing(value: str) -> str:
    """The signing algorithm of user access tokens named by STANDIN_JWT_SIGNING."""
    algorithm = value.strip().upper()
    if algorithm not in JWT_SIGNING_ALGORITHMS:
        raise ValueError(f"STANDIN_JWT_SIGNING must be one of {', '.join(JWT_SIGNING_ALGORITHMS)}, not {value!r}")
    return algorithm


@lru_cache
def get_config() -> StandinConfig:
    return StandinConfig(
        database_url=os.environ["DATABASE_URL"],
        jwt_secret=os.environ["SUPABASE_JWT_SECRET"],
        public_url=os.environ.get("SUPABASE_URL", "http://127.0.0.1:54321"),
        storage_dir=Path(os.environ["STORAGE_DIR"]),
        access_token_ttl=int(os.environ.get("STANDIN_ACCESS_TOKEN_TTL", "3600")),
        bcrypt_rounds=int(os.environ.get("STANDIN_BCRYPT_ROUNDS", "10")),
        refresh_token_reuse_interval=int(os.environ.get("STANDIN_REFRESH_TOKEN_REUSE_INTERVAL", "10")),
        jwt_signing=jwt_signing(os.environ.get("STANDIN_JWT_SIGNING", "HS256")),
        signing_keys_path=Path(os.environ.get("STANDIN_SIGNING_KEYS_PATH", str(SIGNING_KEYS_JSON))),
        **auth_settings(Path(os.environ.get("STANDIN_SUPABASE_CONFIG", str(SUPABASE_CONFIG_TOML)))),
    )
