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
BAND_RANK = {"weak": 0, "adequate": 1, "strong": 2}


@dataclass(frozen=True)
class LabelledAnswer:
    question_id: str
    band: Band
    text: str


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
