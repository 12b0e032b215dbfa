"""The offline evaluator's reading of answers: stems and synonyms, the rubric bands, misconceptions,
off-topic answers and hedging, and the evidence it gives for its scores."""

import pytest

from shared.ai.offline import evaluator, question_bank
from shared.ai.offline.concepts import CONCEPTS
from shared.ai.offline.stemming import stem


@pytest.mark.parametrize(
    "forms",
    [
        ("hashable", "hashing", "hashes", "hashed", "hash"),  # derived and inflected forms
        ("mutable", "mutability"),
        ("caching", "cache", "cached", "caches"),
        ("render", "renders", "rendering", "rendered"),
        ("wrapper", "wrapping", "wraps"),  # doubled consonant
        ("validation", "validate", "validating"),
        ("memoization", "memoize", "memoized", "memoizing"),
        ("lazy", "lazily"),
        ("retries", "retry", "retried"),
        ("process", "processes"),  # -ss is not a plural
    ],
)
def test_forms_of_a_word_share_a_stem(forms):
    assert len({stem(word) for word in forms}) == 1


def test_every_bank_question_has_a_concept_map_with_several_ideas():
    questions = {q.id: q for role in question_bank.BANK.values() for phase in role.values() for q in phase}
    assert set(CONCEPTS) == set(questions)
    for question in questions.values():
        ideas = [c for c in evaluator.concepts_for(question.id, question.key_terms) if not c.misconception]
        assert len(ideas) >= 5, question.id


def evaluate(question_id: str, answer: str):
    return evaluator.evaluate(question_bank.find(question_id), answer)


# The candidate: correct, specific, on-topic answers that the old evaluator scored 30-68.
CORRECT = {
    "python.warmup.1": "Lists are mutable and tuples are immutable. Because a tuple can't change it is hashable, so it can be a "
    "dictionary key, like caching by a (user_id, day) pair; a list can't. I use lists for collections that grow and tuples for fixed records.",
    "python.standard.5": "A context manager sets up and tears down a resource around a with block: __enter__ acquires it and "
    "__exit__ releases it even if an exception was raised. I write them with contextlib.contextmanager, a generator that yields "
    "the resource inside try/finally, for example for a database transaction.",
    "python.standard.2": "A decorator is a higher-order function that takes a function and returns a wrapper. For timing, the wrapper "
    "takes *args and **kwargs, calls time.perf_counter() before and after calling the original and logs the difference; "
    "functools.wraps keeps the original name and docstring.",
}


@pytest.mark.parametrize("question_id", sorted(CORRECT))
def test_correct_specific_answers_are_strong(question_id):
    result = evaluate(question_id, CORRECT[question_id])
    assert result.score >= evaluator.STRONG_MIN and result.quality == "strong" and result.proficiency == "proficient"
    assert len(result.technical_terms) >= 3


def test_synonyms_and_inflections_count_as_the_same_idea():
    said_one_way = evaluate("python.warmup.1", "Tuples are immutable, so they are hashable and can be dictionary keys.")
    said_another = evaluate("python.warmup.1", "A tuple cannot be changed, which means it can be hashed and used as keys in a dict.")
    assert set(said_one_way.technical_terms) == set(said_another.technical_terms) == {"immutability", "hashable", "dictionary keys"}


@pytest.mark.parametrize(
    ("answer", "highest"),
    [
        ("I don't know, I'm not sure about that one.", 8),  # a non-answer
        ("I enjoy working in agile teams and I am a fast learner who loves new challenges every day.", 10),  # off-topic
        ("Tuples are mutable and lists are not, so tuples are faster for adding stuff.", 44),  # a misconception
    ],
)
def test_non_answers_off_topic_and_wrong_answers_are_weak(answer, highest):
    result = evaluate("python.warmup.1", answer)
    assert result.score <= highest and result.proficiency == "boundary_reached"


def test_a_thin_on_topic_answer_is_adequate_and_asks_for_a_follow_up():
    result = evaluate("python.warmup.1", "A list you can change, add and remove things, and a tuple you can't change after you make it.")
    assert evaluator.ADEQUATE_MIN <= result.score < evaluator.STRONG_MIN and result.quality == "adequate"
    assert result.follow_up_needed and "missed" in result.rationale


def test_the_rationale_names_the_ideas_covered_and_missed():
    result = evaluate("python.standard.1", "Generators use yield to give values one at a time.")
    assert "yield" in result.rationale and "lazy evaluation" in result.rationale and "missed" in result.rationale


def test_a_question_without_a_concept_map_falls_back_to_its_key_terms():
    question = question_bank.BankQuestion("generated-1", "caching", "How would you cache this?", ("redis", "ttl", "invalidation"), 3)
    strong = evaluator.evaluate(question, "Put results in Redis with a TTL, and handle invalidation on writes so readers never see stale data.")
    assert strong.technical_terms == ["redis", "ttl", "invalidation"] and strong.score > evaluator.evaluate(question, "I would use a database.").score
