"""resume.process (download, extract text, AI extraction) and feedback.generate (AI feedback
awaiting recruiter approval). Both are idempotent: a second run finds the work done."""

from __future__ import annotations

import json
from typing import Any

from shared import buckets, storage
from shared.ai.base import get_provider
from shared.ai.models import ResumeExtraction
from shared.db import service_transaction
from shared.errors import AppError, PayloadTooLarge, ValidationFailed
from shared.queue import PermanentJobError, RetryPolicy, job_handler
from shared.services import resumes
from shared.services.resume_files import UnreadableResume, check_resume_bytes, extract_text
from shared.settings import get_settings
from shared.supabase_clients import service_client

AI_POLICY = RetryPolicy(base_seconds=15, max_seconds=600)


def _readable(error: BaseException) -> str:
    if isinstance(error, PermanentJobError | UnreadableResume):
        return str(error)
    if isinstance(error, AppError):
        return f"{error.message} Parsing was tried 3 times; a recruiter can re-parse it."
    return "Parsing failed after 3 attempts; a recruiter can re-parse it."


def _parsing_dead(payload: dict[str, Any], error: BaseException) -> None:
    with service_transaction() as conn:
        conn.execute(
            "update public.resumes set parsing_status = 'failed', parsing_error = %s where id = %s and parsing_status <> 'completed'",
            [_readable(error), payload["resume_id"]],
        )


@job_handler("resume.process", policy=AI_POLICY, on_dead=_parsing_dead)
def process_resume(payload: dict[str, Any]) -> dict[str, Any]:
    """Check the stored bytes first (every upload path ends here, including direct Storage uploads
    and upload URLs that no function saw): a file that is not what its name says, or a DOCX that
    is unsafe to open, is discarded with its row. Then extract the text and the AI extraction."""
    resume_id = payload["resume_id"]
    with service_transaction() as conn:
        row = conn.execute("select storage_path, file_name, mime_type, parsing_status from public.resumes where id = %s", [resume_id]).fetchone()
    if row is None:
        return {"resume_id": resume_id, "skipped": "deleted"}
    if row["parsing_status"] == "completed" and not payload.get("force"):
        return {"resume_id": resume_id, "skipped": "already parsed"}
    data = storage.download(service_client(), buckets.RESUMES, row["storage_path"])
    try:
        check_resume_bytes(row["file_name"], row["mime_type"], data)
    except (ValidationFailed, PayloadTooLarge) as exc:
        resumes.discard(resume_id, exc.code)
        return {"resume_id": resume_id, "discarded": exc.message}
    with service_transaction() as conn:
        conn.execute("update public.resumes set parsing_status = 'processing', parsing_error = null where id = %s", [resume_id])
    try:
        text = extract_text(data)
    except UnreadableResume as exc:
        raise PermanentJobError(str(exc)) from exc
    extracted = get_provider().extract_resume(text)
    with service_transaction() as conn:
        conn.execute(
            "update public.resumes set parsed_data = %s, parsing_status = 'completed', parsing_error = null, parsed_at = now(),"
            " parse_model = %s, parse_prompt_version = %s where id = %s",
            [extracted.value.model_dump_json(), extracted.usage.model, extracted.usage.prompt_version, resume_id],
        )
    return {"resume_id": resume_id, "skills": len(extracted.value.skills), "cost_usd": extracted.usage.cost_usd}


@job_handler("feedback.generate", policy=AI_POLICY)
def generate_feedback(payload: dict[str, Any]) -> dict[str, Any]:
    resume_id = payload["resume_id"]
    with service_transaction() as conn:
        row = conn.execute(
            "select r.candidate_id, r.parsed_data, f.id as feedback_id from public.resumes r"
            " left join public.resume_feedback f on f.resume_id = r.id where r.id = %s",
            [resume_id],
        ).fetchone()
    if row is None:
        return {"resume_id": resume_id, "skipped": "deleted"}
    if row["feedback_id"] is not None:
        return {"resume_id": resume_id, "skipped": "feedback exists"}
    if row["parsed_data"] is None:
        raise PermanentJobError("the resume has no parsed data")
    draft = get_provider().generate_feedback(ResumeExtraction.model_validate(row["parsed_data"]))
    hours = get_settings().feedback_auto_send_hours
    with service_transaction() as conn:
        created = conn.execute(
            "insert into public.resume_feedback (resume_id, candidate_id, feedback_content, identified_gaps, recommended_resources,"
            " status, generated_at, auto_send_at, model, prompt_version)"
            " values (%s, %s, %s, %s, %s, 'pending_approval', now(), now() + make_interval(hours => %s), %s, %s)"
            " on conflict (resume_id) do nothing returning id",
            [
                resume_id,
                row["candidate_id"],
                draft.value.feedback_content,
                json.dumps(draft.value.identified_gaps),
                json.dumps([r.model_dump() for r in draft.value.recommended_resources]),
                hours,
                draft.usage.model,
                draft.usage.prompt_version,
            ],
        ).fetchone()
    return {"resume_id": resume_id, "feedback_id": str(created["id"]) if created else None}
