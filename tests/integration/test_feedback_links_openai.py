"""The OpenAI provider's feedback draft against the local fake OpenAI server: the strict schema
still builds with the http(s)-only link rule, and an injected script link never comes back."""

from __future__ import annotations

import pytest

from shared.ai.models import ResumeExtraction
from shared.ai.openai_provider import OpenAIProvider
from shared.settings import Settings
from tests.fake_openai import FakeOpenAI, chat_completion

PARSED = ResumeExtraction(skills=["Python"], experience_years=5, education=[], previous_roles=[], technical_domains=[])


@pytest.fixture
def fake():
    server = FakeOpenAI()
    yield server
    server.close()


def test_a_script_link_in_the_ai_feedback_is_dropped_and_the_schema_stays_strict(fake):
    """F15: a prompt-injected resume that makes the model return a javascript: URL does not get
    it into the feedback; the rest of the draft is kept."""
    fake.reply(
        "/v1/chat/completions",
        200,
        chat_completion(
            {
                "feedback_content": "Strong backend experience; add testing.",
                "identified_gaps": ["Testing"],
                "recommended_resources": [
                    {"title": "Click me", "url": "javascript:alert(document.cookie)", "reason": "x"},
                    {"title": "pytest", "url": "https://docs.pytest.org/en/stable/", "reason": "Testing"},
                ],
            }
        ),
    )
    provider = OpenAIProvider(Settings(openai_api_key="sk-test", openai_base_url=fake.base_url), sleep=lambda _: None)
    draft = provider.generate_feedback(PARSED).value
    assert [(r.title, r.url) for r in draft.recommended_resources] == [("pytest", "https://docs.pytest.org/en/stable/")]
    schema = fake.json_bodies("/v1/chat/completions")[0]["response_format"]["json_schema"]
    assert schema["strict"] is True
    assert schema["schema"]["$defs"]["Resource"]["properties"]["url"] == {"title": "Url", "type": "string"}
