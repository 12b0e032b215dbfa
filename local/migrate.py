"""Migration runner: the platform shim, then supabase/migrations/*.sql in order, each once.

Applied versions are recorded in supabase_migrations.schema_migrations like the Supabase CLI
does, so a second run applies nothing.
"""

from __future__ import annotations

from pathlib import Path

import psycopg

from local import postgres
from local.paths import MIGRATIONS_DIR, SEED_SQL, SHIM_SQL


def migration_files() -> list[Path]:
    return sorted(MIGRATIONS_DIR.glob("*.sql"))


def apply_shim(conn: psycopg.Connection) -> None:
    with conn.transaction():
        conn.execute(SHIM_SQL.read_text())


def apply_migrations(conn: psycopg.Connection, before: str | None = None) -> list[str]:
    """Apply pending migrations (only versions older than `before`, when given: benchmarks compare
    a schema with and without later migrations); returns the versions applied by this call."""
    done = {row[0] for row in conn.execute("select version from supabase_migrations.schema_migrations")}
    applied = []
    for path in migration_files():
        version, _, name = path.stem.partition("_")
        if version in done or (before is not None and version >= before):
            continue
        sql = path.read_text()
        with conn.transaction():
            conn.execute(sql)
            conn.execute(
                "insert into supabase_migrations.schema_migrations (version, name, statements) values (%s, %s, %s)",
                [version, name, [sql]],
            )
        applied.append(version)
    return applied


def apply_seed(conn: psycopg.Connection) -> None:
    if SEED_SQL.exists() and SEED_SQL.read_text().strip():
        with conn.transaction():
            conn.execute(SEED_SQL.read_text())


def prepare_database(name: str) -> list[str]:
    """Create the database when missing, then apply the shim and pending migrations."""
    if not postgres.database_exists(name):
        postgres.create_database(name)
    with postgres.connect(name) as conn:
        apply_shim(conn)
        return apply_migrations(conn)


def reset_database(name: str) -> None:
    """Drop and rebuild a database: shim, migrations, seed.sql."""
    postgres.drop_database(name) if name != "postgres" else _drop_dev_schemas()
    prepare_database(name)
    with postgres.connect(name) as conn:
        apply_seed(conn)


def _drop_dev_schemas() -> None:
    """The `postgres` database cannot be dropped while in use; empty it instead."""
    with postgres.connect(postgres.DEV_DATABASE) as conn:
        schemas = [
            row[0]
            for row in conn.execute("select nspname from pg_namespace where nspname not like 'pg\\_%' and nspname not in ('information_schema')")
        ]
        with conn.transaction():
            for schema in schemas:
                conn.execute(psycopg.sql.SQL("drop schema {} cascade").format(psycopg.sql.Identifier(schema)))
            conn.execute("create schema public")
            conn.execute("grant all on schema public to postgres")
