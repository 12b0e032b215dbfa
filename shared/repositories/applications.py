"""Application rows: applying (the insert whose trigger schedules the tailored interview), the
candidate's and staff's reads, status moves with their note, the history, and what the
notification email and the interview start need. Database refusals that are the caller's
business (a second application, a posting that is not open, a refused move) come back as the
domain errors the API answers with, mapped by SQLSTATE and hint."""

from __future__ import annotations

from typing import Any, NamedTuple

from psycopg import errors as pg

from shared.db import Connection, one
from shared.errors import AlreadyApplied, JobNotOpen, MoveNotAllowed, NotFound
from shared.models.applications import (
    ApplicantRef,
    Application,
    ApplicationEvent,
    ApplicationInterview,
    PostingSummary,
    StaffApplication,
)
from shared.models.assessments import CandidateAssessment
from shared.models.recruiter import CandidateApplicationHistory, PostingPipeline

COLUMNS = "a.id, a.candidate_id, a.job_posting_id, a.resume_id, a.interview_id, a.status, a.cover_note, a.status_changed_at, a.created_at"
INTERVIEW_COLUMNS = (
    "i.id as i_id, i.status as i_status, i.role_type as i_role_type, i.mode as i_mode, i.started_at as i_started_at, i.completed_at as i_completed_at"
)
POSTING_COLUMNS = "p.id, p.title, p.company, p.location, p.work_setup, p.employment_type, p.status, p.is_cancelled"
APPLICATION_FIELDS = tuple(column.strip().removeprefix("a.") for column in COLUMNS.split(","))
UNIQUE_APPLICATION = "applications_candidate_id_job_posting_id_key"
SORTS = {"date": "a.created_at desc, a.id desc", "score": "a.overall_score desc nulls last, a.created_at desc, a.id desc"}


class StartState(NamedTuple):
    """What starting an application's interview needs to know beyond the interview itself."""

    application_status: str
    job_posting_id: str
    posting_open: bool


class Notice(NamedTuple):
    """What the status email needs."""

    email: str
    full_name: str
    title: str
    company: str


def _application(row: dict[str, Any]) -> Application:
    return Application.model_validate({field: row[field] for field in APPLICATION_FIELDS})


def _interview(row: dict[str, Any]) -> ApplicationInterview | None:
    if row.get("i_id") is None:
        return None
    return ApplicationInterview(
        id=row["i_id"],
        status=row["i_status"],
        role_type=row["i_role_type"],
        mode=row["i_mode"],
        started_at=row["i_started_at"],
        completed_at=row["i_completed_at"],
    )


def posting_exists(conn: Connection, posting_id: str) -> bool:
    """Whether the posting exists at all, whatever its status (service role: RLS hides closed ones)."""
    return conn.execute("select 1 from public.job_postings where id = %s", [posting_id]).fetchone() is not None


def insert(conn: Connection, candidate_id: str, posting_id: str, resume_id: str | None, cover_note: str | None) -> Application:
    """Apply, in a savepoint so the transaction stays usable after a refusal. The insert trigger
    checks the posting and schedules the interview (returned in `interview_id`)."""
    try:
        with conn.transaction():
            cursor = conn.execute(
                "insert into public.applications as a (candidate_id, job_posting_id, resume_id, cover_note) values (%s, %s, %s, %s)"
                f" returning {COLUMNS}",
                [candidate_id, posting_id, resume_id, cover_note],
            )
            return _application(one(cursor))
    except pg.UniqueViolation as exc:
        if exc.diag.constraint_name == UNIQUE_APPLICATION:
            raise AlreadyApplied() from exc
        raise
    except pg.RaiseException as exc:
        if exc.diag.message_hint == "JOB_NOT_OPEN":
            raise JobNotOpen() from exc
        raise
    except pg.InsufficientPrivilege as exc:  # the insert policy: a resume that is not the caller's
        raise NotFound("The resume was not found.") from exc


def interview(conn: Connection, interview_id: str) -> ApplicationInterview | None:
    row = conn.execute(f"select {INTERVIEW_COLUMNS} from public.interviews i where i.id = %s", [interview_id]).fetchone()
    return _interview(row) if row else None


def find(conn: Connection, application_id: str) -> Application | None:
    """The application if the connection's role may see it (RLS)."""
    row = conn.execute(f"select {COLUMNS} from public.applications a where a.id = %s", [application_id]).fetchone()
    return _application(row) if row else None


class CandidateRow(NamedTuple):
    application: Application
    interview: ApplicationInterview | None
    result: CandidateAssessment | None


def of_candidate(conn: Connection, candidate_id: str, application_id: str | None = None) -> list[CandidateRow]:
    """The candidate's applications (one when `application_id`), newest first, with the current
    interview and its result through the candidate view of assessments. Run as the candidate."""
    where, params = "a.candidate_id = %s", [candidate_id]
    if application_id is not None:
        where, params = where + " and a.id = %s", [*params, application_id]
    rows = conn.execute(
        f"select {COLUMNS}, {INTERVIEW_COLUMNS}, r.interview_id as r_interview_id, r.status as r_status, r.overall_score as r_overall_score,"
        " r.skill_scores as r_skill_scores, r.strengths as r_strengths, r.weaknesses as r_weaknesses, r.generated_at as r_generated_at"
        " from public.applications a left join public.interviews i on i.id = a.interview_id"
        " left join public.candidate_assessments r on r.interview_id = a.interview_id"
        f" where {where} order by a.created_at desc, a.id desc",
        params,
    ).fetchall()
    found = []
    for row in rows:
        result = None
        if row["r_interview_id"] is not None:
            result = CandidateAssessment.model_validate({key[2:]: value for key, value in row.items() if key.startswith("r_")})
        found.append(CandidateRow(_application(row), _interview(row), result))
    return found


def postings(conn: Connection, posting_ids: list[str]) -> dict[str, PostingSummary]:
    """Posting summaries by id, whatever their status (run as the service after the caller's
    applications were read under RLS: a closed posting stays part of its applications)."""
    rows = conn.execute(f"select {POSTING_COLUMNS} from public.job_postings p where p.id = any(%s::uuid[])", [posting_ids]).fetchall()
    return {str(row["id"]): PostingSummary.model_validate(row) for row in rows}


def candidate_events(conn: Connection, application_id: str) -> list[ApplicationEvent]:
    """The caller's own history, through the view without notes."""
    rows = conn.execute(
        "select id, from_status, to_status, created_at from public.candidate_application_events where application_id = %s order by created_at, id",
        [application_id],
    ).fetchall()
    return [ApplicationEvent.model_validate(row) for row in rows]


def staff_events(conn: Connection, application_id: str) -> list[ApplicationEvent]:
    """The full history (staff of the posting's organization, by RLS)."""
    rows = conn.execute(
        "select id, from_status, to_status, created_at, note, changed_by from public.application_events where application_id = %s"
        " order by created_at, id",
        [application_id],
    ).fetchall()
    return [ApplicationEvent.model_validate(row) for row in rows]


def for_staff(
    conn: Connection,
    *,
    application_id: str | None = None,
    posting_id: str | None = None,
    status: str | None = None,
    sort: str = "date",
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[StaffApplication], int]:
    """Applications the staff caller's organization received (RLS), filtered, sorted, one page, and the total.

    The page is taken from applications alone (the score is kept on the application), in index
    order, and the total is counted from the index; only then are the page's candidates and
    interviews read, one lookup per row (`offset 0` keeps each a subquery run per row: joined as
    tables, the planner charges their tenancy policy's subquery to every probe and hashes the
    whole table instead). The candidate and posting of an application the caller sees are always
    visible to them (the candidate applied to their organization's posting)."""
    conditions: list[str] = []
    params: list[Any] = []
    for condition, value in (("a.id = %s", application_id), ("a.job_posting_id = %s", posting_id), ("a.status = %s", status)):
        if value is not None:
            conditions.append(condition)
            params.append(value)
    where = f"where {' and '.join(conditions)}" if conditions else ""
    rows = conn.execute(
        f"with page as (select {COLUMNS}, a.overall_score from public.applications a {where} order by {SORTS[sort]} limit %s offset %s)"
        f" select a.*, {INTERVIEW_COLUMNS}, c.full_name as c_full_name, c.email as c_email,"
        " p.title as p_title, p.company as p_company, p.location as p_location, p.work_setup as p_work_setup,"
        " p.employment_type as p_employment_type, p.status as p_status, p.is_cancelled as p_is_cancelled,"
        f" (select count(*) from public.applications a {where}) as total"
        " from page a join public.job_postings p on p.id = a.job_posting_id"
        " cross join lateral (select c.full_name, c.email from public.candidates c where c.id = a.candidate_id offset 0) c"
        " left join lateral (select i.id, i.status, i.role_type, i.mode, i.started_at, i.completed_at"
        "                      from public.interviews i where i.id = a.interview_id offset 0) i on true"
        f" order by {SORTS[sort]}",
        [*params, limit, offset, *params],
    ).fetchall()
    total = int(rows[0]["total"]) if rows else count_for_staff(conn, where, params)
    items = [
        StaffApplication(
            application=_application(row),
            candidate=ApplicantRef(id=row["candidate_id"], full_name=row["c_full_name"], email=row["c_email"]),
            posting=PostingSummary.model_validate({"id": row["job_posting_id"], **{k[2:]: v for k, v in row.items() if k.startswith("p_")}}),
            interview=_interview(row),
            overall_score=row["overall_score"],
        )
        for row in rows
    ]
    return items, total


def history_of_candidate(conn: Connection, organization_id: str, candidate_id: str) -> list[CandidateApplicationHistory]:
    """The candidate's applications to the organization's postings, newest first, each with its
    whole history (staff of the organization, by RLS)."""
    rows = conn.execute(
        f"select {COLUMNS}, p.title as p_title, p.company as p_company, p.location as p_location, p.work_setup as p_work_setup,"
        " p.employment_type as p_employment_type, p.status as p_status, p.is_cancelled as p_is_cancelled"
        " from public.applications a join public.job_postings p on p.id = a.job_posting_id"
        " where a.candidate_id = %s and p.organization_id = %s order by a.created_at desc, a.id",
        [candidate_id, organization_id],
    ).fetchall()
    events: dict[str, list[ApplicationEvent]] = {str(row["id"]): [] for row in rows}
    for event in conn.execute(
        "select application_id, id, from_status, to_status, created_at, note, changed_by from public.application_events"
        " where application_id = any(%s::uuid[]) order by created_at, id",
        [list(events)],
    ).fetchall():
        events[str(event.pop("application_id"))].append(ApplicationEvent.model_validate(event))
    return [
        CandidateApplicationHistory(
            application=_application(row),
            posting=PostingSummary.model_validate({"id": row["job_posting_id"], **{k[2:]: v for k, v in row.items() if k.startswith("p_")}}),
            events=events[str(row["id"])],
        )
        for row in rows
    ]


def open_posting_counts(conn: Connection, organization_id: str, limit: int) -> list[PostingPipeline]:
    """The organization's active postings, newest first, with their applications counted by status."""
    rows = conn.execute(
        f"with open as (select {POSTING_COLUMNS}, p.created_at from public.job_postings p"
        "   where p.organization_id = %s and p.status = 'active' and not p.is_cancelled order by p.created_at desc, p.id limit %s)"
        " select o.*, a.status as a_status, count(a.candidate_id) as n from open o left join public.applications a on a.job_posting_id = o.id"
        " group by o.id, o.title, o.company, o.location, o.work_setup, o.employment_type, o.status, o.is_cancelled, o.created_at, a.status"
        " order by o.created_at desc, o.id",
        [organization_id, limit],
    ).fetchall()
    postings: dict[str, PostingPipeline] = {}
    for row in rows:
        key = str(row["id"])
        if key not in postings:
            postings[key] = PostingPipeline(posting=PostingSummary.model_validate(row), total=0, by_status={})
        if row["a_status"] is not None:
            postings[key].by_status[row["a_status"]] = int(row["n"])
            postings[key].total += int(row["n"])
    return list(postings.values())


def count_for_staff(conn: Connection, where: str, params: list[Any]) -> int:
    """The total of a filter whose requested page is past the end."""
    return int(one(conn.execute(f"select count(*) as n from public.applications a {where}", params))["n"])


def move(conn: Connection, application_id: str, status: str, note: str | None = None) -> Application | None:
    """Move the application (the update policy decides who may, the move trigger which moves are
    allowed, another trigger records the event with `note`); None when the caller may not."""
    conn.execute("select set_config('app.application_note', %s, true)", [note or ""])
    try:
        with conn.transaction():
            row = conn.execute(
                f"update public.applications a set status = %s where a.id = %s returning {COLUMNS}", [status, application_id]
            ).fetchone()
    except pg.RaiseException as exc:
        if exc.diag.message_hint == "APPLICATION_MOVE_NOT_ALLOWED":
            raise MoveNotAllowed(details={"to": status}) from exc
        raise
    finally:
        conn.execute("select set_config('app.application_note', '', true)")
    return _application(row) if row else None


def notice(conn: Connection, application_id: str) -> Notice:
    row = one(
        conn.execute(
            "select c.email, c.full_name, p.title, p.company from public.applications a join public.candidates c on c.id = a.candidate_id"
            " join public.job_postings p on p.id = a.job_posting_id where a.id = %s",
            [application_id],
        )
    )
    return Notice(email=row["email"], full_name=row["full_name"], title=row["title"], company=row["company"])


def start_state(conn: Connection, application_id: str) -> StartState | None:
    """The application's status and whether its posting still takes interviews (service role:
    the candidate no longer sees a closed posting)."""
    row = conn.execute(
        "select a.status, a.job_posting_id, (p.status = 'active' and not p.is_cancelled) as posting_open"
        " from public.applications a join public.job_postings p on p.id = a.job_posting_id where a.id = %s",
        [application_id],
    ).fetchone()
    if row is None:
        return None
    return StartState(application_status=row["status"], job_posting_id=str(row["job_posting_id"]), posting_open=bool(row["posting_open"]))


def link_interview(conn: Connection, application_id: str, old_interview_id: str, new_interview_id: str) -> bool:
    """Point the application at its restarted interview; False when another restart won the race."""
    cursor = conn.execute(
        "update public.applications set interview_id = %s where id = %s and interview_id = %s", [new_interview_id, application_id, old_interview_id]
    )
    return cursor.rowcount == 1


def role_type_for_skills(conn: Connection, skills: list[str]) -> str | None:
    """The one rule from a stack or skills to a role type (SQL access.role_type_for_skills)."""
    role = one(conn.execute("select access.role_type_for_skills(%s::text[]) as role_type", [skills]))["role_type"]
    return str(role) if role is not None else None
