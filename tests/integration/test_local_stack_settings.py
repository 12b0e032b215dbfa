"""Issue 15.4: the local stack honours the user's AI and email settings (environment, then the
repository's .env) instead of overwriting them with the offline provider; only the local stack's
own keys (DATABASE_URL, SUPABASE_*) always come from the local stack."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from local import config
from local.paths import REPO_ROOT
from shared.settings import Settings

LOCAL_ONLY = ("DATABASE_URL", "SUPABASE_URL", "SUPABASE_ANON_KEY", "SUPABASE_SERVICE_ROLE_KEY", "SUPABASE_JWT_SECRET", "STORAGE_DIR")


@pytest.fixture
def dotenv(tmp_path):
    """Write a .env file (absent until called) and return its path."""
    path = tmp_path / ".env"

    def write(text: str):
        path.write_text(text)
        return path

    write.path = path
    return write


def test_offline_ai_and_logged_email_stay_the_defaults_when_nothing_is_chosen(dotenv):
    env = config.dev_env(database="dev_db", environ={"PATH": "/usr/bin"}, dotenv_path=dotenv.path)
    assert env["AI_PROVIDER"] == "offline" and env["EMAIL_BACKEND"] == "log"
    assert env["DATABASE_URL"].endswith("/dev_db") and "PATH" not in env


def test_the_users_environment_wins_over_the_local_defaults_for_ai_and_email(dotenv):
    environ = {
        "AI_PROVIDER": "openai",
        "OPENAI_API_KEY": "sk-from-env",
        "OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
        "OPENAI_CHAT_MODEL": "gpt-4o",
        "EMAIL_BACKEND": "ses",
        "EMAIL_SENDER": "Team <team@example.com>",
        "AWS_REGION": "eu-west-1",
    }
    env = config.dev_env(environ=environ, dotenv_path=dotenv.path)
    assert {key: env[key] for key in environ} == environ


def test_the_dotenv_file_applies_and_the_environment_wins_over_it(dotenv):
    path = dotenv(
        "AI_PROVIDER=openai\n"
        "OPENAI_API_KEY=sk-from-file\n"
        "OPENAI_BASE_URL=http://from-file/v1\n"
        "openai_tts_model=gpt-4o-mini-tts\n"  # names are case-insensitive, as in Settings
        'EMAIL_SENDER="Team <team@example.com>"\n'
        "AWS_ACCESS_KEY_ID=AKIAFILE\n"
        "NOT_A_SETTING=ignored\n"
    )
    env = config.dev_env(environ={"OPENAI_BASE_URL": "http://from-env/v1"}, dotenv_path=path)
    assert env["AI_PROVIDER"] == "openai" and env["OPENAI_API_KEY"] == "sk-from-file"
    assert env["OPENAI_BASE_URL"] == "http://from-env/v1"
    assert env["OPENAI_TTS_MODEL"] == "gpt-4o-mini-tts" and env["EMAIL_SENDER"] == "Team <team@example.com>"
    assert env["AWS_ACCESS_KEY_ID"] == "AKIAFILE"  # boto3 reads credentials from the environment only
    assert "NOT_A_SETTING" not in env


def test_local_stack_keys_always_come_from_the_local_stack(dotenv):
    foreign = {key: "https://project.supabase.co" if "URL" in key else "foreign" for key in LOCAL_ONLY}
    path = dotenv("".join(f"{key}={value}\n" for key, value in foreign.items()))
    env = config.dev_env(database="dev_db", supabase_port=54999, environ={**foreign, "ENVIRONMENT": "production"}, dotenv_path=path)
    local = config.local_env(database="dev_db", supabase_port=54999)
    assert {key: env[key] for key in (*LOCAL_ONLY, "ENVIRONMENT")} == {key: local[key] for key in (*LOCAL_ONLY, "ENVIRONMENT")}


@pytest.mark.parametrize(
    ("environ", "provider"),
    [
        ({"OPENAI_API_KEY": "sk-x"}, "openai"),  # a key alone chooses OpenAI, as Settings does everywhere
        ({"OPENAI_API_KEY": ""}, "offline"),  # an empty key is no key
        ({"OPENAI_API_KEY": "sk-x", "AI_PROVIDER": "offline"}, "offline"),  # an explicit choice wins
    ],
)
def test_the_provider_follows_the_key_unless_chosen(dotenv, environ, provider):
    assert config.dev_env(environ=environ, dotenv_path=dotenv.path)["AI_PROVIDER"] == provider


def test_the_banner_names_provider_host_and_email_backend_but_never_the_key():
    openai = Settings(ai_provider="openai", openai_api_key="sk-secret-value", openai_base_url="http://127.0.0.1:4010/v1", email_backend="ses")
    lines = "\n".join(config.describe(openai))
    assert "openai at 127.0.0.1:4010" in lines and "key set" in lines and "sk-secret-value" not in lines
    assert f"ses in {openai.aws_region}" in lines
    offline = "\n".join(config.describe(Settings(ai_provider=None, openai_api_key=None, email_backend="log")))
    assert "ai:       offline" in offline and "email:    log" in offline
    assert "api.openai.com" in "\n".join(config.describe(Settings(ai_provider="openai", openai_api_key="k", openai_base_url=None)))


def test_env_lines_are_shell_quoted_and_leave_secrets_out():
    lines = config.env_lines({"EMAIL_SENDER": "Team <team@example.com>", "OPENAI_API_KEY": "sk-secret", "AI_PROVIDER": "openai"})
    assert lines == ["EMAIL_SENDER='Team <team@example.com>'", "AI_PROVIDER=openai"]


def test_python_m_local_env_reports_the_users_provider():
    """Before the fix the local environment overwrote AI_PROVIDER with `offline`."""
    environ = {**os.environ, "AI_PROVIDER": "openai", "OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "EMAIL_BACKEND": "ses"}
    printed = subprocess.run([sys.executable, "-m", "local", "env"], cwd=REPO_ROOT, env=environ, capture_output=True, text=True, check=True).stdout
    lines = set(printed.splitlines())
    assert {"AI_PROVIDER=openai", "OPENAI_BASE_URL=http://127.0.0.1:9/v1", "EMAIL_BACKEND=ses"} <= lines
