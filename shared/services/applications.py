"""Applications: apply (the tailored interview is scheduled in the same transaction), the
candidate's list, detail and withdrawal, the staff list and status moves. Who may see or move
what is decided by RLS and the database's move rules; offers and rejections are emailed through
the outbox in the transaction of the move."""

from __future__ import annotations

from shared.auth import Caller
from shared.db import Connection, become_service, user_transaction
from shared.errors import JobNotOpen, NotFound
from shared.models.applications import (
    Application,
    ApplicationDetail,
    Applied,
    ApplyRequest,
    CandidateApplication,
    ListSort,
    StaffApplicationList,
    StatusChange,
)
from shared.repositories import applications as rows
from shared.services.outbox import queue_email

EMAILED_MOVES = {
    "offered": (
        "Your application for {title} at {company}",
        "Hi {name},\n\nGood news: {company} would like to offer you the {title} role. Sign in to see the details and respond.\n",
    ),
    "rejected": (
        "Your application for {title} at {company}",
        "Hi {name},\n\nThank you for applying for {title} at {company}."
        " After careful review the team has decided not to proceed with your application.\n",
    ),
}


def apply(caller: Caller, request: ApplyRequest) -> Applied:
    """Apply to an open posting; the insert schedules the interview tailored to it."""
    with user_transaction(caller.claims) as conn:
        try:
            application = rows.insert(
                conn, caller.user_id, str(request.job_posting_id), str(request.resume_id) if request.resume_id else None, request.cover_note
            )
        except JobNotOpen:
            become_service(conn)
            if not rows.posting_exists(conn, str(request.job_posting_id)):
                raise NotFound("The job posting was not found.") from None
            raise
        assert application.interview_id is not None  # the insert trigger always schedules one
        interview = rows.interview(conn, str(application.interview_id))
    assert interview is not None
    return Applied(application=application, interview=interview)


def _candidate_items(conn: Connection, caller: Caller, application_id: str | None = None) -> list[CandidateApplication]:
    found = rows.of_candidate(conn, caller.user_id, application_id)
    become_service(conn)  # postings closed since keep showing on their applications
    postings = rows.postings(conn, [str(item.application.job_posting_id) for item in found])
    return [
        CandidateApplication(
            application=item.application, posting=postings[str(item.application.job_posting_id)], interview=item.interview, result=item.result
        )
        for item in found
    ]


def mine(caller: Caller) -> list[CandidateApplication]:
    """The candidate's applications, newest first, with posting, interview and result."""
    with user_transaction(caller.claims) as conn:
        return _candidate_items(conn, caller)


def get(caller: Caller, application_id: str) -> ApplicationDetail:
    """One application with its history: the candidate's own (no notes), or one of the staff
    caller's organization (with notes); 404 otherwise."""
    with user_transaction(caller.claims) as conn:
        if caller.is_staff:
            listed, _ = rows.for_staff(conn, application_id=application_id)
            if not listed:
                raise NotFound("The application was not found.")
            item = listed[0]
            return ApplicationDetail(
                application=item.application,
                posting=item.posting,
                interview=item.interview,
                candidate=item.candidate,
                overall_score=item.overall_score,
                events=rows.staff_events(conn, application_id),
            )
        events = rows.candidate_events(conn, application_id)
        items = _candidate_items(conn, caller, application_id)
    if not items:
        raise NotFound("The application was not found.")
    own = items[0]
    return ApplicationDetail(application=own.application, posting=own.posting, interview=own.interview, result=own.result, events=events)


def withdraw(caller: Caller, application_id: str) -> Application:
    """Withdraw the candidate's application: the record stays, an unfinished interview of it is
    abandoned (by the database, with the move)."""
    with user_transaction(caller.claims) as conn:
        moved = rows.move(conn, application_id, "withdrawn")
    if moved is None:
        raise NotFound("The application was not found.")
    return moved


def staff_list(caller: Caller, posting_id: str | None, status: str | None, sort: ListSort, page: int, page_size: int) -> StaffApplicationList:
    """Applications to the staff caller's organization's postings, filtered and sorted, one page."""
    with user_transaction(caller.claims) as conn:
        items, total = rows.for_staff(conn, posting_id=posting_id, status=status, sort=sort, limit=page_size, offset=(page - 1) * page_size)
    return StaffApplicationList(items=items, total=total, page=page, page_size=page_size)


def change_status(caller: Caller, application_id: str, change: StatusChange) -> Application:
    """Move an application of the manager's organization; the history records it, and an offer
    or rejection is emailed to the candidate."""
    with user_transaction(caller.claims) as conn:
        moved = rows.move(conn, application_id, change.status, change.note)
        if moved is None:
            raise NotFound("The application was not found.")
        if change.status in EMAILED_MOVES:
            become_service(conn)
            notice = rows.notice(conn, application_id)
            subject, body = EMAILED_MOVES[change.status]
            values = {"title": notice.title, "company": notice.company, "name": notice.full_name}
            queue_email(conn, notice.email, subject.format(**values), body.format(**values), "application", application_id)
    return moved
