"""The labelled answer set (tests/data/answers/): answers to every question of the offline bank,
each with the band a recruiter would give it. `development` is what the evaluator was tuned on,
`held_out` was written before tuning and is never tuned on."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml

ANSWERS_DIR = Path(__file__).resolve().parent / "data" / "answers"
SETS = ("development", "held_out")
BANDS = ("strong", "adequate", "weak")
Band = Literal["strong", "adequate", "weak"]
# The rubric shared by the offline evaluator and the OpenAI prompt: the score range of each band.
BAND_RANGES: dict[str, tuple[int, int]] = {"strong": (75, 100), "adequate": (45, 74), "weak": (0, 44)}
BAND_RANK = {"weak": 0, "adequate": 1, "strong": 2}


@dataclass(frozen=True)
class LabelledAnswer:
    question_id: str
    band: Band
    text: str


def band_of(score: int) -> Band:
    return "strong" if score >= BAND_RANGES["strong"][0] else "adequate" if score >= BAND_RANGES["adequate"][0] else "weak"


@lru_cache
def load(name: str) -> tuple[LabelledAnswer, ...]:
    """Every labelled answer of a set, in file and question order."""
    if name not in SETS:
        raise ValueError(f"unknown answer set {name!r}; choose one of {SETS}")
    answers = []
    for path in sorted((ANSWERS_DIR / name).glob("*.yaml")):
        for question_id, bands in (yaml.safe_load(path.read_text()) or {}).items():
            for band in BANDS:
                answers.extend(LabelledAnswer(question_id, band, " ".join(text.split())) for text in bands.get(band) or [])
    return tuple(answers)


def by_question(name: str) -> dict[str, dict[str, list[str]]]:
    """question id -> band -> answers."""
    result: dict[str, dict[str, list[str]]] = {}
    for answer in load(name):
        result.setdefault(answer.question_id, {band: [] for band in BANDS})[answer.band].append(answer.text)
    return result
