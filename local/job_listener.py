"""Locally, LISTEN on the `jobs` channel and run the queue as soon as something is enqueued (in
production pg_net or the one-minute schedule plays this part)."""

from __future__ import annotations

import threading

import psycopg

from local.gateway import LambdaContext, log_line


class JobListener(threading.Thread):
    def __init__(self, dsn: str):
        super().__init__(daemon=True, name="job-listener")
        self.dsn = dsn
        self.stopped = threading.Event()

    def run(self) -> None:
        from functions.run_jobs import handler

        while not self.stopped.is_set():
            try:
                with psycopg.connect(self.dsn, autocommit=True) as conn:
                    conn.execute("listen jobs")
                    while not self.stopped.is_set():
                        if any(True for _ in conn.notifies(timeout=1.0, stop_after=1)):
                            result = handler({"source": "local.notify"}, LambdaContext("run-jobs", timeout_s=300))
                            log_line(level="INFO", function="run-jobs", trigger="notify", **result)
            except psycopg.OperationalError:
                self.stopped.wait(2.0)

    def stop(self) -> None:
        self.stopped.set()


def start(dsn: str) -> JobListener:
    listener = JobListener(dsn)
    listener.start()
    return listener
