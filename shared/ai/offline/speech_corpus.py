"""The offline recogniser's domain language model: a back-off trigram model (pocketsphinx's own
ARPA builder) over interview language: the question bank's questions and key terms, general
technical vocabulary, and common phrases of spoken technical answers. Built on first
use into the temp directory, keyed by a hash of the corpus."""

from __future__ import annotations

import hashlib
import re
import tempfile
from functools import lru_cache
from pathlib import Path

from shared.ai.offline import question_bank

ANSWER_PHRASES = """i do not know
i am not sure
i have not used that
that is a good question
in my previous role i worked on a team that built
in our project we used
for example we used
the main trade off is
it depends on the use case
we measured the latency and the memory
i would start by writing a test
the problem was that
so we decided to
the difference is that
this makes the code easier to read and to test
we deployed it to production
the data is stored in a database
the function returns a value
i would use it when
it is faster because
it uses less memory because
the user sends a request to the server
the server returns a response
we wrote unit tests and integration tests
i have used it for three years
it runs in the browser
it runs on the server
we added a cache to make it faster
we used a queue to process the jobs
the state changes when the user clicks
the component renders again
"""
# General technical words candidates use beyond the bank's key terms.
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
TERM_TEMPLATES = ("{t}", "i would use {t}", "we used {t} in our project", "the {t} is important because", "for example {t}")


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z]+", text.lower().replace("'", "")))


def corpus() -> str:
    lines: list[str] = []
    for role in question_bank.BANK.values():
        for questions in role.values():
            for question in questions:
                lines += [_words(sentence) for sentence in re.split(r"[.?!]", question.text)]
                for term in question.key_terms:
                    lines += [template.format(t=_words(term)) for template in TERM_TEMPLATES if _words(term)]
    for word in sorted(TECH_WORDS):
        lines += [word, f"the {word} is", f"we used a {word}"]
    lines += [_words(line) for line in ANSWER_PHRASES.splitlines()]
    return "\n".join(line for line in lines if line.strip())


@lru_cache
def language_model_path() -> str:
    from pocketsphinx.lm import ArpaBoLM

    text = corpus()
    path = Path(tempfile.gettempdir()) / f"teamified-stt-{hashlib.sha256(text.encode()).hexdigest()[:16]}.arpa"
    if not path.exists():
        model = ArpaBoLM(text=text, add_start=True)
        model.compute()
        partial = path.with_suffix(f".{id(model)}.tmp")
        model.write_file(str(partial))
        partial.replace(path)  # atomic: concurrent workers never read a half-written model
    return str(path)
