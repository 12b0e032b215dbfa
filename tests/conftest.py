"""Shared fixtures: the local Postgres cluster, a migrated template database, a fresh clone of
it per test, and the environment that points shared/ at that clone."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator

import psycopg
import pytest
from psycopg.rows import dict_row

from local import config, migrate, postgres
from shared import db
from shared.settings import get_settings

_clone_numbers = itertools.count()


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[None]:
    started = postgres.start()
    yield
    # Other runs (or `make dev`) may share a cluster a developer started; CI owns its machine.
    if started and os.environ.get("CI"):
        postgres.stop()


@pytest.fixture(scope="session")
def template_db(pg_cluster: None) -> Iterator[str]:
    """A database with the platform shim and every migration applied, cloned by each test."""
    name = f"test_template_{os.getpid()}"
    postgres.drop_database(name)
    migrate.prepare_database(name)
    yield name
    postgres.drop_database(name)


@pytest.fixture
def database(template_db: str) -> Iterator[str]:
    """A private database for one test, cloned from the migrated template."""
    name = f"test_{os.getpid()}_{next(_clone_numbers)}"
    postgres.create_database(name, template=template_db)
    yield name
    db.close_pool()
    postgres.drop_database(name)


@pytest.fixture
def app_env(database: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """Environment of the functions pointed at this test's database; settings re-read."""
    env = config.local_env(database=database)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    db.close_pool()
    yield env
    db.close_pool()
    get_settings.cache_clear()


@pytest.fixture
def admin_conn(database: str) -> Iterator[psycopg.Connection]:
    """A superuser connection to this test's database (autocommit, dict rows), for arranging and checking."""
    with postgres.connect(database) as conn:
        conn.row_factory = dict_row
        yield conn
