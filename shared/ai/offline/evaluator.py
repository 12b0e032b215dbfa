"""Heuristic answer evaluation: coverage of the question's key terms, general technical
vocabulary, specificity (examples, numbers, code), length, and hedging."""

from __future__ import annotations

import re

from shared.ai.models import AnswerEvaluation
from shared.ai.offline.question_bank import BankQuestion

HEDGES = re.compile(r"\b(i don'?t know|not sure|no idea|i'?m unsure|i have never|never heard|can'?t remember|i forget|pass)\b", re.I)
SPECIFIC = re.compile(
    r"(\bfor example\b|\be\.g\.|\bfor instance\b|\bin (my|our|a) (project|team|job|previous)\b|\bwe used\b|\bi used\b|"
    r"\bi built\b|\d+\s*(ms|%|x|seconds|users|requests|rows)|`[^`]+`|\w+\(\)|=>|\bdef \w+|\bconst \w+)",
    re.I,
)
TECH_WORDS = frozenset(
    [
        "api",
        "cache",
        "caching",
        "latency",
        "index",
        "query",
        "thread",
        "process",
        "memory",
        "heap",
        "stack",
        "async",
        "await",
        "promise",
        "callback",
        "closure",
        "scope",
        "hook",
        "state",
        "props",
        "render",
        "component",
        "function",
        "class",
        "object",
        "instance",
        "inheritance",
        "interface",
        "type",
        "generic",
        "module",
        "package",
        "test",
        "mock",
        "fixture",
        "database",
        "transaction",
        "commit",
        "rollback",
        "queue",
        "retry",
        "idempotent",
        "http",
        "rest",
        "json",
        "schema",
        "validation",
        "performance",
        "complexity",
        "algorithm",
        "hash",
        "lookup",
        "iterator",
        "generator",
        "decorator",
        "exception",
        "error",
        "lock",
        "concurrency",
        "parallel",
        "event",
        "loop",
        "microtask",
        "server",
        "client",
        "browser",
        "dom",
        "virtual",
        "immutable",
        "mutable",
        "reference",
        "pointer",
        "garbage",
        "collector",
        "profile",
        "benchmark",
        "security",
        "token",
        "authentication",
        "authorization",
        "encryption",
        "deploy",
        "container",
        "docker",
        "kubernetes",
        "aws",
    ]
)
WORD = re.compile(r"[a-z0-9_.#+/-]+", re.I)


def _term_found(term: str, text: str) -> bool:
    if " " in term or not term.isalnum():
        return term in text
    return re.search(rf"\b{re.escape(term)}\b", text) is not None


def evaluate(question: BankQuestion, answer: str) -> AnswerEvaluation:
    """Score one answer 0-100; deterministic for the same question and answer."""
    text = " ".join(answer.lower().split())
    words = WORD.findall(text)
    found = [term for term in question.key_terms if _term_found(term, text)]
    coverage = len(found) / max(1, min(len(question.key_terms), 4))
    tech = {word for word in words if word in TECH_WORDS}
    specific = len(SPECIFIC.findall(answer))
    hedging = bool(HEDGES.search(answer))

    score = 50 * min(1.0, coverage) + 12 * min(1.0, len(tech) / 5) + 13 * min(1.0, specific / 2) + 25 * min(1.0, max(0, len(words) - 5) / 55)
    if hedging:
        score = min(score * 0.5, 25)
    if len(words) < 3:
        score = min(score, 5)
    score = round(max(0, min(100, score)))

    if len(words) < 3 or (hedging and len(words) < 12):
        quality = "no_answer"
    elif score >= 70:
        quality = "strong"
    elif score >= 40:
        quality = "adequate"
    else:
        quality = "weak"
    proficiency = "proficient" if score >= 70 else "intermediate" if score >= 40 else "boundary_reached"
    rationale = (
        f"Used {len(found)} of the expected concepts ({', '.join(found) or 'none'}); "
        f"{'gave concrete detail' if specific else 'stayed general'}; {len(words)} words"
        f"{'; expressed uncertainty' if hedging else ''}."
    )
    return AnswerEvaluation(
        score=score,
        skill=question.topic,
        quality=quality,
        technical_terms=sorted(set(found) | tech),
        hedging=hedging,
        follow_up_needed=quality == "adequate" and coverage < 0.75,
        proficiency=proficiency,
        rationale=rationale,
    )
