"""realtime: a live voice interview with OpenAI's Realtime API. The browser holds the call; this
function opens the session (the whole configuration, minted into a short-lived client secret),
ends it, and judges the events the browser relays (transcripts, tool calls, usage)."""

from uuid import UUID

from shared.auth import Candidate
from shared.errors import (
    AIFailed,
    AITimeout,
    AIUnavailable,
    Conflict,
    InterviewNotActive,
    JobNotOpen,
    NotFound,
    RateLimited,
    RealtimeSessionActive,
    RealtimeSessionNotActive,
    RealtimeUnavailable,
)
from shared.http import Envelope, create_app, make_handler, ok, raises
from shared.models.realtime import EventsRequest, RealtimeSession, RelayResult, SessionEnded
from shared.services import realtime, realtime_relay

app = create_app()


@app.post("/<interview_id>/session", status_code=201)
@raises(NotFound, Conflict, InterviewNotActive, JobNotOpen, RateLimited, RealtimeSessionActive, RealtimeUnavailable, AIFailed, AITimeout)
def open_session(interview_id: UUID, caller: Candidate) -> Envelope[RealtimeSession]:
    """Open the interview's realtime voice session: a client secret for the browser's WebRTC call.

    The session is configured here (instructions from the interview's context, voice, input
    transcription, turn detection, the `evaluate_candidate_answer` tool) and lives at most 10
    minutes or until the interview's time cap. One session per interview is live at a time (409);
    when realtime is off, offline or failing the answer is 503 with `details.fallback_mode: "voice"`.
    A scheduled interview of an application is started in realtime mode first.
    """
    return ok(realtime.open_session(caller, str(interview_id)))


@app.delete("/<interview_id>/session")
@raises(NotFound)
def end_session(interview_id: UUID, caller: Candidate) -> Envelope[SessionEnded]:
    """End the interview's live realtime session (the call hung up); the interview goes on."""
    return ok(realtime.end_session(caller, str(interview_id)))


@app.post("/<interview_id>/events")
@raises(NotFound, RealtimeSessionNotActive, AIUnavailable, AIFailed, AITimeout)
def relay_events(interview_id: UUID, request: EventsRequest, caller: Candidate) -> Envelope[RelayResult]:
    """Relay a batch of the Realtime events the browser received; answers its tool calls.

    Transcripts of both sides become interview messages; a tool call is answered with the
    progressive engine's next step for the stored answer (arguments are never trusted); usage is
    priced into the interview's realtime cost. Replayed events change nothing. Once the interview
    is over (its plan, time cap or cost budget) the answer carries `end`.
    """
    return ok(realtime_relay.relay(caller, str(interview_id), request))


handler = make_handler(app)
