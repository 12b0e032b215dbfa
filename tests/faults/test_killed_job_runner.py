"""Issue 15.6: the job runner's process killed (SIGKILL) in the middle of a job. Its lease stops
being renewed, so once it expires the job is claimed again and completes exactly once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from functions import run_jobs
from local.gateway import LambdaContext
from local.paths import REPO_ROOT
from shared.settings import get_settings
from tests.faults import blocking_worker


def wait_until(condition, timeout: float = 20.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def test_a_job_whose_runner_is_killed_runs_again_after_its_lease_and_completes_once(app_env, admin_conn, tmp_path, monkeypatch):
    monkeypatch.setenv("JOB_LEASE_SECONDS", "1")  # renewed every third of a second while the runner lives
    get_settings.cache_clear()
    (tmp_path / "block").touch()
    job_id = admin_conn.execute(
        "insert into private.jobs (kind, payload) values (%s, %s) returning id", [blocking_worker.KIND, json.dumps({"marks": str(tmp_path)})]
    ).fetchone()["id"]

    runner = subprocess.Popen(
        [sys.executable, "-m", "tests.faults.blocking_worker"],
        cwd=REPO_ROOT,
        env={**os.environ, **app_env, "JOB_LEASE_SECONDS": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: lines(tmp_path / "started"), what="the job to start")
        time.sleep(1.5)  # longer than the lease: a live runner keeps it
        job = admin_conn.execute("select status, attempts, locked_until > now() as leased from private.jobs where id = %s", [job_id]).fetchone()
        assert job == {"status": "running", "attempts": 1, "leased": True}
    finally:
        runner.kill()  # SIGKILL: no cleanup, no lease release
        runner.wait(timeout=10)
    (tmp_path / "block").unlink()
    wait_until(
        lambda: admin_conn.execute("select locked_until < now() as expired from private.jobs where id = %s", [job_id]).fetchone()["expired"],
        timeout=5,
        what="the lease to expire",
    )

    summary = run_jobs.handler({"source": "tests.faults"}, LambdaContext("run-jobs", timeout_s=300))
    assert summary["succeeded"] == 1
    job = admin_conn.execute("select status, attempts from private.jobs where id = %s", [job_id]).fetchone()
    assert job == {"status": "succeeded", "attempts": 2}
    assert len(lines(tmp_path / "started")) == 2 and len(lines(tmp_path / "completed")) == 1
    assert run_jobs.handler({"source": "tests.faults"}, LambdaContext("run-jobs", timeout_s=300))["claimed"] == 0
    assert len(lines(tmp_path / "completed")) == 1
