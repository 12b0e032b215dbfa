"""The one Settings object: read from the environment (and an optional .env) once per cold start."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

VERSION = "0.1.0"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: str = "local"
    version: str = VERSION

    database_url: SecretStr = SecretStr("postgresql://postgres:postgres@127.0.0.1:54322/postgres")
    db_pool_min_size: int = 0
    db_pool_max_size: int = 5
    db_statement_timeout_ms: int = 10_000
    db_connect_timeout_s: int = 10

    supabase_url: str = "http://127.0.0.1:54321"
    supabase_anon_key: SecretStr = SecretStr("")
    supabase_service_role_key: SecretStr = SecretStr("")
    supabase_jwt_secret: SecretStr = SecretStr("")

    cors_allow_origins: Annotated[list[str], NoDecode] = Field(default_factory=lambda: ["http://localhost:3000", "http://127.0.0.1:3000"])
    log_level: str = "INFO"

    email_backend: Literal["log", "ses"] = "log"
    email_sender: str = "Teamified <no-reply@teamified.local>"
    aws_region: str = "ap-southeast-2"
    ses_endpoint_url: str | None = None

    register_limit_per_hour: int = 20
    interview_starts_per_hour: int = 10
    lockout_max_failures: int = 5
    lockout_window_seconds: int = 15 * 60
    lockout_seconds: int = 15 * 60

    @field_validator("cors_allow_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("supabase_jwt_secret")
    @classmethod
    def _refuse_placeholder_secret(cls, value: SecretStr) -> SecretStr:
        if value.get_secret_value() in {"changeme", "secret", "change-me"}:
            raise ValueError("SUPABASE_JWT_SECRET is a placeholder; set the project's JWT secret")
        return value


@lru_cache
def get_settings() -> Settings:
    """Validated settings, cached for the life of the process (a Lambda cold start)."""
    return Settings()
