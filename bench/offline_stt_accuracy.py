"""Word accuracy of the offline speech recogniser on espeak-ng speech.

Synthesises fixed sets of interview-style answers with the offline TTS, transcribes them with the
offline STT (the stock en-us language model and the interview-domain one) and prints JSON: word
accuracy (1 - word error rate, floored at 0) overall and per sentence, and seconds per
transcription. SENTENCES was the development set; HELD_OUT was written afterwards and never used
to tune anything, so it shows how the domain model does on answers it was not shaped around.

    .venv/bin/python bench/offline_stt_accuracy.py [--details]
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from shared.ai.offline import speech  # noqa: E402
from shared.settings import get_settings  # noqa: E402

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
HELD_OUT = [
    "Use memo when a child component gets the same props on every render.",
    "A deadlock happens when two threads wait for each other to release a lock.",
    "I would paginate the results so the page loads quickly.",
    "Async functions return a promise and await pauses until it resolves.",
    "We cached the session in memory and invalidated it on logout.",
    "The garbage collector frees objects that nothing references.",
    "Tuples can be dictionary keys because they are hashable.",
    "I split the service into smaller modules with clear interfaces.",
    "The test failed because the mock returned the wrong value.",
    "An index on the email column makes the lookup much faster.",
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


def measure(sentences: list[str]) -> dict:
    rows, errors, total, elapsed = [], 0, 0, 0.0
    for sentence in sentences:
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
    return {
        "words": total,
        "word_accuracy": round(1 - errors / total, 3),
        "seconds_per_transcription": round(elapsed / len(sentences), 3),
        "details": rows,
    }


def main() -> None:
    show_details = "--details" in sys.argv
    report = {}
    for model in ("generic", "domain"):
        os.environ["OFFLINE_STT_LANGUAGE_MODEL"] = model
        get_settings.cache_clear()
        results = {"recogniser": speech.recogniser_name()}
        for name, sentences in (("development_set", SENTENCES), ("held_out_set", HELD_OUT)):
            measured = measure(sentences)
            if not show_details:
                measured.pop("details")
            results[name] = measured
        report[model] = results
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
