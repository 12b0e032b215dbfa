"""Circuit breaker for the OpenAI provider (SPEC: 5 consecutive failures open it for 60 s, then
3 trial calls). While open, calls fail at once without a request."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class CircuitOpen(Exception):
    """The circuit is open: the upstream failed repeatedly and is being left alone."""


class CircuitBreaker:
    def __init__(self, failure_threshold: int = 5, open_seconds: float = 60.0, trial_calls: int = 3, clock: Callable[[], float] = time.monotonic):
        self.failure_threshold, self.open_seconds, self.trial_calls, self.clock = failure_threshold, open_seconds, trial_calls, clock
        self._failures = 0
        self._opened_at: float | None = None
        self._trials_left = 0
        self._lock = threading.Lock()

    @property
    def state(self) -> str:
        with self._lock:
            return self._state()

    def _state(self) -> str:
        if self._opened_at is None:
            return "closed"
        if self.clock() - self._opened_at < self.open_seconds:
            return "open"
        return "half_open"

    def before_call(self) -> None:
        """Raise CircuitOpen unless a call may go through now."""
        with self._lock:
            state = self._state()
            if state == "open":
                raise CircuitOpen()
            if state == "half_open":
                if self._trials_left <= 0:
                    raise CircuitOpen()
                self._trials_left -= 1

    def record_success(self) -> None:
        with self._lock:
            self._failures = 0
            self._opened_at = None

    def record_failure(self) -> None:
        with self._lock:
            if self._state() == "half_open":
                self._open()
                return
            self._failures += 1
            if self._failures >= self.failure_threshold:
                self._open()

    def _open(self) -> None:
        self._opened_at = self.clock()
        self._trials_left = self.trial_calls
        self._failures = 0
