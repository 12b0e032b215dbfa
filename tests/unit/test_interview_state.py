"""What a session remembers between turns: every question asked, in words, for the generator."""

from shared.ai.models import GeneratedQuestion
from shared.services.interview_state import SessionState


def question(number: int) -> GeneratedQuestion:
    return GeneratedQuestion(question_id=f"gen-{number}", topic="t", text=f"Question {number}?", phase="warmup", difficulty=1, is_follow_up=False)


def test_each_current_question_is_remembered_in_words_and_reaches_the_generator():
    state = SessionState()
    state.current_question = question(1)
    after = state.model_copy(deep=True)
    after.current_question = question(2)
    after.current_question = None  # the plan ended
    assert after.asked_question_texts == ["Question 1?", "Question 2?"] and state.asked_question_texts == ["Question 1?"]
    assert after.context("python").asked_texts == ["Question 1?", "Question 2?"]
    assert SessionState.load(after.model_dump(mode="json")).asked_question_texts == ["Question 1?", "Question 2?"]


def test_a_session_stored_before_texts_were_kept_remembers_its_current_question():
    stored = {"asked_question_ids": ["gen-1"], "current_question": question(1).model_dump()}
    assert SessionState.load(stored).asked_question_texts == ["Question 1?"]
