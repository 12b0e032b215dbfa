"""What is left of an account, read from the catalog: every table of every schema in the database
(whatever a later migration adds), searched row by row as text for the account's id, its email and
the ids of the rows that were its own; and every object in every bucket (listed from
storage.buckets) under its folder or owned by it. Erasure tests assert all of it is gone."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import sql

SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")
UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def tables(conn: psycopg.Connection[Any]) -> list[tuple[str, str]]:
    """(schema, table) of every ordinary and partitioned table outside the system schemas."""
    rows = conn.execute(
        "select n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
        " where c.relkind in ('r', 'p') and n.nspname <> all(%s) and n.nspname not like 'pg_temp%%' order by 1, 2",
        [list(SYSTEM_SCHEMAS)],
    ).fetchall()
    return [(_value(row, 0, "nspname"), _value(row, 1, "relname")) for row in rows]


def _value(row: Any, index: int, key: str) -> Any:
    return row[key] if isinstance(row, dict) else row[index]


def _needle_filter(needles: list[str]) -> sql.Composable:
    return sql.SQL("lower(t::text) like any({})").format(sql.Literal([f"%{needle.lower()}%" for needle in needles]))


def own_ids(conn: psycopg.Connection[Any], account_id: str, email: str, rounds: int = 4) -> set[str]:
    """The account id and the ids (`id` columns) of every row that names it or one of its rows,
    transitively: its resumes, their feedback, interviews, messages, applications, events, files,
    jobs, deliveries ... found without knowing the tables."""
    found = {account_id.lower()}
    id_tables = [
        (schema, table)
        for schema, table in tables(conn)
        if conn.execute(
            "select 1 from information_schema.columns where table_schema = %s and table_name = %s and column_name = 'id' and data_type = 'uuid'",
            [schema, table],
        ).fetchone()
    ]
    for _ in range(rounds):
        before = len(found)
        for schema, table in id_tables:
            query = sql.SQL("select t.id::text from {}.{} t where {}").format(
                sql.Identifier(schema), sql.Identifier(table), _needle_filter([*sorted(found), email])
            )
            found |= {_value(row, 0, "id") for row in conn.execute(query)}
        if len(found) == before:
            break
    return found


def rows_naming(conn: psycopg.Connection[Any], needles: list[str]) -> dict[str, int]:
    """Per table (`schema.table`), how many rows hold any of the needles anywhere in their text."""
    left: dict[str, int] = {}
    for schema, table in tables(conn):
        query = sql.SQL("select count(*) from {}.{} t where {}").format(sql.Identifier(schema), sql.Identifier(table), _needle_filter(needles))
        count = _value(conn.execute(query).fetchone(), 0, "count")
        if count:
            left[f"{schema}.{table}"] = count
    return left


def files_of(conn: psycopg.Connection[Any], account_id: str) -> dict[str, list[str]]:
    """Per bucket (every bucket in storage.buckets), the objects under the account's folder or owned by it."""
    found: dict[str, list[str]] = {}
    for row in conn.execute("select id from storage.buckets order by id").fetchall():
        bucket = _value(row, 0, "id")
        names = conn.execute(
            "select name from storage.objects where bucket_id = %s and (split_part(name, '/', 1) = %s or owner::text = %s or owner_id = %s)",
            [bucket, account_id, account_id, account_id],
        ).fetchall()
        if names:
            found[bucket] = [_value(name, 0, "name") for name in names]
    return found
