"""Job posting rows: the search (free text, filters, sort, page), reads, inserts, content edits
and status moves. Row-level security decides what the connection's role sees and may change; the
status trigger refuses moves that are not allowed (SQLSTATE PT409), raised here as InvalidStatusMove."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

from shared.db import Connection, one
from shared.errors import Conflict
from shared.models.job_postings import JobPosting, JobSearch

COLUMNS = (
    "p.id, p.organization_id, p.title, p.company, p.description, p.role_category, p.tech_stack, p.required_skills,"
    " p.employment_type, p.work_setup, p.location, p.salary_min, p.salary_max, p.salary_currency, p.experience_level,"
    " case when p.is_cancelled then 'cancelled' else p.status end as status, p.cancellation_reason, p.created_at, p.updated_at"
)
QUERY = "websearch_to_tsquery('english'::regconfig, search.unaccented(%(q)s))"
ORDER = {
    "newest": "p.created_at desc, p.id",
    "salary": "p.salary_max desc nulls last, p.id",
}
INVALID_STATUS_MOVE_SQLSTATE = "PT409"


class InvalidStatusMove(Conflict):
    """The posting cannot move to that status from its current one."""

    code = "INVALID_STATUS_MOVE"


@contextmanager
def _status_guarded() -> Iterator[None]:
    """Raise the status trigger's refusal (SQLSTATE PT409) as InvalidStatusMove."""
    try:
        yield
    except psycopg.Error as exc:
        if exc.sqlstate == INVALID_STATUS_MOVE_SQLSTATE:
            raise InvalidStatusMove(exc.diag.message_primary or None) from exc
        raise


def _conditions(search: JobSearch) -> tuple[str, dict[str, Any]]:
    """The WHERE clause of a search: only the filters given, each one indexable, all parameters bound."""
    where: list[str] = []
    params: dict[str, Any] = {"q": search.q}
    if search.q:
        where.append(f"p.search_document @@ {QUERY}")
    for column in ("role_category", "employment_type", "work_setup", "experience_level"):
        if getattr(search, column) is not None:
            where.append(f"p.{column} = %({column})s")
            params[column] = getattr(search, column)
    if search.tech_stack:
        where.append("p.tech_stack && %(tech_stack)s::text[]")
        params["tech_stack"] = search.tech_stack
    if search.location:
        where.append("lower(p.location) = lower(%(location)s)")
        params["location"] = search.location
    if search.salary_min is not None or search.salary_max is not None:
        where.append("p.salary_range && numrange(%(salary_min)s::numeric, %(salary_max)s::numeric, '[]')")
        params["salary_min"] = search.salary_min
        params["salary_max"] = search.salary_max
    return (" where " + " and ".join(where)) if where else "", params


def search(conn: Connection, search: JobSearch, open_only: bool) -> tuple[list[JobPosting], int]:
    """One page of the postings matching `search` that the connection's role sees, and their total.

    `open_only` (anyone but staff, who see exactly the open postings) reads the view of open
    postings, where the search's operators reach their indexes; the table's policy would hold
    them back (they are not leakproof). Staff read the table under its policy."""
    where, params = _conditions(search)
    source = "search.open_job_postings" if open_only else "public.job_postings"
    sort = search.sort if search.q or search.sort != "relevance" else "newest"
    params |= {"limit": search.page_size, "offset": (search.page - 1) * search.page_size}
    if sort == "relevance":
        # Ranking reads every match anyway, so it counts them in the same pass; it ranks narrow
        # rows (id, rank, date) and reads the page's whole rows (descriptions are long) after.
        rows = conn.execute(
            f"with ranked as (select p.id, ts_rank_cd(p.search_document, {QUERY}) as rank, p.created_at,"
            f" count(*) over () as total from {source} p{where}"
            " order by rank desc, p.created_at desc, p.id limit %(limit)s offset %(offset)s)"
            f" select {COLUMNS}, r.total from ranked r join {source} p on p.id = r.id"
            " order by r.rank desc, r.created_at desc, r.id",
            params,
        ).fetchall()
        if rows:
            return [JobPosting.model_validate(row) for row in rows], int(rows[0]["total"])
    else:
        # The other orders stop at the page and count apart (from an index, mostly).
        rows = conn.execute(f"select {COLUMNS} from {source} p{where} order by {ORDER[sort]} limit %(limit)s offset %(offset)s", params).fetchall()
    items = [JobPosting.model_validate(row) for row in rows]
    return items, int(one(conn.execute(f"select count(*) as total from {source} p{where}", params))["total"])


def find(conn: Connection, posting_id: str) -> JobPosting | None:
    row = conn.execute(f"select {COLUMNS} from public.job_postings p where p.id = %s", [posting_id]).fetchone()
    return JobPosting.model_validate(row) if row else None


def insert(conn: Connection, organization_id: str, values: dict[str, Any]) -> str:
    """A new posting of `organization_id` (created_by is set by the database); its id."""
    columns = ["organization_id", *values]
    placeholders = ", ".join(["%s"] * len(columns))
    with _status_guarded():
        row = one(
            conn.execute(
                f"insert into public.job_postings ({', '.join(columns)}) values ({placeholders}) returning id", [organization_id, *values.values()]
            )
        )
    return str(row["id"])


def lock_for_change(conn: Connection, posting_id: str) -> JobPosting | None:
    """Lock the row for a change; None when the update policy does not let the connection's role
    change it (another organization's posting, or none)."""
    row = conn.execute(f"select {COLUMNS} from public.job_postings p where p.id = %s for update", [posting_id]).fetchone()
    return JobPosting.model_validate(row) if row else None


def update_content(conn: Connection, posting_id: str, values: dict[str, Any]) -> bool:
    """Write the content columns given in `values`; False when no row was changed."""
    assignments = ", ".join(f"{column} = %s" for column in values)
    with _status_guarded():
        cursor = conn.execute(f"update public.job_postings set {assignments} where id = %s", [*values.values(), posting_id])
    return cursor.rowcount > 0


def move(conn: Connection, posting_id: str, status: str) -> bool:
    """Set the status column (the trigger refuses moves that are not allowed); False when no row was changed."""
    with _status_guarded():
        cursor = conn.execute("update public.job_postings set status = %s where id = %s", [status, posting_id])
    return cursor.rowcount > 0


def cancel(conn: Connection, posting_id: str, reason: str) -> bool:
    """Cancel with a reason (terminal); False when no row was changed."""
    with _status_guarded():
        cursor = conn.execute("update public.job_postings set is_cancelled = true, cancellation_reason = %s where id = %s", [reason, posting_id])
    return cursor.rowcount > 0
