"""What the API roles can reach, read from the catalog and compared with a committed allow-list
(F18). On a real Supabase project every table, column and function that `anon` or
`authenticated` may use is reachable over REST with a user's token, so a migration that grants
more than intended must fail here rather than open a door silently.

After a deliberate change, regenerate the list with
`WRITE_GRANTS_ALLOWLIST=1 .venv/bin/python -m pytest tests/integration/test_api_grants.py`
and review the diff of tests/integration/api_grants.txt."""

from __future__ import annotations

import os
from pathlib import Path

ALLOWLIST = Path(__file__).with_name("api_grants.txt")
API_ROLES = ("anon", "authenticated")
SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")

TABLE_PRIVILEGES = """
select r.role, p.privilege, n.nspname || '.' || c.relname as object
  from pg_class c
  join pg_namespace n on n.oid = c.relnamespace
  cross join unnest(%(roles)s::text[]) as r(role)
  cross join unnest(array['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) as p(privilege)
 where c.relkind in ('r', 'v', 'm', 'p', 'f')
   and n.nspname <> all(%(system)s::text[])
   and has_table_privilege(r.role, c.oid, p.privilege)
"""

COLUMN_PRIVILEGES = """
select r.role, p.privilege || '(' || a.attname || ')' as privilege, n.nspname || '.' || c.relname as object
  from pg_class c
  join pg_namespace n on n.oid = c.relnamespace
  join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
  cross join unnest(%(roles)s::text[]) as r(role)
  cross join unnest(array['SELECT', 'INSERT', 'UPDATE']) as p(privilege)
 where c.relkind in ('r', 'v', 'm', 'p', 'f')
   and n.nspname <> all(%(system)s::text[])
   and not has_table_privilege(r.role, c.oid, p.privilege)
   and has_column_privilege(r.role, c.oid, a.attnum, p.privilege)
"""

FUNCTIONS = """
select r.role, 'EXECUTE' as privilege, n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' as object
  from pg_proc p
  join pg_namespace n on n.oid = p.pronamespace
  cross join unnest(%(roles)s::text[]) as r(role)
 where n.nspname <> all(%(system)s::text[])
   and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')  -- extension members
   and has_function_privilege(r.role, p.oid, 'EXECUTE')
"""


def reachable(conn) -> list[str]:
    params = {"roles": list(API_ROLES), "system": list(SYSTEM_SCHEMAS)}
    lines = set()
    for query in (TABLE_PRIVILEGES, COLUMN_PRIVILEGES, FUNCTIONS):
        for row in conn.execute(query, params):
            lines.add(f"{row['role']} {row['privilege']} {row['object']}")
    return sorted(lines)


def test_the_api_roles_reach_exactly_the_committed_allow_list(admin_conn):
    """F18: every table, column and function anon and authenticated can use is on the allow-list."""
    current = reachable(admin_conn)
    if os.environ.get("WRITE_GRANTS_ALLOWLIST"):
        ALLOWLIST.write_text("\n".join(current) + "\n")
    allowed = [line for line in ALLOWLIST.read_text().splitlines() if line and not line.startswith("#")]
    unexpected = sorted(set(current) - set(allowed))
    gone = sorted(set(allowed) - set(current))
    assert not unexpected and not gone, (
        "API role privileges differ from tests/integration/api_grants.txt\n"
        + "".join(f"+ {line}\n" for line in unexpected)
        + "".join(f"- {line}\n" for line in gone)
    )


def test_no_api_role_can_truncate_or_add_triggers_anywhere(admin_conn):
    """F18: TRUNCATE ignores RLS; TRIGGER and REFERENCES are never needed by a client."""
    dangerous = [line for line in reachable(admin_conn) if line.split()[1] in {"TRUNCATE", "TRIGGER", "REFERENCES"}]
    assert dangerous == []


def test_rls_helpers_are_not_in_the_rest_exposed_schema(admin_conn):
    """F18: the RLS helpers live in schema access, which PostgREST does not expose; nothing in
    public is executable by anon."""
    exposed = [line for line in reachable(admin_conn) if line.startswith("anon EXECUTE public.")]
    assert exposed == []
    helpers = admin_conn.execute(
        "select n.nspname from pg_proc p join pg_namespace n on n.oid = p.pronamespace where p.proname in ('is_staff', 'can_manage', 'is_admin')"
    ).fetchall()
    assert {row["nspname"] for row in helpers} == {"access"}


def test_extensions_live_in_their_own_schema(admin_conn):
    """F18: pgcrypto is installed in schema extensions, as on Supabase."""
    schema = admin_conn.execute(
        "select n.nspname from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pgcrypto'"
    ).fetchone()
    assert schema["nspname"] == "extensions"
