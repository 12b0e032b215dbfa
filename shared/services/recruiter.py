"""The recruiter portal's use cases: the dashboard, the candidate pipeline (filtered, sorted,
keyset pages and the CSV export), one candidate's whole file, an interview reviewed answer by
answer, notes and review marks.

Everything is read as the caller under RLS: staff see a candidate's data only when the candidate
registered through or applied to their organization, viewers read and never write (the policies
say so, whatever the function does). The one exception is the review's per-answer evaluations
and audio metadata, columns no API role is granted: they are read as the service once the caller
was shown to see the interview. Files are signed through Storage as the caller, so Storage's own
policies decide too."""

import base64
import binascii
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from pydantic import ValidationError

from shared import buckets, storage
from shared.auth import Caller
from shared.csv_export import render
from shared.db import Connection, become_service, user_transaction
from shared.errors import AppError, NotFound, ValidationFailed
from shared.logs import logger
from shared.models.assessments import IntegrityFlag
from shared.models.base import Model
from shared.models.recruiter import (
    AnswerEvaluationView,
    AssessmentRecord,
    CandidateContact,
    CandidateDetail,
    CandidateInterview,
    CandidatePage,
    CandidateProfile,
    CandidateResume,
    CompletedInterview,
    CompletedInterviews,
    Dashboard,
    FailedResume,
    FailedResumes,
    FeedbackQueue,
    FeedbackQueueItem,
    InterviewCosts,
    InterviewReview,
    Note,
    PipelineQuery,
    PipelineSort,
    ReviewedInterview,
    ReviewEntry,
    ReviewMarked,
    ReviewQueue,
    SortOrder,
    TopCandidates,
)
from shared.repositories import accounts as account_rows
from shared.repositories import applications as application_rows
from shared.repositories import assessments as assessment_rows
from shared.repositories import candidate_notes as note_rows
from shared.repositories import feedback as feedback_rows
from shared.repositories import interviews as interview_rows
from shared.repositories import pipeline as pipeline_rows
from shared.repositories import resumes as resume_rows
from shared.repositories.interviews import ReviewMessage
from shared.repositories.pipeline import ExportRow, Position
from shared.settings import get_settings
from shared.supabase_clients import user_storage

COMPLETED_WITHIN_DAYS = 7
MAX_OPEN_POSTINGS = 100
MAX_NOTES = 500
# A function URL answers at most 6 MB, the body JSON-escaped inside: the CSV stops at 4 MB.
EXPORT_MAX_BYTES = 4 * 1024 * 1024
CSV_HEADER = (
    "candidate_id",
    "full_name",
    "email",
    "overall_score",
    "integrity_score",
    "application_status",
    "last_completed_at",
    "last_activity_at",
    "skills",
    "role_types",
    "assessment_id",
    "interview_id",
)


@dataclass(frozen=True)
class CsvExport:
    """An export's CSV text, its data rows, and how many candidates matched in all."""

    content: str
    rows: int
    matched: int


class _Cursor(Model):
    s: PipelineSort
    o: SortOrder
    k: int | datetime
    i: UUID


def _organization(caller: Caller) -> str:
    if caller.organization_id is None:
        raise NotFound("Your account belongs to no organization.")
    return caller.organization_id


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, details=[{"loc": ["query", field], "type": "value_error", "msg": message}])


def encode_cursor(query: PipelineQuery, position: Position) -> str:
    """An opaque cursor: the sort it belongs to and the last row's sort key and candidate id."""
    key = position.key.isoformat() if isinstance(position.key, datetime) else position.key
    payload = json.dumps({"s": query.sort, "o": query.order, "k": key, "i": position.candidate_id}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, query: PipelineQuery) -> Position:
    """The position a cursor names; 422 naming `cursor` when it is not one of ours or belongs to
    another sort or order."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        decoded = _Cursor.model_validate_json(raw)
    except (binascii.Error, ValueError, ValidationError) as exc:
        raise _invalid("cursor", "The cursor is not valid; start again without it.") from exc
    if (decoded.s, decoded.o) != (query.sort, query.order):
        raise _invalid("cursor", "The cursor belongs to another sort or order.")
    wanted = datetime if query.sort == "date" else int
    if not isinstance(decoded.k, wanted) or (isinstance(decoded.k, datetime) and decoded.k.tzinfo is None):
        raise _invalid("cursor", "The cursor is not valid; start again without it.")
    return Position(key=decoded.k, candidate_id=str(decoded.i))


def check_query(query: PipelineQuery) -> None:
    """Ranges must be ranges: 422 naming the first bound when it lies past the second."""
    if query.score_min is not None and query.score_max is not None and query.score_min > query.score_max:
        raise _invalid("score_min", "score_min must not exceed score_max.")
    if query.completed_from is not None and query.completed_to is not None and query.completed_from > query.completed_to:
        raise _invalid("completed_from", "completed_from must not be after completed_to.")


def _signed(access_token: str, bucket: str, paths: list[str], seconds: int, *, download: bool = False) -> dict[str, str]:
    """Signed links made as the caller (Storage's policies apply) in one Storage request, by path;
    a path missing when Storage cannot sign it: the rest of the view stays useful without it."""
    if not paths:
        return {}
    try:
        return storage.signed_urls(user_storage(access_token), bucket, paths, seconds, download=download)
    except AppError as exc:
        logger.warning("signed links unavailable", extra={"bucket": bucket, "error_code": exc.code})
        return {}


# Dashboard


def dashboard(caller: Caller, score_threshold: int, limit: int) -> Dashboard:
    """What the team works from: the feedback approval queue, failed resumes, interviews completed
    this week, assessments to review, applications per open posting, the best candidates."""
    organization = _organization(caller)
    with user_transaction(caller.claims) as conn:
        queue = feedback_rows.queue(conn, organization, limit)
        failed, failed_total = resume_rows.failed(conn, organization, limit)
        completed, completed_total = interview_rows.completed_since(conn, organization, COMPLETED_WITHIN_DAYS, limit)
        to_review, waiting_total = assessment_rows.waiting_review(conn, organization, limit)
        postings = application_rows.open_posting_counts(conn, organization, MAX_OPEN_POSTINGS)
        best, best_total = pipeline_rows.top(conn, organization, score_threshold, limit)
    return Dashboard(
        generated_at=datetime.now(UTC),
        feedback=FeedbackQueue(
            awaiting_approval=queue.awaiting,
            oldest_generated_at=queue.oldest_generated_at,
            oldest_waiting_seconds=queue.oldest_waiting_seconds,
            auto_send_within_hour=queue.due_within_hour,
            items=[
                FeedbackQueueItem(
                    id=UUID(item.id),
                    resume_id=UUID(item.resume_id),
                    candidate=CandidateContact(id=UUID(item.candidate_id), full_name=item.full_name, email=item.email),
                    generated_at=item.generated_at,
                    auto_send_at=item.auto_send_at,
                )
                for item in queue.oldest
            ],
        ),
        failed_resumes=FailedResumes(
            count=failed_total,
            items=[
                FailedResume(
                    resume_id=UUID(item.id),
                    candidate=CandidateContact(id=UUID(item.candidate_id), full_name=item.full_name, email=item.email),
                    file_name=item.file_name,
                    parsing_error=item.parsing_error,
                    uploaded_at=item.uploaded_at,
                    reparse_path=f"/resumes/{item.id}/reparse",
                )
                for item in failed
            ],
        ),
        completed_interviews=CompletedInterviews(
            days=COMPLETED_WITHIN_DAYS,
            count=completed_total,
            items=[
                CompletedInterview(
                    interview_id=UUID(item.id),
                    candidate=CandidateContact(id=UUID(item.candidate_id), full_name=item.full_name, email=item.email),
                    role_type=item.role_type,
                    mode=item.mode,
                    completed_at=item.completed_at,
                )
                for item in completed
            ],
        ),
        assessments_to_review=ReviewQueue(count=waiting_total, items=to_review),
        open_postings=postings,
        top_candidates=TopCandidates(score_threshold=score_threshold, count=best_total, items=best),
    )


# The pipeline


def candidates(caller: Caller, query: PipelineQuery, cursor: str | None, limit: int) -> CandidatePage:
    """One page of the organization's candidates matching the filters, in the query's order, after
    the cursor's position (keyset: rows added meanwhile never shift a page), and the total."""
    organization = _organization(caller)
    check_query(query)
    after = decode_cursor(cursor, query) if cursor else None
    with user_transaction(caller.claims) as conn:
        found = pipeline_rows.page(conn, organization, query, after, limit + 1)
        total = pipeline_rows.count(conn, organization, query)
    items = found[:limit]
    next_cursor = encode_cursor(query, items[-1][1]) if len(found) > limit else None
    return CandidatePage(items=[item for item, _ in items], total=total, limit=limit, sort=query.sort, order=query.order, next_cursor=next_cursor)


def _csv_rows(found: Iterator[ExportRow]) -> Iterator[tuple[object, ...]]:
    for item in found:
        yield (
            item.candidate_id,
            item.full_name,
            item.email,
            item.overall_score,
            item.integrity_score,
            item.application_status,
            item.last_completed_at,
            item.last_activity_at,
            "; ".join(item.skills),
            "; ".join(item.role_types),
            item.assessment_id,
            item.interview_id,
        )


def export_csv(caller: Caller, query: PipelineQuery, limit: int | None) -> CsvExport:
    """The filtered list as CSV (header row, the same order), at most `limit` rows, never more than
    RECRUITER_EXPORT_MAX_ROWS nor EXPORT_MAX_BYTES."""
    organization = _organization(caller)
    check_query(query)
    cap = get_settings().recruiter_export_max_rows
    rows = min(limit or cap, cap)
    with user_transaction(caller.claims) as conn:
        matched = pipeline_rows.count(conn, organization, query)
        content, written = render(CSV_HEADER, _csv_rows(pipeline_rows.stream(conn, organization, query, rows)), EXPORT_MAX_BYTES)
    logger.info("candidates exported", extra={"rows": written, "matched": matched})
    return CsvExport(content=content, rows=written, matched=matched)


# One candidate


def _visible_candidate(conn: Connection, candidate_id: str) -> account_rows.CandidateProfile:
    profile = account_rows.candidate_profile(conn, candidate_id)
    if profile is None:
        raise NotFound("The candidate was not found.")
    return profile


def _interview(found: interview_rows.StaffInterview, records: list[AssessmentRecord]) -> CandidateInterview:
    costs = InterviewCosts(
        ai_model_used=found.ai_model_used,
        total_tokens_used=found.total_tokens_used,
        llm_cost_usd=found.cost_usd,
        speech_tokens_used=found.speech_tokens_used,
        speech_cost_usd=found.speech_cost_usd,
        realtime_cost_usd=found.realtime_cost_usd,
        total_cost_usd=round(found.cost_usd + found.speech_cost_usd + found.realtime_cost_usd, 6),
    )
    return CandidateInterview(
        id=found.id,
        status=found.status,
        mode=found.mode,
        role_type=found.role_type,
        job_posting_id=found.job_posting_id,
        application_id=found.application_id,
        started_at=found.started_at,
        completed_at=found.completed_at,
        duration_seconds=found.duration_seconds,
        end_reason=found.end_reason,
        created_at=found.created_at,
        costs=costs,
        assessments=[record for record in records if record.interview_id == found.id],
    )


def candidate(caller: Caller, candidate_id: str) -> CandidateDetail:
    """The candidate's whole file as the organization sees it: profile, resumes with short-lived
    download links, feedback, the applications to its postings with their history, and every
    interview with its costs and all its scorings (recruiter view, with the review marks)."""
    organization = _organization(caller)
    with user_transaction(caller.claims) as conn:
        profile = _visible_candidate(conn, candidate_id)
        membership = pipeline_rows.find(conn, organization, candidate_id)
        stored = resume_rows.stored_of_candidate(conn, candidate_id)
        feedback = feedback_rows.of_candidate(conn, candidate_id)
        applications = application_rows.history_of_candidate(conn, organization, candidate_id)
        interviews = interview_rows.of_candidate(conn, candidate_id)
        records = assessment_rows.records(conn, organization, [str(found.id) for found in interviews])
    links = _signed(caller.access_token, buckets.RESUMES, [item.storage_path for item in stored], buckets.RESUME_LINK_SECONDS, download=True)
    resumes = [
        CandidateResume(
            **item.resume.model_dump(),
            download_url=links.get(item.storage_path),
            download_expires_in=buckets.RESUME_LINK_SECONDS,
        )
        for item in stored
    ]
    return CandidateDetail(
        candidate=CandidateProfile(
            id=UUID(profile.id),
            email=profile.email,
            full_name=profile.full_name,
            phone=profile.phone,
            status=profile.status,
            created_at=profile.created_at,
            registered_here=bool(membership and membership[1]),
        ),
        pipeline=membership[0] if membership else None,
        resumes=resumes,
        feedback=feedback,
        applications=applications,
        interviews=[_interview(found, records) for found in interviews],
    )


# Interview review


def _evaluation(stored: dict[str, Any] | None) -> AnswerEvaluationView | None:
    if not isinstance(stored, dict):
        return None
    try:
        return AnswerEvaluationView.model_validate(stored)
    except ValidationError:
        return None


def _citing(assessment: AssessmentRecord | None) -> tuple[dict[str, list[IntegrityFlag]], dict[str, list[str]]]:
    """Per message id: the integrity flags and the skills whose evidence cite it."""
    flags: dict[str, list[IntegrityFlag]] = {}
    skills: dict[str, list[str]] = {}
    if assessment is None:
        return flags, skills
    for flag in assessment.integrity_flags:
        for message_id in flag.evidence.get("message_ids") or []:
            flags.setdefault(str(message_id), []).append(flag)
    for skill, scored in sorted(assessment.skill_scores.items()):
        for message_id in scored.evidence_message_ids:
            skills.setdefault(str(message_id), []).append(skill)
    return flags, skills


def _entry(message: ReviewMessage, flags: list[IntegrityFlag], skills: list[str], audio_url: str | None) -> ReviewEntry:
    base: dict[str, Any] = {
        "message_id": message.id,
        "sequence_number": message.sequence_number,
        "text": message.content_text,
        "at": message.created_at,
        "phase": message.phase,
        "topic": message.topic,
    }
    if message.message_type == "ai_question":
        return ReviewEntry(speaker="interviewer", **base)
    spoken = message.content_audio_url is not None or message.audio_duration_seconds is not None or message.transcription_confidence is not None
    return ReviewEntry(
        speaker="candidate",
        **base,
        response_time_seconds=message.response_time_seconds,
        spoken=spoken,
        audio_url=audio_url,
        audio_duration_seconds=message.audio_duration_seconds,
        transcription_confidence=message.transcription_confidence,
        evaluation=_evaluation(message.evaluation),
        integrity_flags=flags,
        cited_by_skills=skills,
    )


def interview_review(caller: Caller, interview_id: str) -> InterviewReview:
    """The transcript with, for each answer, its evaluation (score, skill, phase), response time,
    recording and transcription confidence when spoken, and the integrity flags and skill scores
    of the current assessment that cite it, so every score can be checked against its evidence."""
    organization = _organization(caller)
    with user_transaction(caller.claims) as conn:
        interview = interview_rows.find(conn, interview_id)
        if interview is None:
            raise NotFound("The interview was not found.")
        profile = _visible_candidate(conn, str(interview.candidate_id))
        records = assessment_rows.records(conn, organization, [interview_id])
        become_service(conn)  # evaluations and audio metadata are not granted to the API roles
        messages = interview_rows.review_messages(conn, interview_id)
    current = next((record for record in records if record.is_current), None)
    flags, skills = _citing(current)
    spoken = {m.id: m.content_audio_url for m in messages if m.message_type == "candidate_response" and m.content_audio_url}
    links = _signed(caller.access_token, buckets.AUDIO, list(spoken.values()), get_settings().interview_audio_url_seconds)
    urls = {message_id: links.get(path) for message_id, path in spoken.items()}
    entries = [_entry(m, flags.get(str(m.id), []), skills.get(str(m.id), []), urls.get(m.id)) for m in messages]
    answer_ids = {str(m.id) for m in messages if m.message_type == "candidate_response"}
    flagged = current.integrity_flags if current else []
    other_flags = [flag for flag in flagged if not answer_ids & {str(i) for i in flag.evidence.get("message_ids") or []}]
    return InterviewReview(
        interview=ReviewedInterview(
            id=interview.id,
            status=interview.status,
            mode=interview.mode,
            role_type=interview.role_type,
            started_at=interview.started_at,
            completed_at=interview.completed_at,
            duration_seconds=interview.duration_seconds,
        ),
        candidate=CandidateContact(id=UUID(profile.id), full_name=profile.full_name, email=profile.email),
        assessment=current,
        entries=entries,
        other_flags=other_flags,
    )


# Notes and review marks


def notes(caller: Caller, candidate_id: str) -> list[Note]:
    """The organization's notes on the candidate, newest first (at most MAX_NOTES)."""
    organization = _organization(caller)
    with user_transaction(caller.claims) as conn:
        _visible_candidate(conn, candidate_id)
        return note_rows.of_candidate(conn, organization, candidate_id, MAX_NOTES)


def add_note(caller: Caller, candidate_id: str, body: str) -> Note:
    """A note by the caller on a candidate of their organization, private to it."""
    organization = _organization(caller)
    with user_transaction(caller.claims) as conn:
        _visible_candidate(conn, candidate_id)
        return note_rows.insert(conn, organization, candidate_id, caller.user_id, body)


def mark_reviewed(caller: Caller, assessment_id: str) -> ReviewMarked:
    """Mark an assessment the organization sees as reviewed by the caller, now. Marking it again
    changes nothing: the first mark (who, when) is returned with `already_reviewed`."""
    organization = _organization(caller)
    with user_transaction(caller.claims) as conn:
        if not assessment_rows.is_visible(conn, assessment_id):
            raise NotFound("The assessment was not found.")
        created = assessment_rows.mark_reviewed(conn, organization, assessment_id, caller.user_id)
        mark = assessment_rows.review_mark(conn, organization, assessment_id)
    if mark is None:  # inserted or found just now, under the same policies
        raise NotFound("The assessment was not found.")
    return ReviewMarked(review=mark, already_reviewed=not created)
