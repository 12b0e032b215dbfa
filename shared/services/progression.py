"""The progressive interview plan: warmup (2-3 questions), standard (5-8), advanced (3-5), 12-20
in all, adapting after every answer. Pure logic over the session's progression state; the
interview service stores the state after every turn.
"""

from statistics import fmean
from typing import Literal

from pydantic import Field

from shared.models.base import Model

Phase = Literal["warmup", "standard", "advanced"]
Proficiency = Literal["proficient", "intermediate", "boundary_reached"]

PHASES: tuple[Phase, ...] = ("warmup", "standard", "advanced")
PHASE_LIMITS: dict[Phase, tuple[int, int]] = {"warmup": (2, 3), "standard": (5, 8), "advanced": (3, 5)}
MIN_QUESTIONS, MAX_QUESTIONS = 12, 20
STRONG, WEAK = 70, 40
MAX_FOLLOW_UPS_PER_PHASE = 2


def _zero_per_phase() -> dict[str, int]:
    return {phase: 0 for phase in PHASES}


def _empty_per_phase() -> dict[str, list[int]]:
    return {phase: [] for phase in PHASES}


class AnswerOutcome(Model):
    """What the evaluator concluded about one answer."""

    score: int = Field(ge=0, le=100)
    skill: str
    follow_up_needed: bool = False


class ProgressionState(Model):
    """Stored in interview_sessions.progression_state after every turn."""

    phase: Phase = "warmup"
    difficulty: int = Field(default=1, ge=1, le=5)
    questions_asked: int = 0
    asked_in_phase: dict[str, int] = Field(default_factory=_zero_per_phase)
    scores_in_phase: dict[str, list[int]] = Field(default_factory=_empty_per_phase)
    follow_ups_in_phase: dict[str, int] = Field(default_factory=_zero_per_phase)
    skill_scores: dict[str, list[int]] = Field(default_factory=dict)
    boundaries_in_advanced: int = 0
    done: bool = False
    end_reason: str | None = None


class Decision(Model):
    """What to ask next: a question in `phase` at `difficulty`, possibly a follow-up; or stop."""

    done: bool
    phase: Phase
    difficulty: int
    follow_up: bool = False
    end_reason: str | None = None


def record_question(state: ProgressionState) -> ProgressionState:
    """Count a question that has just been asked in the current phase."""
    state = state.model_copy(deep=True)
    state.questions_asked += 1
    state.asked_in_phase[state.phase] += 1
    return state


def skill_boundaries(state: ProgressionState) -> dict[str, Proficiency]:
    """Per skill: proficient, intermediate, or boundary_reached, from the mean of its scores."""
    result: dict[str, Proficiency] = {}
    for skill, scores in state.skill_scores.items():
        mean = fmean(scores)
        result[skill] = "proficient" if mean >= STRONG else "intermediate" if mean >= WEAK else "boundary_reached"
    return result


def advance(state: ProgressionState, outcome: AnswerOutcome, budget_exhausted: bool = False) -> tuple[ProgressionState, Decision]:
    """Fold one evaluated answer into the state and decide the next step."""
    state = state.model_copy(deep=True)
    phase = state.phase
    state.scores_in_phase[phase].append(outcome.score)
    state.skill_scores.setdefault(outcome.skill, []).append(outcome.score)
    if phase == "advanced" and outcome.score < WEAK:
        state.boundaries_in_advanced += 1
    state.difficulty = _adapt_difficulty(state.difficulty, outcome.score)

    if budget_exhausted:
        return _finish(state, "token_budget_reached")
    if state.questions_asked >= MAX_QUESTIONS:
        return _finish(state, "max_questions")

    asked = state.asked_in_phase[phase]
    low, high = PHASE_LIMITS[phase]
    if phase == "advanced":
        remaining_minimum = max(low, MIN_QUESTIONS - (state.questions_asked - asked))
        limits_found = state.boundaries_in_advanced >= 2
        if asked >= high or (asked >= remaining_minimum and (limits_found or asked >= low + 1)):
            return _finish(state, "limits_found" if limits_found else "plan_complete")
    elif asked >= high or (asked >= low and _ready_to_move_on(state, phase)):
        state.phase = PHASES[PHASES.index(phase) + 1]
        state.difficulty = max(state.difficulty, 2 if state.phase == "standard" else 3)
        return state, Decision(done=False, phase=state.phase, difficulty=state.difficulty)

    follow_up = outcome.follow_up_needed and state.follow_ups_in_phase[phase] < MAX_FOLLOW_UPS_PER_PHASE
    if follow_up:
        state.follow_ups_in_phase[phase] += 1
    return state, Decision(done=False, phase=phase, difficulty=state.difficulty, follow_up=follow_up)


def stop(state: ProgressionState, reason: str) -> tuple[ProgressionState, Decision]:
    """End the plan after the answer just folded in, for a reason outside it (a time cap, a cost budget)."""
    return _finish(state.model_copy(deep=True), reason)


def _ready_to_move_on(state: ProgressionState, phase: Phase) -> bool:
    scores = state.scores_in_phase[phase]
    if phase == "warmup":
        return fmean(scores) >= WEAK
    return fmean(scores[-3:]) >= STRONG


def _adapt_difficulty(difficulty: int, score: int) -> int:
    if score >= 75:
        return min(5, difficulty + 1)
    if score < WEAK:
        return max(1, difficulty - 1)
    return difficulty


def _finish(state: ProgressionState, reason: str) -> tuple[ProgressionState, Decision]:
    state.done = True
    state.end_reason = reason
    return state, Decision(done=True, phase=state.phase, difficulty=state.difficulty, end_reason=reason)
