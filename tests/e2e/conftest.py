"""The local stack as separate processes on free ports, pointed at a test database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

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


@contextmanager
def serve_gateway(env: dict[str, str]) -> Iterator[str]:
    """The functions behind the gateway, as a child process with env, on a free port; yields its URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "local", "gateway", "--port", str(port), "--no-scheduler"],
        cwd=REPO_ROOT,
        env={**os.environ, **env},
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


@contextmanager
def serve_standin(env: dict[str, str]) -> Iterator[str]:
    """The Auth + Storage stand-in, as a child process with env, on the port of env's SUPABASE_URL."""
    url = env["SUPABASE_URL"]
    port = url.rsplit(":", 1)[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "local", "standin", "--port", port],
        cwd=REPO_ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_for(url + "/auth/v1/health")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def gateway_url(stack_env, supabase_url) -> Iterator[str]:
    with serve_gateway(stack_env) as url:
        yield url


@pytest.fixture(scope="session")
def supabase_url(stack_env) -> Iterator[str]:
    """The Auth + Storage stand-in on the port reserved in stack_env."""
    with serve_standin(stack_env) as url:
        yield url


PASSWORD = "Str0ng!Pass"


def api_caller(gateway_url: str) -> Callable[..., httpx.Response]:
    """call(method, path, token=None, **httpx kwargs) against the gateway at gateway_url."""

    def call(method: str, path: str, token: str | None = None, **kwargs) -> httpx.Response:
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return httpx.request(method, f"{gateway_url}{path}", headers=headers, timeout=60, **kwargs)

    return call


@pytest.fixture(scope="session")
def api(gateway_url):
    """Call a function over the gateway: api(method, "/resumes/upload", token=..., json=...)."""
    return api_caller(gateway_url)


@pytest.fixture(scope="session")
def make_user(stack_env, supabase_url, api):
    """Create an account with a role through the Auth admin API and log it in over the gateway;
    returns {id, email, token}."""
    return user_maker(supabase_url, stack_env["SUPABASE_SERVICE_ROLE_KEY"], api)


def user_maker(supabase_url: str, service_role_key: str, api: Callable[..., httpx.Response]) -> Callable[..., dict]:
    """make(role, full_name, organization_id=None): an account created through the stand-in's Auth
    admin API (of `organization_id` when given, else the default organization) and logged in with
    `api` (a gateway caller); returns {id, email, token}."""
    from supabase import ClientOptions, create_client

    options = ClientOptions(auto_refresh_token=False, persist_session=False)
    admin = create_client(supabase_url, service_role_key, options=options)

    def make(role: str = "candidate", full_name: str = "Test Person", organization_id: str | None = None) -> dict:
        email = f"{role}-{uuid.uuid4().hex[:10]}@example.com"
        app_metadata = {"role": role, **({"organization_id": organization_id} if organization_id else {})}
        admin.auth.admin.create_user(
            {"email": email, "password": PASSWORD, "email_confirm": True, "app_metadata": app_metadata, "user_metadata": {"full_name": full_name}}
        )
        response = api("POST", "/auth/login", json={"email": email, "password": PASSWORD})
        assert response.status_code == 200, response.text
        data = response.json()["data"]
        return {"id": data["user"]["id"], "email": email, "token": data["session"]["access_token"]}

    return make


@pytest.fixture
def in_stack(stack_env, supabase_url, monkeypatch) -> Iterator[dict[str, str]]:
    """This test process's shared/ pointed at the running stack, so tests can run jobs and
    scheduled functions in-process (and mock AWS or the AI provider around them)."""
    from shared import db
    from shared.ai.base import get_provider
    from shared.email import get_backend
    from shared.settings import get_settings
    from shared.supabase_clients import service_client

    def reset() -> None:
        for cached in (get_settings, get_provider, get_backend, service_client):
            cached.cache_clear()
        db.close_pool()

    for key, value in stack_env.items():
        monkeypatch.setenv(key, value)
    reset()
    yield stack_env
    reset()
