"""Job postings: the public search and read, and the recruiter's create, edit and status moves.
Row-level security decides who sees and changes which posting; the database's status trigger
decides which moves are allowed."""

from __future__ import annotations

from shared.auth import Caller
from shared.db import anon_transaction, become_service, user_transaction
from shared.errors import NotFound, ValidationFailed
from shared.models.job_postings import JobPosting, JobPostingCreate, JobPostingEdit, JobPostingPage, JobSearch
from shared.repositories import job_postings as rows
from shared.repositories.job_postings import InvalidStatusMove

__all__ = ["InvalidStatusMove", "cancel", "close", "create", "edit", "get", "pause", "reopen", "search"]


def _salary_order(salary_min: float | None, salary_max: float | None, field: str) -> None:
    if salary_min is not None and salary_max is not None and salary_min > salary_max:
        raise ValidationFailed(
            "salary_min must not exceed salary_max.",
            details=[{"loc": [field, "salary_min"], "type": "value_error", "msg": "salary_min must not exceed salary_max."}],
        )


def _found(posting: JobPosting | None) -> JobPosting:
    if posting is None:
        raise NotFound("The job posting was not found.")
    return posting


def search(caller: Caller | None, query: JobSearch) -> JobPostingPage:
    """Postings matching the search, one page and the total: active postings for anyone, and for
    staff also their organization's paused, closed and cancelled ones."""
    _salary_order(query.salary_min, query.salary_max, "query")
    open_only = caller is None or not caller.is_staff
    with user_transaction(caller.claims) if caller else anon_transaction() as conn:
        items, total = rows.search(conn, query, open_only)
    return JobPostingPage(items=items, total=total, page=query.page, page_size=query.page_size)


def get(caller: Caller | None, posting_id: str) -> JobPosting:
    """One posting, if the caller may see it (active, or their organization's)."""
    with user_transaction(caller.claims) if caller else anon_transaction() as conn:
        return _found(rows.find(conn, posting_id))


def create(caller: Caller, posting: JobPostingCreate) -> JobPosting:
    """A new active posting of the caller's organization (as recorded in the database)."""
    if caller.organization_id is None:
        raise NotFound("Your account belongs to no organization.")
    with user_transaction(caller.claims) as conn:
        posting_id = rows.insert(conn, caller.organization_id, posting.model_dump(mode="json"))
        return _found(rows.find(conn, posting_id))


def edit(caller: Caller, posting_id: str, change: JobPostingEdit) -> JobPosting:
    """Change a posting's content (not its status)."""
    values = change.model_dump(mode="json", exclude_unset=True)
    if not values:
        raise ValidationFailed("Nothing to change.")
    with user_transaction(caller.claims) as conn:
        current = _found(rows.lock_for_change(conn, posting_id))
        _salary_order(values.get("salary_min", current.salary_min), values.get("salary_max", current.salary_max), "body")
        rows.update_content(conn, posting_id, values)
        return _found(rows.find(conn, posting_id))


def _move(caller: Caller, posting_id: str, status: str) -> JobPosting:
    with user_transaction(caller.claims) as conn:
        _found(rows.lock_for_change(conn, posting_id))
        rows.move(conn, posting_id, status)
        return _found(rows.find(conn, posting_id))


def pause(caller: Caller, posting_id: str) -> JobPosting:
    """active -> paused: hidden from candidates, no new applications."""
    return _move(caller, posting_id, "paused")


def close(caller: Caller, posting_id: str) -> JobPosting:
    """active | paused -> closed."""
    return _move(caller, posting_id, "closed")


def cancel(caller: Caller, posting_id: str, reason: str) -> JobPosting:
    """active | paused -> cancelled, with the reason; terminal."""
    with user_transaction(caller.claims) as conn:
        _found(rows.lock_for_change(conn, posting_id))
        rows.cancel(conn, posting_id, reason)
        return _found(rows.find(conn, posting_id))


def reopen(caller: Caller, posting_id: str) -> JobPosting:
    """paused | closed -> active. The row is locked under the caller's RLS (the update policy
    decides who may); closed -> active is then written as service_role, the only kind of role the
    database lets reopen a closed posting, so a direct table update by a client cannot."""
    with user_transaction(caller.claims) as conn:
        current = _found(rows.lock_for_change(conn, posting_id))
        if current.status == "cancelled":
            raise InvalidStatusMove("A cancelled job posting cannot be reopened.")
        become_service(conn)
        rows.move(conn, posting_id, "active")
        return _found(rows.find(conn, posting_id))
