"""process-turn: one answer (text or speech) in, the next question (or the end) out."""

from uuid import UUID

from shared.auth import CandidateCheckedInRead
from shared.errors import (
    AIFailed,
    AITimeout,
    AIUnavailable,
    AudioInvalid,
    Conflict,
    InterviewNotActive,
    NotFound,
    PayloadTooLarge,
    TranscriptionFailed,
)
from shared.http import Envelope, create_app, make_handler, ok, raises, request_arrival
from shared.models.interviews import TurnRequest, TurnResult
from shared.services import turns

app = create_app()


@app.post("/<interview_id>")
@raises(NotFound, Conflict, InterviewNotActive, AudioInvalid, TranscriptionFailed, PayloadTooLarge, AIUnavailable, AIFailed, AITimeout)
def process(interview_id: UUID, request: TurnRequest, caller: CandidateCheckedInRead) -> Envelope[TurnResult]:
    """Answer the outstanding question by text or speech; returns the next question, or done.

    A repeated `client_turn_id` returns the first result (`replayed: true`); of two simultaneous
    answers to the same question one applies and the other gets 409. An answer without
    `question_id` is bound to the question outstanding when it arrived (409 if another answer
    moved the interview on meanwhile). Audio that cannot be read or transcribed is refused with
    nothing stored; so is a turn whose AI work did not finish in the function's time (504).
    """
    return ok(turns.process_turn(caller, str(interview_id), request, arrived_at=request_arrival(app)))


handler = make_handler(app)
