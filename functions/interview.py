"""interview: recovery status, messages (paged), latest message, transcript, completion."""

from typing import Annotated
from uuid import UUID

from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.auth import authenticate
from shared.http import create_app, make_handler, ok
from shared.services import interviews

app = create_app()


@app.get("/<interview_id>/status")
def status(interview_id: UUID):
    return ok(interviews.status(authenticate(app.current_event), str(interview_id)))


@app.get("/<interview_id>/messages")
def messages(interview_id: UUID, limit: Annotated[int, Query(ge=1, le=100)] = 50, before: Annotated[int | None, Query(ge=1)] = None):
    return ok(interviews.messages(authenticate(app.current_event), str(interview_id), limit, before))


@app.get("/<interview_id>/messages/latest")
def latest(interview_id: UUID):
    return ok({"message": interviews.latest(authenticate(app.current_event), str(interview_id))})


@app.get("/<interview_id>/transcript")
def transcript(interview_id: UUID):
    return ok(interviews.transcript(authenticate(app.current_event), str(interview_id)))


@app.post("/<interview_id>/complete")
def complete(interview_id: UUID):
    return ok(interviews.complete(authenticate(app.current_event), str(interview_id)))


handler = make_handler(app)
