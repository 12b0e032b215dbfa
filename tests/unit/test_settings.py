import pytest
from pydantic import ValidationError

from shared.settings import Settings


def test_cors_origins_are_read_as_a_comma_separated_list(monkeypatch):
    monkeypatch.setenv("CORS_ALLOW_ORIGINS", "https://a.example, https://b.example")
    assert Settings().cors_allow_origins == ["https://a.example", "https://b.example"]


def test_placeholder_jwt_secret_is_refused(monkeypatch):
    monkeypatch.setenv("SUPABASE_JWT_SECRET", "changeme")
    with pytest.raises(ValidationError):
        Settings()
