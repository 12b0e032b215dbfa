"""interview: recovery status, messages (paged), latest message, transcript, completion."""

from typing import Annotated
from uuid import UUID

from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.auth import AnyCaller, Candidate
from shared.errors import Forbidden, InterviewNotActive, NotFound
from shared.http import Envelope, create_app, make_handler, ok, raises
from shared.models.interviews import Completion, InterviewStatusView, LatestMessage, MessagePage, Transcript
from shared.services import interviews

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
def complete(interview_id: UUID, caller: Candidate) -> Envelope[Completion]:
    """End the interview now; scoring is queued."""
    return ok(interviews.complete(caller, str(interview_id)))


handler = make_handler(app)
