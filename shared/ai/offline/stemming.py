"""Words and light stemming for matching answers against concept maps: "hashable", "hashing" and
"hashes" all become "hash", "re-renders" and "rerendering" reach "render". A small suffix stripper
rather than a full Porter stemmer: both sides (the concept's phrases and the answer) go through
the same function, so it only has to be consistent, not linguistically right."""

from __future__ import annotations

import re
from functools import lru_cache

WORD = re.compile(r"[a-z0-9_]+(?:'[a-z]+)?")
# Derivational and inflectional endings, longest first; each maps to what replaces it.
_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("izations", "ize"),
    ("ization", "ize"),
    ("isations", "ize"),
    ("isation", "ize"),
    ("abilities", ""),
    ("ibilities", ""),
    ("ability", ""),
    ("ibility", ""),
    ("ations", "ate"),
    ("ation", "ate"),
    ("nesses", ""),
    ("ness", ""),
    ("ments", ""),
    ("ment", ""),
    ("ities", ""),
    ("ity", ""),
    ("ingly", ""),
    ("edly", ""),
    ("ings", ""),
    ("ing", ""),
    ("ably", ""),
    ("ibly", ""),
    ("able", ""),
    ("ible", ""),
    ("izes", ""),
    ("ized", ""),
    ("izer", ""),
    ("ize", ""),
    ("ises", ""),
    ("ised", ""),
    ("iser", ""),
    ("ise", ""),
    ("ers", ""),
    ("er", ""),
    ("ed", ""),
    ("ly", ""),
)
_KEEP_DOUBLE = frozenset("lsz")


def words(text: str) -> list[str]:
    """Lower-case words of a text (contractions kept whole: "can't", "don't")."""
    return WORD.findall(text.lower().replace("\u2019", "'"))


def _plural(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is", "'s")) and len(word) > 3:
        return word[:-1]
    return word.removesuffix("'s")


def _strip_suffix(word: str) -> str:
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + replacement
    return word


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """The stem of one lower-case word; words with digits, underscores or apostrophes are kept."""
    if len(word) <= 3 or not word.isalpha():
        return word
    stemmed = _strip_suffix(_strip_suffix(_plural(word)))
    if len(stemmed) > 3 and stemmed[-1] == stemmed[-2] and stemmed[-1] not in _KEEP_DOUBLE and stemmed[-1].isalpha():
        stemmed = stemmed[:-1]  # wrapp(ing) -> wrap, committ(ed) -> commit
    if len(stemmed) > 3 and stemmed.endswith("e"):
        stemmed = stemmed[:-1]  # cache / caching / cached -> cach
    if len(stemmed) > 5 and stemmed.endswith("iz"):
        stemmed = stemmed[:-2]  # memoiz(ing) -> memo, as memoize and memoized
    if len(stemmed) > 3 and stemmed.endswith("y"):
        stemmed = stemmed[:-1] + "i"  # lazy / lazily, retry / retried
    return stemmed


def stems(text: str) -> list[str]:
    return [stem(word) for word in words(text)]
