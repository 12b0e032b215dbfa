"""process-turn: one answer (text or speech) in, the next question (or the end) out."""

from uuid import UUID

from shared.auth import authenticate, bearer_token
from shared.http import create_app, make_handler, ok
from shared.services import turns
from shared.services.turns import TurnRequest

app = create_app()


@app.post("/<interview_id>")
def process(interview_id: UUID, request: TurnRequest):
    caller = authenticate(app.current_event)
    return ok(turns.process_turn(caller, bearer_token(app.current_event), str(interview_id), request))


handler = make_handler(app)
