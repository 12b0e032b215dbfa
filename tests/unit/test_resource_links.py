"""Links in resume feedback are http(s) only, whoever writes them: a recruiter's edit or the AI."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from shared.ai.models import FeedbackDraft, Resource
from shared.models.feedback import FeedbackEdit


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example/x",  # scheme-relative: whatever the page uses
        "https://",  # no host
        " https://example.com",  # leading space (browsers strip it, then follow)
        "https://example.com/a b",
        "https://example.com/\u202egnp.exe",  # bidi override
        "https://example.com/" + "a" * 2000,
    ],
)
def test_a_resource_refuses_links_that_are_not_plain_http_urls(url):
    """F15: a resource link that is not an absolute http(s) URL is refused by the model."""
    with pytest.raises(ValidationError):
        Resource(title="Click", url=url, reason="x")


@pytest.mark.parametrize("url", ["https://react.dev/learn", "http://example.com", "HTTPS://docs.python.org/3/tutorial/?q=1#top"])
def test_a_resource_keeps_http_links_as_written(url):
    assert Resource(title="Docs", url=url, reason="x").url == url


def test_a_recruiters_edit_with_a_script_link_is_refused():
    """F15: the PATCH body's model refuses it (a 422 over HTTP)."""
    with pytest.raises(ValidationError):
        FeedbackEdit.model_validate({"recommended_resources": [{"title": "Click", "url": "javascript:alert(1)", "reason": "x"}]})


def test_an_ai_draft_loses_a_resource_with_a_script_link_and_keeps_the_rest():
    """F15: AI output is validated by the same model; an unsafe link drops that resource instead of
    failing the whole feedback."""
    draft = FeedbackDraft.model_validate(
        {
            "feedback_content": "Add measurable outcomes.",
            "identified_gaps": ["Testing"],
            "recommended_resources": [
                {"title": "Injected", "url": "javascript:fetch('//evil.example')", "reason": "x"},
                {"title": "Jest", "url": "https://jestjs.io/docs/getting-started", "reason": "Testing"},
            ],
        }
    )
    assert [r.title for r in draft.recommended_resources] == ["Jest"]


def test_an_ai_draft_with_a_malformed_resource_still_fails():
    with pytest.raises(ValidationError):
        FeedbackDraft.model_validate({"feedback_content": "x", "identified_gaps": [], "recommended_resources": [{"url": "https://a.example"}]})


def test_the_url_stays_a_plain_string_in_the_json_schema():
    """The OpenAI strict schema is built from this model: no format or pattern keywords."""
    schema = FeedbackDraft.model_json_schema()["$defs"]["Resource"]["properties"]["url"]
    assert schema == {"title": "Url", "type": "string"}
