"""bench/assessment_quality.py with `--provider openai`, run against the project's fake OpenAI
server: the wiring (every labelled answer and every simulated turn evaluated through the OpenAI
provider, one scoring per interview, figures printed), not the quality, which the fake cannot have."""

from __future__ import annotations

import json

import pytest

from bench import assessment_quality
from shared.settings import get_settings
from tests.fake_openai import FakeOpenAI


@pytest.fixture
def fake(monkeypatch):
    server = FakeOpenAI(auto=True)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-bench-fake")
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    get_settings.cache_clear()
    yield server
    server.close()
    get_settings.cache_clear()


def test_the_bench_measures_the_openai_provider_through_its_api(fake, capsys):
    assessment_quality.main(["--provider", "openai", "--sets", "held_out", "--limit", "12", "--roles", "python"])
    report = json.loads(capsys.readouterr().out)
    assert report["provider"] == "openai"
    answers, interviews = report["held_out"]["answers"], report["held_out"]["interviews"]
    assert answers["answers"] == 12 and set(answers) >= {"band_accuracy", "spearman", "mean_score_per_band", "confusion_label_to_band"}
    assert sum(sum(row.values()) for row in answers["confusion_label_to_band"].values()) == 12
    assert set(interviews) == {"strong", "average", "weak"}
    turns = sum(interviews[kind]["per_role"]["python"]["questions"] for kind in interviews)
    schemas = fake.schemas()
    assert schemas.count("AnswerEvaluation") == 12 + turns  # every answer went to the model
    assert schemas.count("ScoringResult") == 3 and "GeneratedQuestion" not in schemas  # questions come from the bank
    evaluated = [json.loads(body["messages"][-1]["content"]) for body in fake.json_bodies("/v1/chat/completions")[:12]]
    assert all(payload["question"]["question_id"].count(".") == 2 and payload["answer"] for payload in evaluated)


def test_the_openai_bench_refuses_to_run_without_a_key(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "")
    get_settings.cache_clear()
    with pytest.raises(SystemExit, match="OPENAI_API_KEY"):
        assessment_quality.run("openai", sets=("held_out",), limit=3, roles=("python",))
    get_settings.cache_clear()
