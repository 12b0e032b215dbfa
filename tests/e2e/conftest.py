"""The local stack as separate processes on free ports, pointed at a test database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from local import config, migrate, postgres
from local.paths import REPO_ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1.0)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


@pytest.fixture(scope="session")
def stack_db(pg_cluster) -> Iterator[str]:
    name = f"test_e2e_{os.getpid()}"
    postgres.drop_database(name)
    migrate.prepare_database(name)
    yield name
    postgres.drop_database(name)


@pytest.fixture(scope="session")
def stack_env(stack_db) -> dict[str, str]:
    env = config.local_env(database=stack_db, supabase_port=free_port())
    # Many accounts are registered from 127.0.0.1 during the run.
    return {**env, "REGISTER_LIMIT_PER_HOUR": "100000", "STANDIN_BCRYPT_ROUNDS": "4"}


@pytest.fixture(scope="session")
def gateway_url(stack_env, supabase_url) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "local", "gateway", "--port", str(port), "--no-scheduler"],
        cwd=REPO_ROOT,
        env={**os.environ, **stack_env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url + "/health/")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def supabase_url(stack_env) -> Iterator[str]:
    """The Auth + Storage stand-in on the port reserved in stack_env."""
    url = stack_env["SUPABASE_URL"]
    port = url.rsplit(":", 1)[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "local", "standin", "--port", port],
        cwd=REPO_ROOT,
        env={**os.environ, **stack_env},
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_for(url + "/auth/v1/health")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
