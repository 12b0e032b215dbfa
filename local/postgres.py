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


def data_dir() -> Path:
    return base_dir() / "data"


def _as_owner(cmd: list[str]) -> list[str]:
    owner = _db_owner()
    if owner is None:
        return cmd
    return ["runuser", "-u", owner.pw_name, "--", *cmd]


def _run(cmd: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(_as_owner(cmd), capture_output=True, text=True, check=False, cwd="/")


def is_initialized() -> bool:
    return (data_dir() / "PG_VERSION").exists()


def initialize() -> None:
    """Create the cluster with the superuser password and local settings."""
    base = base_dir()
    base.mkdir(parents=True, exist_ok=True)
    owner = _db_owner()
    if owner is not None:
        os.chown(base, owner.pw_uid, owner.pw_gid)
    base.chmod(0o700)
    pwfile = base / "pwfile"
    pwfile.write_text(PASSWORD + "\n")
    if owner is not None:
        os.chown(pwfile, owner.pw_uid, owner.pw_gid)
    result = _run(
        [
            str(bindir() / "initdb"),
            "-D",
            str(data_dir()),
            "-U",
            SUPERUSER,
            f"--pwfile={pwfile}",
            "--auth-host=scram-sha-256",
            "--auth-local=trust",
            "-E",
            "UTF8",
            "--no-locale",
        ]
    )
    pwfile.unlink(missing_ok=True)
    if result.returncode != 0:
        raise RuntimeError(f"initdb failed: {result.stderr.strip()}")
    with (data_dir() / "postgresql.auto.conf").open("a") as conf:
        for key, value in SERVER_SETTINGS.items():
            conf.write(f"{key} = {value}\n")


def is_running() -> bool:
    if not is_initialized():
        return False
    return _run([str(bindir() / "pg_ctl"), "-D", str(data_dir()), "status"]).returncode == 0


def start() -> bool:
    """Initialize when needed and start the server; returns True when this call started it."""
    if not is_initialized():
        initialize()
    if is_running():
        return False
    result = _run(
        [
            str(bindir() / "pg_ctl"),
            "-D",
            str(data_dir()),
            "-l",
            str(base_dir() / "postgres.log"),
            "-w",
            "-t",
            "60",
            "start",
        ]
    )
    if result.returncode != 0:
        log = base_dir() / "postgres.log"
        tail = log.read_text()[-2000:] if log.exists() else ""
        raise RuntimeError(f"postgres did not start: {result.stderr.strip()}\n{tail}")
    return True


def stop() -> None:
    if is_running():
        _run([str(bindir() / "pg_ctl"), "-D", str(data_dir()), "-m", "fast", "-w", "stop"])


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
