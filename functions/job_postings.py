"""job-postings: the public job search and read, and recruiters' management of their
organization's postings (create, edit, pause, close, cancel, reopen)."""

from typing import Annotated
from uuid import UUID

from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.auth import Manager, MaybeCaller
from shared.errors import NotFound
from shared.http import Envelope, create_app, make_handler, ok, raises
from shared.models import job_postings as m
from shared.services import job_postings
from shared.services.job_postings import InvalidStatusMove

app = create_app()


@app.get("/")
def search(
    caller: MaybeCaller,
    q: Annotated[str | None, Query(max_length=200, pattern=m.SEARCH_TEXT_PATTERN, description="Words of the title or company.")] = None,
    role_category: m.RoleCategory | None = None,
    tech_stack: Annotated[list[str] | None, Query(max_length=20, description="Any of these technologies.")] = None,
    location: Annotated[str | None, Query(max_length=200, pattern=m.SEARCH_TEXT_PATTERN)] = None,
    employment_type: m.EmploymentType | None = None,
    work_setup: m.WorkSetup | None = None,
    experience_level: m.ExperienceLevel | None = None,
    salary_min: Annotated[float | None, Query(ge=0, le=m.MAX_SALARY)] = None,
    salary_max: Annotated[float | None, Query(ge=0, le=m.MAX_SALARY)] = None,
    sort: m.SearchSort = "relevance",
    page: Annotated[int, Query(ge=1, le=m.MAX_PAGE)] = 1,
    page_size: Annotated[int, Query(ge=1, le=m.MAX_PAGE_SIZE)] = 20,
) -> Envelope[m.JobPostingPage]:
    """Search job postings (no token needed)

    Free text over title and company (case- and accent-insensitive, ranked), filters, sort and
    pages. Anyone sees active postings; staff also see their organization's other ones."""
    stack = [tech.strip().lower() for tech in tech_stack or [] if tech.strip()]
    query = m.JobSearch(
        q=q,
        role_category=role_category,
        tech_stack=stack,
        location=location,
        employment_type=employment_type,
        work_setup=work_setup,
        experience_level=experience_level,
        salary_min=salary_min,
        salary_max=salary_max,
        sort=sort,
        page=page,
        page_size=page_size,
    )
    return ok(job_postings.search(caller, query))


@app.get("/<posting_id>")
@raises(NotFound)
def get_posting(posting_id: UUID, caller: MaybeCaller) -> Envelope[m.JobPostingResult]:
    """One job posting: active ones for anyone, staff also their organization's other ones."""
    return ok(m.JobPostingResult(job_posting=job_postings.get(caller, str(posting_id))))


@app.post("/", status_code=201)
@raises(NotFound, InvalidStatusMove)
def create(posting: m.JobPostingCreate, caller: Manager) -> Envelope[m.JobPostingResult]:
    """Create a posting of your organization (recruiters and admins)."""
    return ok(m.JobPostingResult(job_posting=job_postings.create(caller, posting)))


@app.patch("/<posting_id>")
@raises(NotFound, InvalidStatusMove)
def edit(posting_id: UUID, change: m.JobPostingEdit, caller: Manager) -> Envelope[m.JobPostingResult]:
    """Edit a posting's content; a cancelled posting cannot be changed (recruiters and admins)."""
    return ok(m.JobPostingResult(job_posting=job_postings.edit(caller, str(posting_id), change)))


@app.post("/<posting_id>/pause")
@raises(NotFound, InvalidStatusMove)
def pause(posting_id: UUID, caller: Manager) -> Envelope[m.JobPostingResult]:
    """Pause an active posting (recruiters and admins)."""
    return ok(m.JobPostingResult(job_posting=job_postings.pause(caller, str(posting_id))))


@app.post("/<posting_id>/close")
@raises(NotFound, InvalidStatusMove)
def close(posting_id: UUID, caller: Manager) -> Envelope[m.JobPostingResult]:
    """Close an active or paused posting (recruiters and admins)."""
    return ok(m.JobPostingResult(job_posting=job_postings.close(caller, str(posting_id))))


@app.post("/<posting_id>/cancel")
@raises(NotFound, InvalidStatusMove)
def cancel(posting_id: UUID, request: m.CancelRequest, caller: Manager) -> Envelope[m.JobPostingResult]:
    """Cancel an active or paused posting, with a reason; cancelling is final (recruiters and admins)."""
    return ok(m.JobPostingResult(job_posting=job_postings.cancel(caller, str(posting_id), request.reason)))


@app.post("/<posting_id>/reopen")
@raises(NotFound, InvalidStatusMove)
def reopen(posting_id: UUID, caller: Manager) -> Envelope[m.JobPostingResult]:
    """Make a paused or closed posting active again (recruiters and admins)."""
    return ok(m.JobPostingResult(job_posting=job_postings.reopen(caller, str(posting_id))))


handler = make_handler(app)
