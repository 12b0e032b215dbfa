import pytest

from shared.services.progression import (
    MAX_QUESTIONS,
    MIN_QUESTIONS,
    AnswerOutcome,
    ProgressionState,
    advance,
    record_question,
    skill_boundaries,
)


def run_interview(score_for, follow_up=False):
    """Drive the plan to the end; returns the phases asked in order and the final state."""
    state = ProgressionState()
    phases = []
    for _ in range(40):
        phases.append(state.phase)
        state = record_question(state)
        score = score_for(state)
        state, decision = advance(state, AnswerOutcome(score=score, skill="python", follow_up_needed=follow_up))
        if decision.done:
            return phases, state
    raise AssertionError("the interview never ended")


def count(phases, phase):
    return phases.count(phase)


@pytest.mark.parametrize(
    "score_for",
    [
        lambda state: 95,  # strong throughout
        lambda state: 10,  # weak throughout
        lambda state: 60,  # middling
        lambda state: 90 if state.phase != "advanced" else 20,  # strong until the limits show
        lambda state: (state.questions_asked * 37) % 100,  # erratic
    ],
)
def test_every_interview_has_12_to_20_questions_in_phase_order(score_for):
    phases, state = run_interview(score_for)
    assert MIN_QUESTIONS <= len(phases) <= MAX_QUESTIONS
    assert phases == sorted(phases, key=["warmup", "standard", "advanced"].index)
    assert 2 <= count(phases, "warmup") <= 3
    assert 5 <= count(phases, "standard") <= 8
    assert 3 <= count(phases, "advanced") <= 5 + (MIN_QUESTIONS - 10)
    assert state.done


def test_strong_candidates_move_on_after_the_minimum():
    phases, _ = run_interview(lambda state: 95)
    assert count(phases, "warmup") == 2
    assert count(phases, "standard") == 5


def test_weak_candidates_get_the_full_warmup_and_standard_phases():
    phases, _ = run_interview(lambda state: 10)
    assert count(phases, "warmup") == 3
    assert count(phases, "standard") == 8


def test_difficulty_rises_with_strong_answers_and_falls_with_weak_ones():
    state = ProgressionState(phase="standard", difficulty=2, questions_asked=2, asked_in_phase={"warmup": 2, "standard": 0, "advanced": 0})
    state = record_question(state)
    state, decision = advance(state, AnswerOutcome(score=90, skill="react"))
    assert decision.difficulty == 3
    state = record_question(state)
    state, decision = advance(state, AnswerOutcome(score=10, skill="react"))
    assert decision.difficulty == 2


def test_follow_ups_are_capped_per_phase():
    state = ProgressionState(phase="standard", asked_in_phase={"warmup": 2, "standard": 0, "advanced": 0}, questions_asked=2)
    follow_ups = 0
    for _ in range(4):
        state = record_question(state)
        state, decision = advance(state, AnswerOutcome(score=50, skill="python", follow_up_needed=True))
        follow_ups += decision.follow_up
    assert follow_ups == 2


def test_token_budget_ends_the_interview_gracefully():
    state = record_question(ProgressionState())
    state, decision = advance(state, AnswerOutcome(score=80, skill="python"), budget_exhausted=True)
    assert decision.done and decision.end_reason == "token_budget_reached"


def test_skill_boundaries_classify_mean_scores():
    state = ProgressionState(skill_scores={"react": [90, 80], "sql": [50, 60], "k8s": [10, 30]})
    assert skill_boundaries(state) == {"react": "proficient", "sql": "intermediate", "k8s": "boundary_reached"}
