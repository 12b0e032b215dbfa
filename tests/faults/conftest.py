"""Fault injection: functions called in-process against a fake OpenAI server with scripted faults,
and a candidate with an interview under way."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from functions import process_turn, start_interview
from shared.ai.base import get_provider
from shared.settings import get_settings
from tests.fake_openai import FakeOpenAI
from tests.rls import create_user
from tests.support import Reply, access_token, invoke


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI(auto=True)
    yield server
    server.close()


@pytest.fixture
def configure(app_env, monkeypatch) -> Iterator[Callable[..., None]]:
    """Set settings for the functions (KEY=value) and start them afresh: settings re-read, a new
    provider with a closed circuit breaker."""

    def apply(**env: str) -> None:
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        get_settings.cache_clear()
        get_provider.cache_clear()

    yield apply
    get_provider.cache_clear()


@pytest.fixture
def openai_env(configure, fake_openai) -> Callable[..., None]:
    """The functions on the OpenAI provider pointed at the fake; returns `configure` for more settings."""
    configure(AI_PROVIDER="openai", OPENAI_API_KEY="sk-fault-tests", OPENAI_BASE_URL=fake_openai.base_url)
    return configure


class Interview:
    """A candidate's interview driven through the process-turn handler."""

    def __init__(self, token: str, started: Reply):
        assert started.status == 201, started.body
        self.token = token
        self.id = started.data["interview"]["id"]
        self.question_id = started.data["question"]["id"]

    def answer(self, text: str = "I would use a context manager so the connection is always returned.", **invoke_options) -> Reply:
        invoke_options.setdefault("timeout_s", 60)  # process-turn's timeout in serverless.yml
        reply = invoke(
            process_turn.handler,
            "POST",
            f"/{self.id}",
            token=self.token,
            json_body={"text": text, "question_id": self.question_id},
            function_name="process-turn",
            **invoke_options,
        )
        if reply.status == 200 and reply.data["question"]:
            self.question_id = reply.data["question"]["id"]
        return reply


@pytest.fixture
def start_interview_for(admin_conn) -> Callable[..., Interview]:
    """Start an interview for a new candidate (the first question comes from the provider in use)."""

    def start(**invoke_options) -> Interview:
        token = access_token(create_user(admin_conn, "candidate"))
        started = invoke(
            start_interview.handler, "POST", "/", token=token, json_body={"role_type": "python"}, function_name="start-interview", **invoke_options
        )
        return Interview(token, started)

    return start


@pytest.fixture
def stored(admin_conn) -> Callable[[str], dict]:
    """What the database holds for an interview: its messages (type, sequence), session state and usage."""
    return lambda interview_id: _stored(admin_conn, interview_id)


def _stored(admin_conn, interview_id: str) -> dict:
    messages = admin_conn.execute(
        "select message_type, sequence_number from public.interview_messages where interview_id = %s order by sequence_number", [interview_id]
    ).fetchall()
    session = admin_conn.execute(
        "select questions_asked_count, progression_state from public.interview_sessions where interview_id = %s", [interview_id]
    ).fetchone()
    usage = admin_conn.execute("select total_tokens_used, cost_usd from public.interviews where id = %s", [interview_id]).fetchone()
    return {"messages": [(m["message_type"], m["sequence_number"]) for m in messages], "session": session, "usage": usage}
