"""The password policy of SPEC §1: at least 8 characters with an upper-case letter, a digit and a
special character. Returns every broken rule so the client can show them all at once."""

from __future__ import annotations

import re

RULES: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("min_length", re.compile(r"^.{8,}$", re.DOTALL), "at least 8 characters"),
    ("uppercase", re.compile(r"[A-Z]"), "an upper-case letter"),
    ("digit", re.compile(r"\d"), "a digit"),
    ("special", re.compile(r"[^A-Za-z0-9\s]"), "a special character"),
)
MAX_LENGTH = 72  # bcrypt's limit; GoTrue refuses longer passwords


def broken_rules(password: str) -> list[str]:
    """Names of the rules the password breaks (empty when it is acceptable)."""
    broken = [name for name, pattern, _ in RULES if not pattern.search(password)]
    if len(password.encode()) > MAX_LENGTH:
        broken.append("max_length")
    return broken


def describe(broken: list[str]) -> str:
    wanted = [text for name, _, text in RULES if name in broken]
    message = "The password needs " + ", ".join(wanted) + "." if wanted else ""
    if "max_length" in broken:
        message = (message + " " if message else "") + f"The password must be at most {MAX_LENGTH} bytes."
    return message
