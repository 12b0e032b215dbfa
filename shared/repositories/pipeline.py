"""The recruiter pipeline rows (public.organization_candidates, kept by triggers): the filtered,
sorted candidate list by keyset, its total, the export's row stream, one candidate's row and the
best candidates. Every query names the caller's
organization (so the planner uses the organization's indexes) and runs under RLS, which allows
no other."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from shared.db import Connection, one
from shared.models.recruiter import CandidateContact, PipelineCandidate, PipelineQuery

COLUMNS = (
    "o.candidate_id, o.full_name, o.email, o.overall_score, o.integrity_score, o.assessment_id, o.interview_id, o.assessed_at,"
    " o.application_id, o.application_status, o.last_completed_at, o.last_activity_at, o.skills, o.role_types"
)
# Unscored candidates sort last in both directions; the key is never null, so keyset comparisons hold.
SORT_KEYS = {
    ("score", "desc"): "coalesce(o.overall_score, -1)",
    ("score", "asc"): "coalesce(o.overall_score, 101)",
    ("integrity", "desc"): "coalesce(o.integrity_score, -1)",
    ("integrity", "asc"): "coalesce(o.integrity_score, 101)",
    ("date", "desc"): "o.last_activity_at",
    ("date", "asc"): "o.last_activity_at",
}


class Position(NamedTuple):
    """Where a page ends: the last row's sort key and candidate id."""

    key: int | datetime
    candidate_id: str


def _candidate(row: dict[str, Any]) -> PipelineCandidate:
    return PipelineCandidate(
        candidate=CandidateContact(id=row["candidate_id"], full_name=row["full_name"], email=row["email"]),
        overall_score=row["overall_score"],
        integrity_score=row["integrity_score"],
        assessment_id=row["assessment_id"],
        interview_id=row["interview_id"],
        assessed_at=row["assessed_at"],
        application_id=row["application_id"],
        application_status=row["application_status"],
        last_completed_at=row["last_completed_at"],
        last_activity_at=row["last_activity_at"],
        skills=row["skills"],
        role_types=row["role_types"],
    )


def like_pattern(text: str) -> str:
    """`%text%` for LIKE with the wildcards and escape character of `text` taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _filters(organization_id: str, query: PipelineQuery) -> tuple[str, dict[str, Any]]:
    """The WHERE clause of the query: only the filters given, each on an indexed or organization-scoped column."""
    where = ["o.organization_id = %(organization_id)s"]
    params: dict[str, Any] = {"organization_id": organization_id}
    conditions = (
        ("skill", "o.skills @> array[%(skill)s]::text[]", query.skill),
        ("role_type", "o.role_types @> array[%(role_type)s]::text[]", query.role_type),
        ("application_status", "o.application_statuses @> array[%(application_status)s]::text[]", query.application_status),
        ("job_posting_id", "o.job_posting_ids @> array[%(job_posting_id)s]::uuid[]", query.job_posting_id),
        ("score_min", "o.overall_score >= %(score_min)s", query.score_min),
        ("score_max", "o.overall_score <= %(score_max)s", query.score_max),
        ("integrity_below", "o.integrity_score < %(integrity_below)s", query.integrity_below),
        ("completed_from", "o.last_completed_at >= %(completed_from)s", query.completed_from),
        ("completed_to", "o.last_completed_at < %(completed_to)s", query.completed_to),
        ("q", "o.search_text like %(q)s", query.q),
    )
    for name, condition, value in conditions:
        if value is None:
            continue
        where.append(condition)
        params[name] = value
    if query.skill is not None:
        params["skill"] = query.skill.strip().lower()
    if query.q is not None:
        params["q"] = like_pattern(query.q.strip().lower())
    if query.completed_to is not None:
        params["completed_to"] = query.completed_to + timedelta(days=1)  # the whole last day
    return " and ".join(where), params


def count(conn: Connection, organization_id: str, query: PipelineQuery) -> int:
    """How many of the organization's candidates match the filters."""
    where, params = _filters(organization_id, query)
    return int(one(conn.execute(f"select count(*) as n from public.organization_candidates o where {where}", params))["n"])


def page(
    conn: Connection, organization_id: str, query: PipelineQuery, after: Position | None, limit: int
) -> list[tuple[PipelineCandidate, Position]]:
    """Up to `limit` matching candidates after `after`, in the query's order, each with its position."""
    where, params = _filters(organization_id, query)
    key = SORT_KEYS[(query.sort, query.order)]
    direction = "desc" if query.order == "desc" else "asc"
    if after is not None:
        where += f" and ({key}, o.candidate_id) {'<' if direction == 'desc' else '>'} (%(after_key)s, %(after_id)s)"
        params |= {"after_key": after.key, "after_id": after.candidate_id}
    rows = conn.execute(
        f"select {COLUMNS}, {key} as sort_key from public.organization_candidates o where {where}"
        f" order by {key} {direction}, o.candidate_id {direction} limit %(limit)s",
        params | {"limit": limit},
    ).fetchall()
    return [(_candidate(row), Position(key=row["sort_key"], candidate_id=str(row["candidate_id"]))) for row in rows]


@dataclass(frozen=True, slots=True)
class ExportRow:
    """A candidate as the CSV export writes them (plain values: an export reads thousands)."""

    candidate_id: str
    full_name: str
    email: str
    overall_score: int | None
    integrity_score: int | None
    application_status: str | None
    last_completed_at: datetime | None
    last_activity_at: datetime
    skills: list[str]
    role_types: list[str]
    assessment_id: str | None
    interview_id: str | None


def stream(conn: Connection, organization_id: str, query: PipelineQuery, limit: int) -> Iterator[ExportRow]:
    """The matching candidates in the query's order, at most `limit`, read through a server-side
    cursor in batches (the export never holds every row of a large organization at once)."""
    where, params = _filters(organization_id, query)
    key = SORT_KEYS[(query.sort, query.order)]
    direction = "desc" if query.order == "desc" else "asc"
    with conn.cursor(name="pipeline_export") as cursor:
        cursor.itersize = 2000
        cursor.execute(
            "select o.candidate_id::text, o.full_name, o.email, o.overall_score, o.integrity_score, o.application_status,"
            " o.last_completed_at, o.last_activity_at, o.skills, o.role_types, o.assessment_id::text, o.interview_id::text"
            f" from public.organization_candidates o where {where} order by {key} {direction}, o.candidate_id {direction} limit %(limit)s",
            params | {"limit": limit},
        )
        for row in cursor:
            yield ExportRow(**row)


def find(conn: Connection, organization_id: str, candidate_id: str) -> tuple[PipelineCandidate, bool] | None:
    """The candidate's row in the organization's pipeline, and whether they registered through it."""
    row = conn.execute(
        f"select {COLUMNS}, o.registered from public.organization_candidates o where o.organization_id = %s and o.candidate_id = %s",
        [organization_id, candidate_id],
    ).fetchone()
    return (_candidate(row), bool(row["registered"])) if row else None


def top(conn: Connection, organization_id: str, threshold: int, limit: int) -> tuple[list[PipelineCandidate], int]:
    """Candidates whose latest overall score is at least `threshold`, best first, and how many there are."""
    rows = conn.execute(
        f"select {COLUMNS}, count(*) over () as total from public.organization_candidates o"
        " where o.organization_id = %s and o.overall_score >= %s order by o.overall_score desc, o.candidate_id limit %s",
        [organization_id, threshold, limit],
    ).fetchall()
    return [_candidate(row) for row in rows], int(rows[0]["total"]) if rows else 0
