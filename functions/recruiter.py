"""recruiter: the recruiting team's portal. The dashboard, the candidate pipeline (filters, sort,
keyset pages, CSV export), a candidate's whole file, an interview reviewed answer by answer,
notes and review marks. Staff of the organization only; viewers read and get 403 on writes."""

from datetime import date
from typing import Annotated
from uuid import UUID

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.ai.models import RoleType
from shared.auth import Manager, Staff
from shared.errors import NotFound
from shared.http import Envelope, answers_with, create_app, download, make_handler, ok, raises
from shared.models import recruiter as m
from shared.models.applications import ApplicationStatus
from shared.services import recruiter

app = create_app()

Skill = Annotated[
    str | None, Query(min_length=1, max_length=50, pattern=m.SKILL_PATTERN, description="Candidates with this skill (resume or assessment).")
]
Role = Annotated[RoleType | None, Query(description="Candidates interviewed for this role type.")]
Status = Annotated[ApplicationStatus | None, Query(description="Candidates with an application to your organization in this status.")]
Posting = Annotated[UUID | None, Query(description="Candidates who applied to this posting of your organization.")]
ScoreMin = Annotated[int | None, Query(ge=0, le=100, description="Latest overall score at least this.")]
ScoreMax = Annotated[int | None, Query(ge=0, le=100, description="Latest overall score at most this.")]
IntegrityBelow = Annotated[int | None, Query(ge=0, le=101, description="Latest integrity score below this.")]
CompletedFrom = Annotated[date | None, Query(description="Last interview completed on or after this day (UTC).")]
CompletedTo = Annotated[date | None, Query(description="Last interview completed on or before this day (UTC).")]
NameOrEmail = Annotated[str | None, Query(min_length=1, max_length=200, pattern=m.NAME_SEARCH_PATTERN, description="Part of the name or email.")]
Sort = Annotated[m.PipelineSort, Query(description="score: latest overall score; integrity: latest integrity score; date: last activity.")]
Order = Annotated[m.SortOrder, Query(description="Unscored candidates come last either way.")]


@app.get("/dashboard")
def dashboard(
    caller: Staff,
    score_threshold: Annotated[int, Query(ge=0, le=100, description="Best candidates: overall score at least this.")] = m.DEFAULT_SCORE_THRESHOLD,
    limit: Annotated[int, Query(ge=1, le=50, description="Items per list.")] = 10,
) -> Envelope[m.Dashboard]:
    """What your organization's team works from (staff)

    Feedback awaiting approval (oldest age, how many send automatically within the hour), resumes
    whose parsing failed (re-run with the resumes function), interviews completed in the last 7
    days, assessments ready but not reviewed, applications by status per open posting, and the
    candidates at or above a score threshold."""
    return ok(recruiter.dashboard(caller, score_threshold, limit))


@app.get("/candidates")
def candidates(
    caller: Staff,
    skill: Skill = None,
    role_type: Role = None,
    application_status: Status = None,
    job_posting_id: Posting = None,
    score_min: ScoreMin = None,
    score_max: ScoreMax = None,
    integrity_below: IntegrityBelow = None,
    completed_from: CompletedFrom = None,
    completed_to: CompletedTo = None,
    q: NameOrEmail = None,
    sort: Sort = "date",
    order: Order = "desc",
    limit: Annotated[int, Query(ge=1, le=m.MAX_PAGE_SIZE, description="Page size.")] = 25,
    cursor: Annotated[str | None, Query(min_length=1, max_length=500, pattern=m.CURSOR_PATTERN, description="next_cursor of a page.")] = None,
) -> Envelope[m.CandidatePage]:
    """Your organization's candidates, filtered and sorted, one page (staff)

    Keyset pages: pass `next_cursor` back as `cursor` with the same sort and order; candidates
    added meanwhile never shift a page. `total` counts every match."""
    query = m.PipelineQuery(
        skill=skill,
        role_type=role_type,
        application_status=application_status,
        job_posting_id=job_posting_id,
        score_min=score_min,
        score_max=score_max,
        integrity_below=integrity_below,
        completed_from=completed_from,
        completed_to=completed_to,
        q=q,
        sort=sort,
        order=order,
    )
    return ok(recruiter.candidates(caller, query, cursor, limit))


@app.get("/candidates/export.csv")
@answers_with("text/csv", "The matching candidates as CSV with a header row, in the list's order.")
def export_candidates(
    caller: Staff,
    skill: Skill = None,
    role_type: Role = None,
    application_status: Status = None,
    job_posting_id: Posting = None,
    score_min: ScoreMin = None,
    score_max: ScoreMax = None,
    integrity_below: IntegrityBelow = None,
    completed_from: CompletedFrom = None,
    completed_to: CompletedTo = None,
    q: NameOrEmail = None,
    sort: Sort = "date",
    order: Order = "desc",
    limit: Annotated[int | None, Query(ge=1, description="Rows at most (RECRUITER_EXPORT_MAX_ROWS caps it).")] = None,
) -> Response[str]:
    """The candidate list as CSV, for an ATS import (staff)

    The same filters, order and visibility as `GET /candidates`. Cells that a spreadsheet would
    run as a formula are prefixed with an apostrophe. Headers: `X-Total-Count` (matches) and
    `X-Exported-Rows` (rows in the file)."""
    query = m.PipelineQuery(
        skill=skill,
        role_type=role_type,
        application_status=application_status,
        job_posting_id=job_posting_id,
        score_min=score_min,
        score_max=score_max,
        integrity_below=integrity_below,
        completed_from=completed_from,
        completed_to=completed_to,
        q=q,
        sort=sort,
        order=order,
    )
    export = recruiter.export_csv(caller, query, limit)
    headers = {"X-Total-Count": str(export.matched), "X-Exported-Rows": str(export.rows)}
    return download(export.content, "text/csv; charset=utf-8", f"candidates-{date.today().isoformat()}.csv", headers)


@app.get("/candidates/<candidate_id>")
@raises(NotFound)
def get_candidate(candidate_id: UUID, caller: Staff) -> Envelope[m.CandidateDetail]:
    """A candidate's whole file: profile, resumes, feedback, applications, interviews and assessments (staff)"""
    return ok(recruiter.candidate(caller, str(candidate_id)))


@app.get("/candidates/<candidate_id>/notes")
@raises(NotFound)
def list_notes(candidate_id: UUID, caller: Staff) -> Envelope[m.NoteList]:
    """Your organization's notes on the candidate, newest first (staff)"""
    return ok(m.NoteList(items=recruiter.notes(caller, str(candidate_id))))


@app.post("/candidates/<candidate_id>/notes", status_code=201)
@raises(NotFound)
def add_note(candidate_id: UUID, request: m.NoteRequest, caller: Manager) -> Envelope[m.NoteResult]:
    """Write a note on the candidate, private to your organization (recruiters and admins)"""
    return ok(m.NoteResult(note=recruiter.add_note(caller, str(candidate_id), request.body)))


@app.post("/assessments/<assessment_id>/reviewed")
@raises(NotFound)
def mark_reviewed(assessment_id: UUID, caller: Manager) -> Envelope[m.ReviewMarked]:
    """Mark an assessment reviewed by you, now (recruiters and admins); marking again keeps the first mark"""
    return ok(recruiter.mark_reviewed(caller, str(assessment_id)))


@app.get("/interviews/<interview_id>/review")
@raises(NotFound)
def review_interview(interview_id: UUID, caller: Staff) -> Envelope[m.InterviewReview]:
    """An interview answer by answer: evaluation, timing, recording, and the flags citing each (staff)"""
    return ok(recruiter.interview_review(caller, str(interview_id)))


handler = make_handler(app)
