"""recording.check: the content check of every upload into the interview-recordings bucket,
queued by the upload trigger (shared.services.recordings.check_upload)."""

from __future__ import annotations

from typing import Any

from shared.queue import RetryPolicy, job_handler
from shared.services import recordings

CHECK_POLICY = RetryPolicy(base_seconds=30, max_seconds=900)


@job_handler("recording.check", policy=CHECK_POLICY, expected_seconds=30.0)
def check_recording(payload: dict[str, Any]) -> dict[str, Any]:
    return {"storage_path": payload["storage_path"], **recordings.check_upload(payload["storage_path"])}
