import json

import pytest
from pydantic import ValidationError

from shared.settings import Settings, load_settings


def test_cors_origins_are_read_as_a_comma_separated_list(monkeypatch):
    monkeypatch.setenv("CORS_ALLOW_ORIGINS", "https://a.example, https://b.example")
    assert load_settings().cors_allow_origins == ["https://a.example", "https://b.example"]


def test_placeholder_jwt_secret_is_refused(monkeypatch):
    monkeypatch.setenv("SUPABASE_JWT_SECRET", "changeme")
    with pytest.raises(ValidationError):
        load_settings()


def test_names_are_matched_in_any_case_and_unknown_names_are_ignored():
    settings = load_settings({"DB_POOL_MAX_SIZE": "9", "log_level": "DEBUG", "Enable_Realtime_Api": "true", "PATH": "/bin"}, dotenv=None)
    assert (settings.db_pool_max_size, settings.log_level, settings.enable_realtime_api) == (9, "DEBUG", True)


def test_values_are_validated_as_the_fields_declare():
    with pytest.raises(ValidationError):
        load_settings({"DB_POOL_MAX_SIZE": "many"}, dotenv=None)
    with pytest.raises(ValidationError):
        load_settings({"REALTIME_BUDGET_USD": "0"}, dotenv=None)  # gt=0


def test_prices_are_json():
    prices = {"gpt-4o-mini": {"input": 0.1, "output": 0.4}}
    assert load_settings({"AI_PRICES": json.dumps(prices)}, dotenv=None).ai_prices == prices
    with pytest.raises(ValidationError):
        load_settings({"AI_PRICES": "{not json"}, dotenv=None)


def test_the_dotenv_file_fills_in_what_the_environment_does_not_set(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text("LOG_LEVEL=WARNING\nOPENAI_CHAT_MODEL=gpt-4o\n# a comment\nexport EMAIL_BACKEND=ses\n")
    settings = load_settings({"LOG_LEVEL": "ERROR"}, dotenv=dotenv)
    assert (settings.log_level, settings.openai_chat_model, settings.email_backend) == ("ERROR", "gpt-4o", "ses")
    assert load_settings({}, dotenv=tmp_path / "missing.env").log_level == Settings().log_level
