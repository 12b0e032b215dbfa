"""start-interview: create an interview and its session and ask the first warmup question."""

from shared.auth import CandidateCheckedInRead
from shared.errors import AIFailed, AITimeout, AIUnavailable, Conflict, NotFound, RateLimited
from shared.http import Envelope, create_app, make_handler, ok, raises
from shared.models.interviews import StartedInterview, StartRequest
from shared.services import interviews

app = create_app()


@app.post("/", status_code=201)
@raises(NotFound, Conflict, RateLimited, AIUnavailable, AIFailed, AITimeout)
def start(request: StartRequest, caller: CandidateCheckedInRead) -> Envelope[StartedInterview]:
    """Start an interview (for a role, a resume or an application) and get the first question."""
    return ok(interviews.start(caller, request))


handler = make_handler(app)
