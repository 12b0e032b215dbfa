"""The private Postgres cluster of the local stack (127.0.0.1:54322, postgres/postgres).

As root the server runs as the `postgres` OS user, because Postgres refuses to run as root; when
that user cannot reach the repository (a clone under /root, say) the cluster lives in /var/tmp
instead, keyed by the repository path.
"""

from __future__ import annotations

import hashlib
import os
import pwd
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import psycopg

from local.paths import LOCAL_DIR, REPO_ROOT

HOST = "127.0.0.1"
PORT = int(os.environ.get("TEAMIFIED_PG_PORT", "54322"))  # override to run a second checkout beside this one
SUPERUSER = "postgres"
PASSWORD = "postgres"
DEV_DATABASE = "postgres"

SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "port": str(PORT),
    "unix_socket_directories": "''",
    "max_connections": "300",
    "shared_buffers": "128MB",
    # A throwaway development cluster: durability is not worth the test time.
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "log_min_messages": "warning",
    "timezone": "'UTC'",
}


class PostgresMissing(RuntimeError):
    """PostgreSQL server binaries are not installed."""


def bindir() -> Path:
    """The directory holding initdb/pg_ctl: Debian's newest /usr/lib/postgresql/<v>/bin first."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    for candidate in candidates:
        if (candidate / "initdb").exists():
            return candidate
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    raise PostgresMissing(
        "PostgreSQL server is not installed: install Debian's 'postgresql' package (sudo apt-get install -y postgresql) and run again."
    )


def _running_as_root() -> bool:
    return os.geteuid() == 0


def _db_owner() -> pwd.struct_passwd | None:
    if not _running_as_root():
        return None
    try:
        return pwd.getpwnam("postgres")
    except KeyError as exc:
        raise PostgresMissing("Running as root needs the 'postgres' OS user (Debian's postgresql package creates it).") from exc


def _owner_can_reach(path: Path, owner: pwd.struct_passwd) -> bool:
    probe = subprocess.run(
        ["runuser", "-u", owner.pw_name, "--", "test", "-x", str(path)],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


def base_dir() -> Path:
    """Directory holding the cluster's data and log."""
    owner = _db_owner()
    LOCAL_DIR.mkdir(exist_ok=True)
    if owner is None or _owner_can_reach(LOCAL_DIR, owner):
        return LOCAL_DIR / "postgres"
    digest = hashlib.sha256(str(REPO_ROOT).encode()).hexdigest()[:12]
    return Path("/var/tmp") / f"teamified-postgres-{digest}"


def _as_owner(cmd: list[str]) -> list[str]:
    owner = _db_owner()
    if owner is None:
        return cmd
    return ["runuser", "-u", owner.pw_name, "--", *cmd]


def _run(cmd: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(_as_owner(cmd), capture_output=True, text=True, check=False, cwd="/")


@dataclass(frozen=True)
class Cluster:
    """A Postgres cluster: its files under `base` (data directory and log) and its port."""

    base: Path
    port: int

    @property
    def data(self) -> Path:
        return self.base / "data"

    def is_initialized(self) -> bool:
        return (self.data / "PG_VERSION").exists()

    def initialize(self) -> None:
        """Create the cluster with the superuser password and local settings."""
        self.base.mkdir(parents=True, exist_ok=True)
        owner = _db_owner()
        if owner is not None:
            os.chown(self.base, owner.pw_uid, owner.pw_gid)
        self.base.chmod(0o700)
        pwfile = self.base / "pwfile"
        pwfile.write_text(PASSWORD + "\n")
        if owner is not None:
            os.chown(pwfile, owner.pw_uid, owner.pw_gid)
        result = _run(
            [
                str(bindir() / "initdb"),
                "-D",
                str(self.data),
                "-U",
                SUPERUSER,
                f"--pwfile={pwfile}",
                "--auth-host=scram-sha-256",
                "--auth-local=trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ]
        )
        pwfile.unlink(missing_ok=True)
        if result.returncode != 0:
            raise RuntimeError(f"initdb failed: {result.stderr.strip()}")
        with (self.data / "postgresql.auto.conf").open("a") as conf:
            for key, value in {**SERVER_SETTINGS, "port": str(self.port)}.items():
                conf.write(f"{key} = {value}\n")

    def is_running(self) -> bool:
        if not self.is_initialized():
            return False
        return _run([str(bindir() / "pg_ctl"), "-D", str(self.data), "status"]).returncode == 0

    def start(self) -> bool:
        """Initialize when needed and start the server; returns True when this call started it."""
        if not self.is_initialized():
            self.initialize()
        if self.is_running():
            return False
        log = self.base / "postgres.log"
        result = _run([str(bindir() / "pg_ctl"), "-D", str(self.data), "-l", str(log), "-w", "-t", "60", "start"])
        if result.returncode != 0:
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise RuntimeError(f"postgres did not start: {result.stderr.strip()}\n{tail}")
        return True

    def stop(self) -> None:
        """Fast shutdown: open sessions are terminated, as in a restart or a failover."""
        if self.is_running():
            _run([str(bindir() / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"])

    def dsn(self, dbname: str = DEV_DATABASE) -> str:
        return f"postgresql://{SUPERUSER}:{PASSWORD}@{HOST}:{self.port}/{dbname}"

    def connect(self, dbname: str = DEV_DATABASE) -> psycopg.Connection:
        return psycopg.connect(self.dsn(dbname), autocommit=True)


def cluster() -> Cluster:
    """The local stack's cluster (TEAMIFIED_PG_PORT moves it)."""
    return Cluster(base_dir(), PORT)


def throwaway_cluster(name: str, port: int) -> Cluster:
    """A second cluster beside the local one, for tests that stop and start Postgres without
    disturbing anything else; remove it with `remove_cluster` once stopped."""
    base = base_dir()
    return Cluster(base.parent / f"{base.name}-{name}", port)


def remove_cluster(throwaway: Cluster) -> None:
    throwaway.stop()
    shutil.rmtree(throwaway.base, ignore_errors=True)


def data_dir() -> Path:
    return cluster().data


def is_initialized() -> bool:
    return cluster().is_initialized()


def initialize() -> None:
    cluster().initialize()


def is_running() -> bool:
    return cluster().is_running()


def start() -> bool:
    """Initialize when needed and start the local cluster; returns True when this call started it."""
    return cluster().start()


def stop() -> None:
    cluster().stop()


def dsn(dbname: str = DEV_DATABASE) -> str:
    return f"postgresql://{SUPERUSER}:{PASSWORD}@{HOST}:{PORT}/{dbname}"


def connect(dbname: str = DEV_DATABASE) -> psycopg.Connection:
    return psycopg.connect(dsn(dbname), autocommit=True)


def database_exists(name: str) -> bool:
    with connect() as conn:
        return conn.execute("select 1 from pg_database where datname = %s", [name]).fetchone() is not None


def create_database(name: str, template: str | None = None) -> None:
    sql = psycopg.sql.SQL("create database {}").format(psycopg.sql.Identifier(name))
    if template:
        sql += psycopg.sql.SQL(" template {}").format(psycopg.sql.Identifier(template))
    with connect() as conn:
        conn.execute(sql)


def drop_database(name: str) -> None:
    with connect() as conn:
        conn.execute(psycopg.sql.SQL("drop database if exists {} with (force)").format(psycopg.sql.Identifier(name)))
