"""Assessment quality: how well a provider's answer evaluation and interview scoring agree with
the labelled answer set (tests/data/answers).

For each set (development: what the offline evaluator was tuned on; held_out: written before
tuning, never tuned on) it evaluates every labelled answer and prints JSON: band accuracy (the
score falls in the labelled band: strong 75-100, adequate 45-74, weak 0-44), the Spearman
correlation between label and score, the mean score per band and the confusion of labels and
bands. Then it runs whole simulated interviews per role for three candidate types, answering
each question with the set's answers of the type's bands (strong: strong answers; average:
adequate ones, strong in half the warmup, weak in half the advanced phase; weak: weak answers)
and prints each interview's overall score. Questions come from the offline bank whatever the
provider (so every question has labelled answers); the provider evaluates the answers and scores
the interview, so `--provider openai` measures OpenAI's judgement on the same material.

    .venv/bin/python bench/assessment_quality.py [--provider offline|openai] [--sets development,held_out] [--limit N] [--details]

`--provider openai` needs OPENAI_API_KEY (and uses OPENAI_BASE_URL and the model settings); it
makes one chat call per answer and per interview turn, about 600 in all. Tests run it against
the project's fake OpenAI server (tests/fake_openai.py) to prove the wiring, never the real one.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path
from statistics import fmean
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from shared.ai.base import AIProvider  # noqa: E402
from shared.ai.models import GeneratedQuestion, QuestionContext, TranscriptTurn  # noqa: E402
from shared.ai.offline import question_bank  # noqa: E402
from shared.ai.offline.provider import OfflineProvider  # noqa: E402
from shared.ai.rubric import band_of  # noqa: E402
from shared.services.progression import AnswerOutcome, ProgressionState, advance, record_question  # noqa: E402
from shared.settings import get_settings  # noqa: E402
from tests.answer_set import BAND_RANK, BANDS, SETS, LabelledAnswer, by_question, load  # noqa: E402

ROLES = ("python", "javascript", "react", "fullstack")
CANDIDATES = ("strong", "average", "weak")


def build_provider(name: str) -> AIProvider:
    if name == "offline":
        return OfflineProvider()
    settings = get_settings()
    if not (settings.openai_api_key and settings.openai_api_key.get_secret_value()):
        raise SystemExit("--provider openai needs OPENAI_API_KEY")
    from shared.ai.openai_provider import OpenAIProvider

    return OpenAIProvider(settings)


def average_ranks(values: list[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for position in range(start, end + 1):
            ranks[order[position]] = (start + end) / 2 + 1
        start = end + 1
    return ranks


def spearman(labels: list[float], scores: list[float]) -> float:
    """Spearman's rank correlation (Pearson's on average ranks, so ties are handled)."""
    x, y = average_ranks(labels), average_ranks(scores)
    mean_x, mean_y = fmean(x), fmean(y)
    covariance = sum((a - mean_x) * (b - mean_y) for a, b in zip(x, y, strict=True))
    spread = (sum((a - mean_x) ** 2 for a in x) * sum((b - mean_y) ** 2 for b in y)) ** 0.5
    return covariance / spread if spread else 0.0


def bank_question(question_id: str, phase: str | None = None) -> GeneratedQuestion:
    bank = question_bank.find(question_id)
    if bank is None:
        raise KeyError(f"{question_id} is not in the offline question bank")
    return GeneratedQuestion(
        question_id=bank.id,
        topic=bank.topic,
        text=bank.text,
        phase=phase or bank.id.split(".")[1],  # type: ignore[arg-type]
        difficulty=bank.difficulty,
        is_follow_up=False,
    )


def sample(answers: tuple[LabelledAnswer, ...], limit: int | None) -> list[LabelledAnswer]:
    """Every answer, or `limit` of them spread evenly over the set (every band kept)."""
    if not limit or limit >= len(answers):
        return list(answers)
    step = len(answers) / limit
    return [answers[int(i * step)] for i in range(limit)]


def measure_answers(provider: AIProvider, answers: list[LabelledAnswer], details: bool) -> dict[str, Any]:
    rows = []
    for answer in answers:
        question = bank_question(answer.question_id)
        context = QuestionContext(role_type=answer.question_id.split(".")[0], phase=question.phase, difficulty=question.difficulty)  # type: ignore[arg-type]
        evaluation = provider.evaluate_answer(context, question, answer.text).value
        rows.append((answer, evaluation.score))
    confusion = {label: {band: 0 for band in BANDS} for label in BANDS}
    for answer, score in rows:
        confusion[answer.band][band_of(score)] += 1
    result: dict[str, Any] = {
        "answers": len(rows),
        "band_accuracy": round(fmean(band_of(score) == answer.band for answer, score in rows), 3),
        "spearman": round(spearman([BAND_RANK[a.band] for a, _ in rows], [s for _, s in rows]), 3),
        "mean_score_per_band": {
            band: round(fmean(s for a, s in rows if a.band == band), 1) for band in BANDS if any(a.band == band for a, _ in rows)
        },
        "confusion_label_to_band": confusion,
    }
    if details:
        result["misplaced"] = [{"question_id": a.question_id, "label": a.band, "score": s, "answer": a.text} for a, s in rows if band_of(s) != a.band]
    return result


def band_for(candidate: str, phase: str, index_in_phase: int) -> str:
    """Which band of answer a candidate type gives to the n-th question of a phase."""
    if candidate == "strong":
        return "strong"
    if candidate == "weak":
        return "weak"
    if phase == "warmup":
        return "strong" if index_in_phase % 2 == 0 else "adequate"
    if phase == "advanced":
        return "adequate" if index_in_phase % 2 == 0 else "weak"
    return "adequate"


def simulate(provider: AIProvider, role: str, candidate: str, answers: dict[str, dict[str, list[str]]]) -> dict[str, Any]:
    """One whole interview: the offline bank asks (as the engine plans it), the candidate answers
    from the labelled set, the provider evaluates every answer and scores the interview."""
    asker = OfflineProvider()
    state = ProgressionState()
    asked: list[str] = []
    used: dict[str, int] = {}
    turns: list[TranscriptTurn] = []
    question = asker.next_question(QuestionContext(role_type=role, phase=state.phase, difficulty=state.difficulty)).value  # type: ignore[arg-type]
    asked.append(question.question_id)
    state = record_question(state)
    while True:
        base = question.question_id.removesuffix(".followup")
        band = band_for(candidate, question.phase, state.asked_in_phase[question.phase] - 1)
        options = answers[base][band]
        text = options[used.get(base, 0) % len(options)]
        used[base] = used.get(base, 0) + 1
        context = QuestionContext(role_type=role, phase=state.phase, difficulty=state.difficulty, asked_question_ids=asked)  # type: ignore[arg-type]
        evaluation = provider.evaluate_answer(context, question, text).value
        number = len(turns)
        turns.append(
            TranscriptTurn(
                question_id=question.question_id,
                question_message_id=f"q{number}",
                answer_message_id=f"a{number}",
                phase=question.phase,
                topic=question.topic,
                question=question.text,
                answer=text,
                response_time_seconds=40.0 + (number * 13) % 45,
                audio_duration_seconds=None,
                evaluation=evaluation,
            )
        )
        state, decision = advance(state, AnswerOutcome(score=evaluation.score, skill=evaluation.skill, follow_up_needed=evaluation.follow_up_needed))
        if decision.done:
            break
        context = QuestionContext(
            role_type=role,  # type: ignore[arg-type]
            phase=decision.phase,
            difficulty=decision.difficulty,
            asked_question_ids=asked,
            follow_up=decision.follow_up,
            last_question_id=question.question_id,
            last_question=question.text,
            last_answer=text,
        )
        question = asker.next_question(context).value
        asked.append(question.question_id)
        state = record_question(state)
    result = provider.score_interview(role, turns).value
    return {
        "overall_score": result.overall_score,
        "questions": len(turns),
        "mean_answer_score": round(fmean(t.evaluation.score for t in turns if t.evaluation), 1),
        "strengths": len(result.strengths),
        "weaknesses": len(result.weaknesses),
    }


def measure_interviews(provider: AIProvider, answer_set: str, roles: tuple[str, ...]) -> dict[str, Any]:
    answers = by_question(answer_set)
    result: dict[str, Any] = {}
    for candidate in CANDIDATES:
        per_role = {role: simulate(provider, role, candidate, answers) for role in roles}
        overall = [run["overall_score"] for run in per_role.values()]
        result[candidate] = {"overall_min": min(overall), "overall_max": max(overall), "overall_mean": round(fmean(overall), 1), "per_role": per_role}
    return result


def run(
    provider_name: str = "offline", sets: tuple[str, ...] = SETS, limit: int | None = None, roles: tuple[str, ...] = ROLES, details: bool = False
) -> dict:
    provider = build_provider(provider_name)
    started = time.perf_counter()
    report: dict[str, Any] = {
        "provider": provider.name,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.python_implementation()} {platform.python_version()}",
    }
    for name in sets:
        report[name] = {
            "answers": measure_answers(provider, sample(load(name), limit), details),
            "interviews": measure_interviews(provider, name, roles),
        }
    report["seconds"] = round(time.perf_counter() - started, 2)
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--provider", choices=("offline", "openai"), default="offline")
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated: development, held_out")
    parser.add_argument("--limit", type=int, default=None, help="evaluate this many answers per set (spread evenly), for a quick run")
    parser.add_argument("--roles", default=",".join(ROLES), help="roles of the simulated interviews")
    parser.add_argument("--details", action="store_true", help="list the answers scored outside their labelled band")
    args = parser.parse_args(argv)
    sets = tuple(s.strip() for s in args.sets.split(",") if s.strip())
    roles = tuple(r.strip() for r in args.roles.split(",") if r.strip())
    print(json.dumps(run(args.provider, sets, args.limit, roles, args.details), indent=2))


if __name__ == "__main__":
    main()
