"""Word accuracy of the offline speech recogniser on espeak-ng speech.

Synthesises a fixed set of interview-style answers with the offline TTS, transcribes them with the
offline STT and prints JSON: word accuracy (1 - word error rate, floored at 0) per sentence and
overall, and the mean seconds per transcription.

    .venv/bin/python bench/offline_stt_accuracy.py
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from shared.ai.offline import speech  # noqa: E402

SENTENCES = [
    "A closure captures variables from the enclosing scope.",
    "I would use a hash map to count the words in the file.",
    "React components re render when their state or props change.",
    "The database index makes the query faster but slows down writes.",
    "I wrote unit tests for the service and ran them in continuous integration.",
    "A promise represents a value that will be available later.",
    "Python lists are mutable while tuples are immutable.",
    "We deployed the application with docker containers on a cloud server.",
    "I do not know the answer to that question.",
    "The API returns a JSON response with a status code.",
]


def words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


def edit_distance(reference: list[str], hypothesis: list[str]) -> int:
    previous = list(range(len(hypothesis) + 1))
    for i, ref_word in enumerate(reference, 1):
        current = [i]
        for j, hyp_word in enumerate(hypothesis, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref_word != hyp_word)))
        previous = current
    return previous[-1]


def main() -> None:
    rows, errors, total, elapsed = [], 0, 0, 0.0
    for sentence in SENTENCES:
        audio = speech.synthesize(sentence).audio
        started = time.perf_counter()
        try:
            heard = speech.transcribe(audio, "wav").text
        except Exception as exc:  # a failed recognition counts as every word missed
            heard = f"<{type(exc).__name__}>"
        elapsed += time.perf_counter() - started
        reference = words(sentence)
        distance = min(edit_distance(reference, words(heard)), len(reference))
        errors += distance
        total += len(reference)
        rows.append({"said": sentence, "heard": heard, "word_accuracy": round(1 - distance / len(reference), 3)})
    print(json.dumps({
        "recogniser": speech.recogniser_name(),
        "sentences": len(SENTENCES),
        "words": total,
        "word_accuracy": round(1 - errors / total, 3),
        "mean_seconds_per_transcription": round(elapsed / len(SENTENCES), 3),
        "details": rows,
    }, indent=2))


if __name__ == "__main__":
    main()
