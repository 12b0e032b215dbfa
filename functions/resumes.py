"""resumes: upload (direct or signed URL), list, get with parsed data and feedback, download,
delete, activate, recruiter re-parse."""

from uuid import UUID

from aws_lambda_powertools.event_handler import Response

from shared.auth import AnyCaller, Candidate, Manager
from shared.errors import BadRequest, NotFound, PayloadTooLarge, RateLimited, ServiceUnavailable, UnsupportedMediaType, ValidationFailed
from shared.forms import file_field
from shared.http import Envelope, create_app, make_handler, no_content, ok, raises
from shared.models.resumes import (
    DownloadUrl,
    ReparseQueued,
    ResumeDetailResult,
    ResumeList,
    ResumeResult,
    UploadUrl,
    UploadUrlRequest,
)
from shared.services import resumes
from shared.services.resume_files import MAX_RESUME_BYTES

MULTIPART_OVERHEAD = 64 * 1024

app = create_app()


MULTIPART_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary", "description": "The resume: PDF or DOCX, up to 10 MB."}},
            }
        }
    },
}


@app.post("/upload", status_code=201, openapi_extensions={"requestBody": MULTIPART_BODY})
@raises(BadRequest, PayloadTooLarge, UnsupportedMediaType, ValidationFailed, RateLimited, ServiceUnavailable)
def upload(caller: Candidate) -> Envelope[ResumeResult]:
    """Upload a resume as multipart/form-data (field `file`: PDF or DOCX); parsing starts at once.

    The request body is `multipart/form-data` with one file field named `file`.
    """
    file = file_field(app.current_event, "file", max_bytes=MAX_RESUME_BYTES + MULTIPART_OVERHEAD)
    return ok(ResumeResult(resume=resumes.upload(caller, file)))


@app.post("/upload-url", status_code=201)
@raises(PayloadTooLarge, RateLimited)
def upload_url(request: UploadUrlRequest, caller: Candidate) -> Envelope[UploadUrl]:
    """A signed Storage URL to PUT a large resume to; the upload creates the resume."""
    return ok(resumes.upload_url(caller, request))


@app.get("/")
def list_resumes(caller: Candidate) -> Envelope[ResumeList]:
    """The caller's resumes, newest first."""
    return ok(ResumeList(resumes=resumes.list_own(caller)))


@app.get("/<resume_id>")
@raises(NotFound)
def get_resume(resume_id: UUID, caller: AnyCaller) -> Envelope[ResumeDetailResult]:
    """A resume with its parsing status, parsed data and feedback (the owner, or staff)."""
    return ok(ResumeDetailResult(resume=resumes.get(caller, str(resume_id))))


@app.get("/<resume_id>/download")
@raises(NotFound)
def download(resume_id: UUID, caller: AnyCaller) -> Envelope[DownloadUrl]:
    """A short-lived signed link to the stored file."""
    return ok(resumes.download_url(caller, str(resume_id)))


@app.delete("/<resume_id>", status_code=204)
@raises(NotFound)
def delete(resume_id: UUID, caller: Candidate) -> Response[None]:
    """Delete a resume and its stored file."""
    resumes.delete(caller, str(resume_id))
    return no_content()


@app.post("/<resume_id>/activate")
@raises(NotFound)
def activate(resume_id: UUID, caller: Candidate) -> Envelope[ResumeResult]:
    """Make this resume the active version (used for interviews and applications)."""
    return ok(ResumeResult(resume=resumes.activate(caller, str(resume_id))))


@app.post("/<resume_id>/reparse", status_code=202)
@raises(NotFound, RateLimited)
def reparse(resume_id: UUID, caller: Manager) -> Envelope[ReparseQueued]:
    """Parse the stored file again (recruiters and admins).

    While parsing is queued or running, that job is returned (`already_queued: true`); each
    recruiter may re-parse RESUME_REPARSES_PER_HOUR times an hour.
    """
    return ok(resumes.reparse(caller, str(resume_id)))


handler = make_handler(app)
