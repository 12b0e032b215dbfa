"""applications: candidates apply (scheduling the interview tailored to the posting), follow and
withdraw their applications; staff of the posting's organization list them and move them."""

from typing import Annotated
from uuid import UUID

from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.auth import AnyCaller, Candidate, Manager, Staff
from shared.errors import AlreadyApplied, JobNotOpen, MoveNotAllowed, NotFound
from shared.http import Envelope, create_app, make_handler, ok, raises
from shared.models.applications import (
    ApplicationDetail,
    ApplicationResult,
    ApplicationStatus,
    Applied,
    ApplyRequest,
    CandidateApplicationList,
    ListSort,
    StaffApplicationList,
    StatusChange,
)
from shared.services import applications

app = create_app()


@app.post("/", status_code=201)
@raises(NotFound, AlreadyApplied, JobNotOpen)
def apply(request: ApplyRequest, caller: Candidate) -> Envelope[Applied]:
    """Apply to an open posting; the interview tailored to it is scheduled at once (candidates)."""
    return ok(applications.apply(caller, request))


@app.get("/me")
def mine(caller: Candidate) -> Envelope[CandidateApplicationList]:
    """The caller's applications with posting, interview status and, once scored, the result (candidates)."""
    return ok(CandidateApplicationList(items=applications.mine(caller)))


@app.get("/")
def staff_list(
    caller: Staff,
    job_posting_id: Annotated[UUID | None, Query(description="Only this posting's applications.")] = None,
    status: Annotated[ApplicationStatus | None, Query(description="Only applications in this status.")] = None,
    sort: Annotated[ListSort, Query(description="score: best overall score first; date: newest first.")] = "date",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 50,
) -> Envelope[StaffApplicationList]:
    """Applications to the organization's postings (staff)."""
    posting = str(job_posting_id) if job_posting_id else None
    return ok(applications.staff_list(caller, posting, status, sort, page, page_size))


@app.get("/<application_id>")
@raises(NotFound)
def get_application(application_id: UUID, caller: AnyCaller) -> Envelope[ApplicationDetail]:
    """One application with its history: the candidate's own (without internal notes), or staff of its organization."""
    return ok(applications.get(caller, str(application_id)))


@app.post("/<application_id>/withdraw")
@raises(NotFound, MoveNotAllowed)
def withdraw(application_id: UUID, caller: Candidate) -> Envelope[ApplicationResult]:
    """Withdraw an application; the record is kept and its unfinished interview abandoned (candidates)."""
    return ok(ApplicationResult(application=applications.withdraw(caller, str(application_id))))


@app.patch("/<application_id>/status")
@raises(NotFound, MoveNotAllowed)
def change_status(application_id: UUID, change: StatusChange, caller: Manager) -> Envelope[ApplicationResult]:
    """Move an application (recruiters and admins); offers and rejections are emailed to the candidate."""
    return ok(ApplicationResult(application=applications.change_status(caller, str(application_id), change)))


handler = make_handler(app)
