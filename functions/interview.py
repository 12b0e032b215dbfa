"""interview: recovery status, messages (paged), latest message, transcript, completion, and the
interview's video recording (consent and upload, staff review link, withdrawal)."""

from typing import Annotated
from uuid import UUID

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.auth import AnyCaller, Candidate, CandidateCheckedInRead, Staff
from shared.errors import Forbidden, InterviewNotActive, NotFound, PayloadTooLarge, RateLimited, RecordingExists, RecordingNotReady
from shared.http import Envelope, create_app, make_handler, no_content, ok, raises
from shared.models.interviews import Completion, InterviewStatusView, LatestMessage, MessagePage, Transcript
from shared.models.media import RecordingReview, RecordingUpload, RecordingUploadRequest
from shared.services import interviews, recordings

app = create_app()


@app.get("/<interview_id>/status")
@raises(NotFound)
def status(interview_id: UUID, caller: AnyCaller) -> Envelope[InterviewStatusView]:
    """Where the interview stands: resumable, the question awaiting an answer, progress, results link."""
    return ok(interviews.status(caller, str(interview_id)))


@app.get("/<interview_id>/messages")
@raises(NotFound)
def messages(
    interview_id: UUID,
    caller: AnyCaller,
    limit: Annotated[int, Query(ge=1, le=100, description="Page size.")] = 50,
    before: Annotated[int | None, Query(ge=1, description="Read messages before this sequence number (from next_before).")] = None,
) -> Envelope[MessagePage]:
    """A page of messages in order: the newest `limit` before `before`."""
    return ok(interviews.messages(caller, str(interview_id), limit, before))


@app.get("/<interview_id>/messages/latest")
@raises(NotFound)
def latest(interview_id: UUID, caller: AnyCaller) -> Envelope[LatestMessage]:
    """The newest message, if any."""
    return ok(LatestMessage(message=interviews.latest(caller, str(interview_id))))


@app.get("/<interview_id>/transcript")
@raises(NotFound)
def transcript(interview_id: UUID, caller: AnyCaller) -> Envelope[Transcript]:
    """The whole conversation in order, as entries and as plain text."""
    return ok(interviews.transcript(caller, str(interview_id)))


@app.post("/<interview_id>/complete")
@raises(NotFound, Forbidden, InterviewNotActive)
def complete(interview_id: UUID, caller: CandidateCheckedInRead) -> Envelope[Completion]:
    """End the interview now; scoring is queued. Completing it again answers the same duration."""
    return ok(interviews.complete(caller, str(interview_id)))


@app.post("/<interview_id>/recording", status_code=201)
@raises(NotFound, PayloadTooLarge, RecordingExists, RateLimited)
def record(interview_id: UUID, request: RecordingUploadRequest, caller: Candidate) -> Envelope[RecordingUpload]:
    """Consent to a video recording of the interview: a signed URL to PUT the MP4 or WebM (up to 100 MB) to.

    The upload registers the recording; its first bytes are then checked against the declared type
    (anything else is removed). One recording per interview.
    """
    return ok(recordings.request_upload(caller, str(interview_id), request))


@app.get("/<interview_id>/recording")
@raises(NotFound, RecordingNotReady)
def recording(interview_id: UUID, caller: Staff) -> Envelope[RecordingReview]:
    """A 24-hour signed link to the interview's recording (staff of an organization that sees the candidate)."""
    return ok(recordings.review(caller, str(interview_id)))


@app.delete("/<interview_id>/recording", status_code=204)
@raises(NotFound)
def withdraw_recording(interview_id: UUID, caller: Candidate) -> Response[None]:
    """Withdraw consent: the interview's recordings and their files are deleted."""
    recordings.withdraw(caller, str(interview_id))
    return no_content()


handler = make_handler(app)
