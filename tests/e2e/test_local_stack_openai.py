"""Issue 15.4 end to end: the local stack started with `AI_PROVIDER=openai OPENAI_BASE_URL=<fake>
OPENAI_API_KEY=...` (the environment `make dev` builds) runs an interview through that server,
and says at start which provider and host it uses, never the key."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import httpx
import pytest

from local import config
from local.paths import REPO_ROOT
from tests.e2e.conftest import free_port, wait_for
from tests.fake_openai import CHAT, FakeOpenAI

KEY = "sk-e2e-fake-key-never-printed"


@pytest.fixture
def fake_openai():
    server = FakeOpenAI(auto=True)
    yield server
    server.close()


def test_make_dev_settings_run_an_interview_through_the_users_openai_server(stack_db, stack_env, supabase_url, make_user, fake_openai, tmp_path):
    user_choice = {"AI_PROVIDER": "openai", "OPENAI_BASE_URL": fake_openai.base_url, "OPENAI_API_KEY": KEY}
    supabase_port = int(stack_env["SUPABASE_URL"].rsplit(":", 1)[1])
    env = config.dev_env(database=stack_db, supabase_port=supabase_port, environ=user_choice, dotenv_path=tmp_path / "absent.env")
    port, log = free_port(), tmp_path / "gateway.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "local", "gateway", "--port", str(port), "--no-scheduler"],
            cwd=REPO_ROOT,
            env={**os.environ, **stack_env, **env},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for(url + "/health/")
        candidate = make_user("candidate")
        headers = {"Authorization": f"Bearer {candidate['token']}"}
        started = httpx.post(f"{url}/start-interview/", json={"role_type": "python"}, headers=headers, timeout=60)
        assert started.status_code == 201, started.text
        question = started.json()["data"]["question"]
        assert question["text"].startswith("Fake question")
        answer = "I would split it into a thin handler, a service layer and a repository, with tests at each level."
        turn = httpx.post(
            f"{url}/process-turn/{started.json()['data']['interview']['id']}",
            json={"text": answer, "question_id": question["id"], "client_turn_id": str(uuid.uuid4())},
            headers=headers,
            timeout=60,
        )
        assert turn.status_code == 200, turn.text
        assert turn.json()["data"]["question"]["text"].startswith("Fake question")
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert fake_openai.schemas() == ["GeneratedQuestion", "AnswerEvaluation", "GeneratedQuestion"]
    asked = [json.loads(body["messages"][-1]["content"])["asked_texts"] for body in fake_openai.json_bodies(CHAT)[::2]]
    assert asked == [[], [question["text"]]]  # the generator is told what it already asked, in words
    assert {r["headers"]["authorization"] for r in fake_openai.requests} == {f"Bearer {KEY}"}
    printed = log.read_text()
    host = fake_openai.base_url.split("//")[1].split("/")[0]
    assert f"ai:       openai at {host}" in printed and "email:    log" in printed
    assert KEY not in printed
