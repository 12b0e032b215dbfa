"""The local stack's command line: `python -m local <command>`.

env        print the local settings as KEY=value lines (secrets left out)
up         start Postgres, migrate (and seed a new database), serve every function; Ctrl-C stops
stop       stop what `up` left running
db-reset   rebuild the local database from migrations and seed
migrate    apply pending migrations to the local database
gateway    serve the functions only, with the current environment and .env (used by tests)

`up` takes the AI and email settings (AI_PROVIDER, OPENAI_*, EMAIL_*, AWS_REGION, ...) from the
environment or the repository's .env, and only the local stack's own keys (DATABASE_URL,
SUPABASE_*) from the local stack; offline AI and logged email when none are given.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

from local import config, migrate, postgres
from local.paths import LOCAL_DIR, OPENAPI_JSON

PID_FILE = LOCAL_DIR / "dev.pid"


def cmd_env(_: argparse.Namespace) -> None:
    for line in config.env_lines(config.dev_env()):
        print(line)


def _print_settings() -> None:
    """Which AI provider and email backend the functions run with (never a key)."""
    from shared.settings import load_settings

    for line in config.describe(load_settings()):
        print(line, file=sys.stderr, flush=True)


def _prepare_dev_database(reset: bool) -> bool:
    """Start Postgres and migrate the dev database; True when it was (re)built from scratch."""
    postgres.start()
    fresh = reset or not _dev_database_migrated()
    if fresh:
        migrate.reset_database(postgres.DEV_DATABASE)
        print("database rebuilt from migrations", file=sys.stderr)
    else:
        applied = migrate.prepare_database(postgres.DEV_DATABASE)
        print(f"migrations applied: {len(applied)}", file=sys.stderr)
    return fresh


def _seed(env: dict[str, str]) -> None:
    from local.seed import seed

    result = seed(postgres.DEV_DATABASE, env["SUPABASE_URL"], env["SUPABASE_SERVICE_ROLE_KEY"])
    print(
        f"seeded: {len(result['accounts_created'])} accounts, {result['postings_created']} job postings,"
        f" {result['applications_created']} applications",
        file=sys.stderr,
    )


def _dev_database_migrated() -> bool:
    with postgres.connect() as conn:
        row = conn.execute("select to_regclass('supabase_migrations.schema_migrations') is not null").fetchone()
        return bool(row and row[0])


def cmd_migrate(_: argparse.Namespace) -> None:
    _prepare_dev_database(reset=False)


def cmd_db_reset(_: argparse.Namespace) -> None:
    _prepare_dev_database(reset=True)
    env = config.dev_env()
    standin = start_standin(env, config.SUPABASE_PORT) if not _answers(env["SUPABASE_URL"]) else None
    try:
        _seed(env)
    finally:
        if standin:
            standin.terminate()
            standin.wait(timeout=10)


def _answers(supabase_url: str) -> bool:
    try:
        urllib.request.urlopen(f"{supabase_url}/auth/v1/health", timeout=1)  # noqa: S310 - loopback
        return True
    except (urllib.error.URLError, ConnectionError):
        return False


def start_standin(env: dict[str, str], port: int) -> subprocess.Popen:
    """The Auth + Storage stand-in as a child process; returns once it answers."""
    process = subprocess.Popen([sys.executable, "-m", "local", "standin", "--port", str(port)], env={**os.environ, **env})
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/auth/v1/health", timeout=1)  # noqa: S310 - loopback
            return process
        except (urllib.error.URLError, ConnectionError):
            if process.poll() is not None:
                raise RuntimeError("the Supabase stand-in exited at start") from None
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError("the Supabase stand-in did not start")


def cmd_up(args: argparse.Namespace) -> None:
    fresh = _prepare_dev_database(reset=False)
    env = config.dev_env()
    os.environ.update(env)
    standin = start_standin(env, config.SUPABASE_PORT)
    if fresh:
        _seed(env)
    from local import gateway, job_listener

    server, scheduler = gateway.serve(port=args.port)
    listener = job_listener.start(postgres.dsn())
    PID_FILE.write_text(str(os.getpid()))
    print(f"gateway:  http://127.0.0.1:{args.port}/<function>/  (try /health/)", file=sys.stderr)
    missing = "" if OPENAPI_JSON.exists() else "  (docs/openapi.json is missing: run `make openapi`)"
    print(f"api docs: http://127.0.0.1:{args.port}/docs  (Swagger UI){missing}", file=sys.stderr)
    print(f"supabase: {env['SUPABASE_URL']}/auth/v1 and /storage/v1", file=sys.stderr)
    print(f"postgres: {postgres.dsn()}", file=sys.stderr)
    _print_settings()
    print("Ctrl-C or `make stop` stops everything.", file=sys.stderr)
    _wait_for_signal()
    listener.stop()
    if scheduler:
        scheduler.stop()
    server.shutdown()
    server.gateway.close()
    standin.terminate()
    standin.wait(timeout=10)
    postgres.stop()
    PID_FILE.unlink(missing_ok=True)
    print("stopped", file=sys.stderr)


def cmd_standin(args: argparse.Namespace) -> None:
    from local.supabase_standin.app import run

    run(args.port)


def _wait_for_signal() -> None:
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()


def cmd_stop(_: argparse.Namespace) -> None:
    if PID_FILE.exists():
        try:
            os.kill(int(PID_FILE.read_text()), signal.SIGTERM)
        except (ProcessLookupError, ValueError):
            PID_FILE.unlink(missing_ok=True)
    postgres.stop()
    print("local stack stopped", file=sys.stderr)


def cmd_gateway(args: argparse.Namespace) -> None:
    from local import gateway

    # The repository's .env fills what the environment does not set, wherever this runs from.
    for key, value in config.read_dotenv().items():
        os.environ.setdefault(key, value)
    server, scheduler = gateway.serve(port=args.port, with_scheduler=not args.no_scheduler)
    print(f"listening on {server.server_address[1]}", flush=True)
    _print_settings()
    _wait_for_signal()
    if scheduler:
        scheduler.stop()
    server.shutdown()
    server.gateway.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m local", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("env").set_defaults(func=cmd_env)
    up = sub.add_parser("up")
    up.add_argument("--port", type=int, default=config.GATEWAY_PORT)
    up.set_defaults(func=cmd_up)
    sub.add_parser("stop").set_defaults(func=cmd_stop)
    sub.add_parser("db-reset").set_defaults(func=cmd_db_reset)
    sub.add_parser("migrate").set_defaults(func=cmd_migrate)
    gw = sub.add_parser("gateway")
    gw.add_argument("--port", type=int, default=config.GATEWAY_PORT)
    gw.add_argument("--no-scheduler", action="store_true")
    gw.set_defaults(func=cmd_gateway)
    si = sub.add_parser("standin")
    si.add_argument("--port", type=int, default=config.SUPABASE_PORT)
    si.set_defaults(func=cmd_standin)
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
