"""Versioned prompt files (shared/ai/prompts/<task>.md). The first line is `version: <id>`; the
version travels with every result the prompt produced."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PROMPTS_DIR = Path(__file__).resolve().parent / "prompts"


@dataclass(frozen=True)
class Prompt:
    version: str
    text: str


@lru_cache
def load(task: str) -> Prompt:
    raw = (PROMPTS_DIR / f"{task}.md").read_text()
    header, _, body = raw.partition("\n")
    if not header.startswith("version:"):
        raise ValueError(f"prompt {task} has no version header")
    return Prompt(version=header.split(":", 1)[1].strip(), text=body.strip())
