"""The time budget of the current invocation. Lambda stops a function at its timeout without
running another line of it, so work that waits on others (AI calls and their retries) must end
early enough for the function to write its result and answer. The handler wrapper opens a
budget from the Lambda context's remaining time less `FUNCTION_RESERVE_S`; code that waits asks
`remaining()`. Outside a budget (scripts, jobs, tests calling services) nothing is limited."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_deadline: ContextVar[float | None] = ContextVar("deadline", default=None)


@contextmanager
def budget(seconds: float | None) -> Iterator[None]:
    """Run the block with `seconds` to spend (None: unlimited)."""
    token = _deadline.set(None if seconds is None else time.monotonic() + max(0.0, seconds))
    try:
        yield
    finally:
        _deadline.reset(token)


def remaining() -> float | None:
    """Seconds left of the current budget (never negative); None outside a budget."""
    deadline = _deadline.get()
    return None if deadline is None else max(0.0, deadline - time.monotonic())
