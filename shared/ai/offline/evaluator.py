"""Offline answer evaluation, calibrated on labelled answers (tests/data/answers).

An answer is read against its question's concept map (`concepts.py`): which of the ideas a good
answer states it covers (stems and synonyms, so wording does not matter), whether it explains
(because, so that, for example, code, numbers), and whether it states a known misconception,
hedges ("I don't know") or talks about something else. The score follows the rubric shared with
the OpenAI prompt: strong 75-100 (several key ideas, explained), adequate 45-74 (on topic, one or
two ideas, thin), weak 0-44 (wrong, off-topic, a non-answer)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from shared.ai import rubric
from shared.ai.models import AnswerEvaluation
from shared.ai.offline.concepts import CONCEPTS
from shared.ai.offline.question_bank import BankQuestion
from shared.ai.offline.stemming import stem, stems, words

STRONG_MIN, ADEQUATE_MIN = rubric.STRONG_MIN, rubric.ADEQUATE_MIN  # the bands the OpenAI prompt states too
MAX_GAP = 2  # words allowed between the words of a phrase ("keys in a dict" for "keys ... dict")

HEDGES = re.compile(
    r"\b(i don'?t know|i do not know|not sure|no idea|i'?m unsure|never heard|can'?t remember|don'?t remember|i forget|"
    r"couldn'?t explain|haven'?t (?:really )?(?:used|done|looked|tried)|never (?:really )?(?:used|thought)|i'?m not sure|sorry|^pass$)\b",
    re.I,
)
# Signs of an explained answer: reasons, consequences, contrasts, examples, code, measurements.
EXPLAINS = re.compile(
    r"\b(because|so that|which means|that'?s why|otherwise|instead of|rather than|unless|whereas|as long as|the difference|"
    r"trade-?off|downside|pitfall|the catch|the fix|the rule)\b",
    re.I,
)
EXAMPLES = re.compile(
    r"(\bfor example\b|\be\.g\.|\bfor instance\b|\bsuch as\b|\bin (my|our|a) (project|team|job|previous|service|app)\b|\bwe used\b|"
    r"\bi used\b|\bi built\b|\bi wrote\b|\bi've written\b|\bin one\b|\d+\s*(ms|%|x|gb|mb|kb|seconds|users|requests|rows|items)\b|"
    r"`[^`]+`|\w+\(\)|\w+\([\w\s,.*=\"']+\)|=>|\bdef \w+|\bconst \w+|\w+\.\w+\(|@\w+)",
    re.I,
)
RAW_PHRASE = re.compile(r"[^a-z0-9_' *-]|^\*|\*\*")


@dataclass(frozen=True)
class Concept:
    name: str
    phrases: tuple[str, ...]
    misconception: bool = False


@dataclass(frozen=True)
class Reading:
    """What the evaluator found in one answer (the evidence behind the score)."""

    covered: tuple[str, ...]
    coverage: float
    missed: tuple[str, ...]
    misconceptions: tuple[str, ...]
    explains: int
    examples: int
    words: int
    hedging: bool
    off_topic: bool


def parse_concepts(spec: str) -> tuple[Concept, ...]:
    concepts = []
    for entry in filter(None, (part.strip() for part in spec.split(";"))):
        name, _, phrases = entry.partition("=")
        name = name.strip()
        concepts.append(
            Concept(name.lstrip("!").strip(), tuple(p.strip().lower() for p in phrases.split("|") if p.strip()), misconception=name.startswith("!"))
        )
    return tuple(concepts)


@lru_cache(maxsize=256)
def concepts_for(question_id: str, key_terms: tuple[str, ...]) -> tuple[Concept, ...]:
    """The question's concept map; a question without one (generated elsewhere) uses its key terms."""
    spec = CONCEPTS.get(question_id)
    if spec is not None:
        return parse_concepts(spec)
    return tuple(Concept(term, (term,)) for term in key_terms)


def _phrase_stems(phrase: str) -> tuple[tuple[str, bool], ...]:
    """(stem, is_prefix) per word of a phrase; `word*` matches any word starting so."""
    result = []
    for word in phrase.split():
        prefix = word.endswith("*")
        for part in words(word.rstrip("*")):
            result.append((part if prefix else stem(part), prefix))
    return tuple(result)


def _word_matches(pattern: tuple[str, bool], candidate: tuple[str, str]) -> bool:
    target, prefix = pattern
    word, stemmed = candidate
    return word.startswith(target) if prefix else stemmed == target


def _phrase_found(phrase: str, text: str, answer_words: list[tuple[str, str]]) -> bool:
    if RAW_PHRASE.search(phrase):
        return phrase in text
    pattern = _phrase_stems(phrase)
    if not pattern:
        return False
    for start, candidate in enumerate(answer_words):
        if not _word_matches(pattern[0], candidate):
            continue
        position, matched = start, 1
        for part in pattern[1:]:
            window = answer_words[position + 1 : position + 2 + MAX_GAP]
            step = next((offset for offset, later in enumerate(window, 1) if _word_matches(part, later)), None)
            if step is None:
                break
            position, matched = position + step, matched + 1
        if matched == len(pattern):
            return True
    return False


def read(question: BankQuestion, answer: str) -> Reading:
    """The evidence in an answer: concepts covered (those only echoing the question's own words
    count half), misconceptions stated, explanation and example markers, length, hedging."""
    text = " ".join(answer.lower().replace("\u2019", "'").split())
    answer_words = [(word, stem(word)) for word in words(text)]
    question_stems = set(stems(question.text))
    covered, missed, wrong, coverage = [], [], [], 0.0
    for concept in concepts_for(question.id, question.key_terms):
        found = [phrase for phrase in concept.phrases if _phrase_found(phrase, text, answer_words)]
        if concept.misconception:
            if found:
                wrong.append(concept.name)
            continue
        if not found:
            missed.append(concept.name)
            continue
        covered.append(concept.name)
        echoes = all(set(_stem for _stem, _ in _phrase_stems(phrase)) <= question_stems for phrase in found if not RAW_PHRASE.search(phrase))
        coverage += 0.5 if echoes else 1.0
    hedging = bool(HEDGES.search(text))
    content = [s for _, s in answer_words if len(s) > 3]
    topical = question_stems | {s for c in concepts_for(question.id, question.key_terms) for p in c.phrases for s, _ in _phrase_stems(p)}
    overlap = sum(1 for s in content if s in topical) / len(content) if content else 0.0
    return Reading(
        covered=tuple(covered),
        coverage=coverage,
        missed=tuple(missed),
        misconceptions=tuple(wrong),
        explains=len(EXPLAINS.findall(text)),
        examples=len(EXAMPLES.findall(answer)),
        words=len(answer_words),
        hedging=hedging,
        off_topic=coverage <= 1 and overlap < 0.15,
    )


def score_reading(reading: Reading) -> int:
    """The rubric score of a reading, 0-100."""
    ideas = 66 * (1 - math.exp(-reading.coverage / 1.6))
    depth = 8 * min(1.0, reading.explains / 2) + 10 * min(1.0, reading.examples / 2)
    length = 16 * min(1.0, max(0, reading.words - 8) / 50)
    score = ideas + depth + length
    if not reading.covered:
        score = min(score, 30.0)
    score -= 18 * len(reading.misconceptions)
    if reading.off_topic:
        score = min(score, 10.0)
    if reading.hedging:
        score = min(score * 0.6, 35.0) if reading.covered else min(score, 8.0)
    if reading.words < 4:
        score = min(score, 5.0)
    return round(max(0.0, min(100.0, score)))


def evaluate(question: BankQuestion, answer: str) -> AnswerEvaluation:
    """Score one answer 0-100 on the rubric; deterministic for the same question and answer."""
    reading = read(question, answer)
    score = score_reading(reading)
    quality: rubric.Quality
    if reading.words < 4 or (reading.hedging and not reading.covered and reading.words < 15):
        quality = "no_answer"
    else:
        quality = rubric.band_of(score)
    proficiency = rubric.proficiency_of(score)
    notes = [f"covered {', '.join(reading.covered)}" if reading.covered else "covered none of the key ideas"]
    if reading.missed and score < STRONG_MIN:
        notes.append(f"missed {', '.join(reading.missed[:3])}")
    if reading.misconceptions:
        notes.append(f"stated a misconception ({', '.join(reading.misconceptions)})")
    if reading.off_topic:
        notes.append("did not address the question")
    notes.append("explained with examples" if reading.examples else "explained the reasoning" if reading.explains else "stayed general")
    if reading.hedging:
        notes.append("expressed uncertainty")
    return AnswerEvaluation(
        score=score,
        skill=question.topic,
        quality=quality,
        technical_terms=list(reading.covered),
        hedging=reading.hedging,
        follow_up_needed=quality == "adequate" and len(reading.missed) > 0,
        proficiency=proficiency,
        rationale=_sentence("; ".join(notes)),
    )


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."
