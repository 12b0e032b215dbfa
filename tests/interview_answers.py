"""Answers for driving interviews in tests and benchmarks: strong ones built from the asked
question's key terms (looked up in the offline question bank), and weak ones."""

from __future__ import annotations

from shared.ai.offline import question_bank

WEAK_ANSWER = "I don't know, I'm not sure about that one."


def bank_question(text: str, previous: question_bank.BankQuestion | None = None) -> question_bank.BankQuestion | None:
    for role in question_bank.BANK.values():
        for phase in role.values():
            for question in phase:
                if question.text == text:
                    return question
    return previous  # a follow-up asks about the previous question's topic


def strong_answer(question: question_bank.BankQuestion | None) -> str:
    terms = list(question.key_terms) if question else ["api", "cache", "database"]
    return (
        f"The key ideas are {', '.join(terms)}. For example, in our project we used {terms[0]} with {terms[-1]} in a production API, "
        f"and I built the change with tests and a benchmark: latency fell from 800 ms to 120 ms for 2000000 requests a day. "
        f"The trade-off is memory and complexity, so I profile first, measure the query and cache behaviour, and document the "
        f"decision for the team."
    )
