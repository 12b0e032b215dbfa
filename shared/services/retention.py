"""Retention: what the internal tables and the media buckets keep and for how long. Run daily
by retention-cleanup.

Each rule is a `private` SQL function that removes at most one batch of old rows per call; a call
is one short transaction, and a rule is called again while it returns a full batch. Media steps
work the same way, with the files removed through Storage inside the batch's transaction (the
rows change only once the files are gone): interview recordings are soft-deleted (hidden) after
RECORDING_SOFT_DELETE_DAYS and hard-deleted, file and row, RECORDING_HARD_DELETE_DAYS after that;
the spoken questions of interviews finished more than QUESTION_AUDIO_RETENTION_DAYS ago lose
their audio files. Rules and steps take turns a batch at a time, so one large backlog cannot
starve the others, and everything stops when the function's time runs out (the rest is removed
the next day). A Storage outage skips the media steps for the day; the table rules go on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from shared import buckets, storage
from shared.db import service_transaction
from shared.errors import AppError
from shared.logs import logger
from shared.repositories import question_audio
from shared.repositories import recordings as recording_rows
from shared.repositories import retention as rows
from shared.settings import get_settings
from shared.supabase_clients import service_client

BATCH_SIZE = 5000
MEDIA_BATCH_SIZE = 500  # files per Storage call (storage-api takes up to 1,000 keys per delete)


@dataclass(frozen=True)
class Rule:
    name: str
    function: str  # a private SQL function taking (older_than interval, batch size), returning the rows it removed
    older_than: timedelta


RULES = (
    # Finished jobs (succeeded or dead): two weeks to look into a failure.
    Rule("finished_jobs", "delete_finished_jobs", timedelta(days=14)),
    # Outbox rows after 90 days; their bodies (personal data) after 30, the row staying as a record.
    Rule("outbox_messages", "delete_old_outbox_messages", timedelta(days=90)),
    Rule("outbox_bodies", "clear_outbox_bodies", timedelta(days=30)),
    # Rate-limit windows are an hour long and login-failure windows and locks 15 minutes: after a
    # day no decision reads these rows any more.
    Rule("rate_limit_counters", "delete_old_rate_limit_counters", timedelta(days=1)),
    Rule("login_failures", "delete_old_login_failures", timedelta(days=1)),
    # Names recorded for resume uploads: a signed upload URL is valid for two hours, so after a day
    # the upload is never coming (and the name is personal data).
    Rule("resume_upload_names", "delete_old_resume_upload_names", timedelta(days=1)),
    # Consents to record an interview whose upload never came (the upload URL is valid two hours).
    Rule("recording_consents", "delete_old_recording_consents", timedelta(days=1)),
    # The webhook delivery log: a month of settled deliveries (those still being retried stay).
    Rule("webhook_deliveries", "delete_old_webhook_deliveries", timedelta(days=30)),
)


def _soft_delete_recordings(batch_size: int) -> int:
    settings = get_settings()
    with service_transaction() as conn:
        return recording_rows.soft_delete_old(
            conn, timedelta(days=settings.recording_soft_delete_days), timedelta(days=settings.recording_hard_delete_days), batch_size
        )


def _hard_delete_recordings(batch_size: int) -> int:
    with service_transaction() as conn:
        due = recording_rows.due_for_purge(conn, batch_size)
        storage.remove_many(service_client(), buckets.RECORDINGS, [item.storage_path for item in due])
        return recording_rows.delete_many(conn, [item.id for item in due]) if due else 0


def _remove_question_audio(batch_size: int) -> int:
    with service_transaction() as conn:
        expired = question_audio.expired(conn, timedelta(days=get_settings().question_audio_retention_days), batch_size)
        storage.remove_many(service_client(), buckets.AUDIO, [item.storage_path for item in expired])
        return question_audio.clear(conn, [item.id for item in expired]) if expired else 0


MEDIA_STEPS: tuple[tuple[str, Callable[[int], int]], ...] = (
    ("recordings_soft_deleted", _soft_delete_recordings),
    ("recordings_hard_deleted", _hard_delete_recordings),
    ("question_audio", _remove_question_audio),
)


@dataclass
class RetentionRun:
    removed: dict[str, int] = field(default_factory=dict)  # rows deleted (or bodies cleared) per rule
    batches: int = 0
    complete: bool = False  # False: time ran out with old rows left, or a step was skipped
    skipped: list[str] = field(default_factory=list)  # steps skipped for the day (Storage unavailable)


def _rule_step(rule: Rule) -> Callable[[int], int]:
    def step(batch_size: int) -> int:
        with service_transaction() as conn:
            return rows.remove_batch(conn, rule.function, rule.older_than, batch_size)

    return step


def run(time_left: Callable[[], float] | None = None, batch_size: int = BATCH_SIZE) -> RetentionRun:
    """Apply every rule and media step in batches (`batch_size` rows, at most MEDIA_BATCH_SIZE
    files) until nothing old is left or `time_left()` (seconds the caller may still spend)
    reaches zero."""
    steps = [(rule.name, _rule_step(rule), batch_size) for rule in RULES]
    steps += [(name, step, min(batch_size, MEDIA_BATCH_SIZE)) for name, step in MEDIA_STEPS]
    result = RetentionRun(removed={name: 0 for name, _, _ in steps})
    pending = list(steps)
    while pending:
        for entry in list(pending):
            name, step, size = entry
            if time_left is not None and time_left() <= 0:
                return result
            try:
                removed = step(size)
            except AppError as exc:  # Storage unavailable: the files and their rows wait for the next run
                logger.warning("retention step skipped", extra={"step": name, "error_code": exc.code})
                result.skipped.append(name)
                pending.remove(entry)
                continue
            result.batches += 1
            result.removed[name] += removed
            if removed < size:
                pending.remove(entry)
    result.complete = not result.skipped
    return result
