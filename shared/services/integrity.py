"""Deterministic integrity signals of an interview, computed from timing and text in code.

These are evidence for a recruiter, never a verdict: each flag names the messages it rests on
and how confident the rule is. The AI judgement in scoring adds to these; it does not replace them.
"""

import re
import statistics
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field

from shared.models.base import Model

Severity = Literal["low", "medium", "high"]

# Comfortable typing is about 0.7 words/s and fast typists reach about 2; speech is 2-3 words/s.
MAX_TYPED_WORDS_PER_SECOND = 3.0
MAX_SPOKEN_WORDS_PER_SECOND = 4.5
COMPLEX_ANSWER_WORDS = 60
FAST_COMPLEX_ANSWER_SECONDS = 10.0
LONG_SILENCE_SECONDS = 90.0
HESITANT_WORDS_PER_SECOND = 0.8  # conversational speech is 2-3 words/s
HESITANT_MIN_SECONDS = 10.0
POLISHED_ANSWER_WORDS = 80
UNIFORM_TIMING_MIN_ANSWERS = 5
UNIFORM_TIMING_MAX_VARIATION = 0.08
PENALTY = {"low": 5, "medium": 12, "high": 25}

_WORD = re.compile(r"[A-Za-z0-9_+#.\-]+")
_FILLERS = re.compile(r"\b(um+|uh+|erm|hmm|i think|not sure|maybe|i guess|kind of|sort of|i don'?t know)\b", re.IGNORECASE)
_NEVER_USED = re.compile(r"\b(?:never|not)\s+(?:really\s+)?(?:used|worked with|touched|tried)\s+([A-Za-z][\w.+#-]*)", re.IGNORECASE)
_HAVE_USED = re.compile(
    r"\b(?:i|we)\s+(?:have\s+)?(?:used|built with|worked with|work with|use|shipped with)\s+([A-Za-z][\w.+#-]*)"
    r"(?:\s+(?:extensively|daily|for years|a lot|in production))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class AnswerSample:
    """One candidate answer with what the timing rules need."""

    message_id: str
    answer_text: str
    response_time_seconds: float | None
    audio_duration_seconds: float | None = None

    @property
    def words(self) -> int:
        return len(_WORD.findall(self.answer_text))


class IntegrityFlag(Model):
    type: str
    severity: Severity
    evidence: dict[str, Any] = Field(description="message_ids and the measured figures")
    confidence: float = Field(ge=0, le=1)


class IntegrityReport(Model):
    integrity_score: int = Field(ge=0, le=100)
    flags: list[IntegrityFlag]


def analyse(answers: list[AnswerSample]) -> IntegrityReport:
    """All timing and text rules over an interview's answers, in sequence order."""
    flags = [
        *_too_fast(answers),
        *_implausible_speech_rate(answers),
        *_hesitant_speech(answers),
        *_long_silence_then_polished(answers),
        *_uniform_timing(answers),
        *_contradictions(answers),
    ]
    score = 100 - sum(PENALTY[flag.severity] for flag in flags)
    return IntegrityReport(integrity_score=max(0, min(100, score)), flags=flags)


def _too_fast(answers: list[AnswerSample]) -> list[IntegrityFlag]:
    flags = []
    for answer in answers:
        seconds = answer.response_time_seconds
        if answer.audio_duration_seconds or not seconds or seconds <= 0:
            continue
        rate = answer.words / seconds
        if answer.words >= COMPLEX_ANSWER_WORDS and seconds < FAST_COMPLEX_ANSWER_SECONDS:
            flags.append(_flag("fast_complex_answer", "high", answer, 0.85, words=answer.words, seconds=seconds))
        elif answer.words >= 25 and rate > MAX_TYPED_WORDS_PER_SECOND:
            flags.append(_flag("implausible_typing_speed", "medium", answer, 0.7, words_per_second=round(rate, 2)))
    return flags


def _implausible_speech_rate(answers: list[AnswerSample]) -> list[IntegrityFlag]:
    flags = []
    for answer in answers:
        duration = answer.audio_duration_seconds
        if duration and duration > 0 and answer.words >= 15 and answer.words / duration > MAX_SPOKEN_WORDS_PER_SECOND:
            rate = round(answer.words / duration, 2)
            flags.append(_flag("implausible_speech_rate", "medium", answer, 0.6, words_per_second=rate))
    return flags


def _hesitant_speech(answers: list[AnswerSample]) -> list[IntegrityFlag]:
    """Spoken answers far slower than conversational speech (long pauses, searching for words) in
    most of the interview: a low-severity note for the recruiter, not an accusation."""
    slow = [
        (a, a.words / seconds)
        for a in answers
        if (seconds := a.audio_duration_seconds or 0) >= HESITANT_MIN_SECONDS and a.words / seconds < HESITANT_WORDS_PER_SECOND
    ]
    spoken = [a for a in answers if a.audio_duration_seconds]
    if not slow or len(slow) < max(2, len(spoken) // 2):
        return []
    rates = [round(rate, 2) for _, rate in slow]
    return [
        IntegrityFlag(
            type="hesitant_speech",
            severity="low",
            confidence=0.4,
            evidence={"message_ids": [a.message_id for a, _ in slow], "words_per_second": rates},
        )
    ]


def _long_silence_then_polished(answers: list[AnswerSample]) -> list[IntegrityFlag]:
    flags = []
    for answer in answers:
        seconds = answer.response_time_seconds or 0
        if seconds >= LONG_SILENCE_SECONDS and answer.words >= POLISHED_ANSWER_WORDS and not _FILLERS.search(answer.answer_text):
            flags.append(_flag("long_pause_then_polished_answer", "medium", answer, 0.55, seconds=seconds, words=answer.words))
    return flags


def _uniform_timing(answers: list[AnswerSample]) -> list[IntegrityFlag]:
    timed = [(answer, seconds) for answer in answers if (seconds := answer.response_time_seconds) and seconds > 0]
    if len(timed) < UNIFORM_TIMING_MIN_ANSWERS:
        return []
    times = [time for _, time in timed]
    mean = statistics.fmean(times)
    variation = statistics.pstdev(times) / mean if mean else 0.0
    if variation > UNIFORM_TIMING_MAX_VARIATION:
        return []
    return [
        IntegrityFlag(
            type="uniform_response_timing",
            severity="low",
            evidence={"message_ids": [answer.message_id for answer, _ in timed], "coefficient_of_variation": round(variation, 3)},
            confidence=0.5,
        )
    ]


def _contradictions(answers: list[AnswerSample]) -> list[IntegrityFlag]:
    denied: dict[str, AnswerSample] = {}
    claimed: dict[str, AnswerSample] = {}
    for answer in answers:
        for match in _NEVER_USED.finditer(answer.answer_text):
            denied.setdefault(match.group(1).lower(), answer)
        for match in _HAVE_USED.finditer(answer.answer_text):
            claimed.setdefault(match.group(1).lower(), answer)
    flags = []
    for skill in sorted(denied.keys() & claimed.keys()):
        first, second = denied[skill], claimed[skill]
        if first.message_id == second.message_id:
            continue
        flags.append(
            IntegrityFlag(
                type="inconsistent_claims",
                severity="medium",
                evidence={"message_ids": [first.message_id, second.message_id], "skill": skill},
                confidence=0.6,
            )
        )
    return flags


def _flag(kind: str, severity: Severity, answer: AnswerSample, confidence: float, **figures: float) -> IntegrityFlag:
    return IntegrityFlag(type=kind, severity=severity, evidence={"message_ids": [answer.message_id], **figures}, confidence=confidence)
