"""The answer rubric shared by every provider: the score range of each quality band. The offline
evaluator scores into these bands, the OpenAI evaluation prompt states them, and an OpenAI
evaluation whose score falls outside the band of its own quality is clamped into it."""

from __future__ import annotations

from typing import Literal

from shared.ai.models import Proficiency

Quality = Literal["strong", "adequate", "weak", "no_answer"]
BANDS: dict[Quality, tuple[int, int]] = {"strong": (75, 100), "adequate": (45, 74), "weak": (0, 44), "no_answer": (0, 20)}
STRONG_MIN, ADEQUATE_MIN = BANDS["strong"][0], BANDS["adequate"][0]


def band_of(score: int) -> Quality:
    return "strong" if score >= STRONG_MIN else "adequate" if score >= ADEQUATE_MIN else "weak"


def proficiency_of(score: int) -> Proficiency:
    return "proficient" if score >= STRONG_MIN else "intermediate" if score >= ADEQUATE_MIN else "boundary_reached"


def conform(quality: Quality, score: int) -> int:
    """The score clamped into its quality's band (and 0-100)."""
    low, high = BANDS[quality]
    return max(low, min(high, score))
