"""start-interview: create an interview and its session and ask the first warmup question."""

from shared.auth import authenticate
from shared.http import create_app, make_handler, ok
from shared.services import interviews
from shared.services.interviews import StartRequest

app = create_app()


@app.post("/")
def start(request: StartRequest):
    return ok(interviews.start(authenticate(app.current_event), request), 201)


handler = make_handler(app)
