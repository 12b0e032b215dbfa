"""Retention: what the internal tables keep and for how long. Run daily by retention-cleanup.

Each rule is a `private` SQL function that removes at most one batch of old rows per call; a call
is one short transaction, and a rule is called again while it returns a full batch. Rules take
turns a batch at a time, so one large backlog cannot starve the others, and everything stops when
the function's time runs out (the rest is removed the next day).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from shared.db import service_transaction
from shared.repositories import retention as rows

BATCH_SIZE = 5000


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
)


@dataclass
class RetentionRun:
    removed: dict[str, int] = field(default_factory=dict)  # rows deleted (or bodies cleared) per rule
    batches: int = 0
    complete: bool = False  # False: time ran out with old rows left


def run(time_left: Callable[[], float] | None = None, batch_size: int = BATCH_SIZE) -> RetentionRun:
    """Apply every rule in batches of `batch_size` until no old rows are left or `time_left()`
    (seconds the caller may still spend) reaches zero."""
    result = RetentionRun(removed={rule.name: 0 for rule in RULES})
    pending = list(RULES)
    while pending:
        for rule in list(pending):
            if time_left is not None and time_left() <= 0:
                return result
            with service_transaction() as conn:
                removed = rows.remove_batch(conn, rule.function, rule.older_than, batch_size)
            result.batches += 1
            result.removed[rule.name] += removed
            if removed < batch_size:
                pending.remove(rule)
    result.complete = True
    return result
