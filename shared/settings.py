"""The one Settings object: read from the environment (and an optional .env) once per cold start.

Each field is read from the environment variable of its name, in any case (DATABASE_URL); a
`.env` file in the working directory, when there is one (the local stack), supplies what the
environment does not. Values are validated by pydantic as the fields declare; `ai_prices` is JSON
and `cors_allow_origins` a comma-separated list. (pydantic-settings did this until its import and
per-field source checks cost 40-50 ms of every cold start: docs/decisions.md.)
"""

import base64
import binascii
import json
import os
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

VERSION = "0.1.0"
DOTENV = Path(".env")


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore")

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
    supabase_jwks_refresh_cooldown_s: float = Field(default=30.0, ge=0)  # least time between JWKS fetches forced by an unknown kid

    cors_allow_origins: list[str] = Field(default_factory=lambda: ["http://localhost:3000", "http://127.0.0.1:3000"])
    log_level: str = "INFO"

    email_backend: Literal["log", "ses"] = "log"
    email_sender: str = "Teamified <no-reply@teamified.local>"
    aws_region: str = "ap-southeast-2"
    ses_endpoint_url: str | None = None

    ai_provider: Literal["offline", "openai"] | None = None  # default: openai when a key is set, else offline
    offline_stt_language_model: Literal["domain", "generic"] = "domain"  # pocketsphinx: interview-domain model or the stock en-us one
    openai_api_key: SecretStr | None = None
    openai_base_url: str | None = None
    openai_chat_model: str = "gpt-4o-mini"
    openai_transcription_model: str = "whisper-1"
    openai_tts_model: str = "tts-1"
    openai_tts_voice: str = "alloy"
    openai_realtime_model: str = "gpt-realtime"
    openai_realtime_voice: str = "marin"
    openai_realtime_transcription_model: str = "gpt-4o-mini-transcribe"  # transcribes the candidate's side of a realtime session
    # Where the browser posts its SDP offer; default <OPENAI_BASE_URL or https://api.openai.com/v1>/realtime/calls.
    openai_realtime_call_url: str | None = None
    openai_chat_timeout_s: float = 45.0
    openai_transcription_timeout_s: float = 30.0
    openai_tts_timeout_s: float = 20.0
    openai_max_attempts: int = 3
    breaker_failure_threshold: int = 5
    breaker_open_seconds: float = 60.0
    breaker_trial_calls: int = 3
    function_reserve_s: float = 5.0  # of a function's remaining time, kept from AI calls and retries for the write and the answer
    enable_realtime_api: bool = False
    realtime_cost_warning_usd: float = 5.0
    realtime_budget_usd: float = Field(default=10.0, gt=0)  # realtime cost at which the interview is ended
    realtime_max_minutes: int = Field(default=30, ge=1)  # an interview in realtime mode ends this long after it started
    realtime_secret_ttl_seconds: int = Field(default=600, ge=10, le=7200)  # longest client secret lifetime (cut to the time left)
    realtime_lease_seconds: int = Field(default=120, ge=10)  # a session without relayed events for this long is over
    realtime_max_output_tokens: int = Field(default=1024, ge=1, le=4096)  # per spoken response
    realtime_silence_ms: int = Field(default=700, ge=100, le=5000)  # server VAD: silence that ends a candidate's turn
    ai_prices: dict[str, dict[str, float]] = Field(
        default_factory=lambda: {
            "gpt-4o-mini": {"input": 0.15, "output": 0.60},
            "gpt-4o": {"input": 2.50, "output": 10.00},
            "whisper-1": {"audio_minute": 0.006},
            "gpt-4o-mini-transcribe": {"audio_minute": 0.003},
            "gpt-4o-transcribe": {"audio_minute": 0.006},
            "tts-1": {"per_1k_characters": 0.015},
            "tts-1-hd": {"per_1k_characters": 0.030},
            "gpt-4o-mini-tts": {"per_1k_characters": 0.015},
            "gpt-realtime": {
                "input": 4.0,
                "cached_input": 0.40,
                "output": 16.0,
                "audio_input": 32.0,
                "cached_audio_input": 0.40,
                "audio_output": 64.0,
            },
            "gpt-realtime-1.5": {
                "input": 4.0,
                "cached_input": 0.40,
                "output": 16.0,
                "audio_input": 32.0,
                "cached_audio_input": 0.40,
                "audio_output": 64.0,
            },
            "gpt-realtime-mini": {
                "input": 0.60,
                "cached_input": 0.06,
                "output": 2.40,
                "audio_input": 10.0,
                "cached_audio_input": 0.30,
                "audio_output": 20.0,
            },
        }
    )

    feedback_auto_send_hours: int = 4
    interview_token_budget: int = 10_000
    interview_inactivity_minutes: int = 30
    interview_audio_url_seconds: int = 3600
    register_limit_per_hour: int = 20
    interview_starts_per_hour: int = 10
    resume_uploads_per_hour: int = 20  # per candidate, direct uploads and upload URLs together
    resume_reparses_per_hour: int = 20  # per recruiter
    assessment_rescores_per_hour: int = 20  # per recruiter
    recruiter_export_max_rows: int = Field(default=10_000, ge=1, le=100_000)  # rows of one candidate CSV export (which also stops at 4 MB)
    resume_max_uncompressed_bytes: int = 50 * 1024 * 1024  # a DOCX (zip) expanding to more is refused
    resume_max_compression_ratio: float = 100.0  # a DOCX compressed more than this (uncompressed:stored) is refused
    resume_max_pdf_pages: int = 50  # pages of a PDF read for text; later pages are ignored
    resume_max_text_chars: int = 50_000  # extracted text kept for parsing; the rest is dropped
    recording_uploads_per_hour: int = 10  # per candidate: consents to record (each gives a signed upload URL)
    recording_review_url_seconds: int = 24 * 3600  # signed review links of interview recordings for staff
    recording_soft_delete_days: int = Field(default=30, ge=1)  # recordings are soft-deleted (hidden) this long after upload
    recording_hard_delete_days: int = Field(default=90, ge=0)  # and hard-deleted (file and row) this long after the soft delete
    question_audio_retention_days: int = Field(default=30, ge=1)  # question audio of interviews finished longer ago is removed
    privacy_export_url_seconds: int = 3600  # signed links to files in a candidate's data export
    job_lease_seconds: int = 60  # a running job's lease, renewed every third of it; a dead worker's job is reclaimed after it
    job_expected_seconds: float = 120.0  # longest a job should take (kinds may set their own); run-jobs claims only what fits
    # Outbound webhooks (issue 19). Signing secrets are sealed at rest with AES-256-GCM under these keys
    # (comma-separated, each base64 of 32 bytes; the first seals, every one unseals, so a key can be rotated).
    webhook_secret_keys: SecretStr = SecretStr("")
    # Local stack only: receivers on this machine (http://127.0.0.1:PORT); private, link-local and metadata addresses stay refused.
    webhook_allow_loopback: bool = False
    webhook_timeout_s: float = Field(default=10.0, gt=0, le=30)  # one delivery attempt, connect to answer, in total
    webhook_disable_after_failures: int = Field(default=5, ge=1, le=1000)  # failed deliveries in a row (each retried for a day) that disable it
    webhook_secret_overlap_hours: int = Field(default=24, ge=0, le=168)  # the previous secret still signs this long after a rotation

    @field_validator("cors_allow_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("ai_prices", mode="before")
    @classmethod
    def _decode_prices(cls, value: object) -> object:
        return json.loads(value) if isinstance(value, str) else value

    @field_validator("webhook_secret_keys")
    @classmethod
    def _check_webhook_secret_keys(cls, value: SecretStr) -> SecretStr:
        for key in (part.strip() for part in value.get_secret_value().split(",")):
            if key and len(_b64decode_or_empty(key)) != 32:
                raise ValueError("WEBHOOK_SECRET_KEYS must list base64-encoded 32-byte keys, separated by commas")
        return value

    @field_validator("supabase_jwt_secret")
    @classmethod
    def _refuse_placeholder_secret(cls, value: SecretStr) -> SecretStr:
        if value.get_secret_value() in {"changeme", "secret", "change-me"}:
            raise ValueError("SUPABASE_JWT_SECRET is a placeholder; set the project's JWT secret")
        return value


def _b64decode_or_empty(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error:
        return b""


def load_settings(environ: Mapping[str, str] | None = None, dotenv: Path | None = DOTENV) -> Settings:
    """Settings from `environ` (default the process environment) over the `dotenv` file, if it
    exists; names are matched without regard to case, and unknown names are ignored."""
    values: dict[str, str] = {}
    if dotenv is not None and dotenv.is_file():
        from dotenv import dotenv_values  # local development only; no .env is deployed

        values.update((key.lower(), value) for key, value in dotenv_values(dotenv).items() if value is not None)
    values.update((key.lower(), value) for key, value in (os.environ if environ is None else environ).items())
    return Settings.model_validate({name: values[name] for name in Settings.model_fields if name in values})


@lru_cache
def get_settings() -> Settings:
    """Validated settings, cached for the life of the process (a Lambda cold start)."""
    return load_settings()
