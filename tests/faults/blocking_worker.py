"""A run-jobs process for the killed-worker test: registers `faults.block`, whose handler records
that it started, waits while the `block` file exists in its marks folder, then records its
completion; run as `python -m tests.faults.blocking_worker` it drains the queue once through the
run-jobs handler, as Lambda would run it."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from shared.queue import job_handler

KIND = "faults.block"


def _record(marks: Path, name: str) -> None:
    with (marks / name).open("a") as file:
        file.write(f"{os.getpid()}\n")


@job_handler(KIND)
def block(payload: dict[str, Any]) -> dict[str, Any]:
    marks = Path(payload["marks"])
    _record(marks, "started")
    while (marks / "block").exists():
        time.sleep(0.05)
    _record(marks, "completed")
    return {"pid": os.getpid()}


def main() -> None:
    from functions.run_jobs import handler
    from local.gateway import LambdaContext

    summary = handler({"source": "tests.faults"}, LambdaContext("run-jobs", timeout_s=300))
    print("SUMMARY " + json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
