"""feedback: the recruiter approval queue for AI resume feedback."""

from uuid import UUID

from shared.auth import authenticate
from shared.http import create_app, make_handler, ok
from shared.services import feedback
from shared.services.feedback import FeedbackEdit

app = create_app()


@app.get("/pending")
def pending():
    return ok({"items": feedback.pending(authenticate(app.current_event))})


@app.get("/<feedback_id>")
def get_feedback(feedback_id: UUID):
    return ok({"feedback": feedback.get(authenticate(app.current_event), str(feedback_id))})


@app.patch("/<feedback_id>")
def edit(feedback_id: UUID, change: FeedbackEdit):
    return ok({"feedback": feedback.edit(authenticate(app.current_event), str(feedback_id), change)})


@app.post("/<feedback_id>/approve")
def approve(feedback_id: UUID):
    return ok({"feedback": feedback.approve(authenticate(app.current_event), str(feedback_id))})


handler = make_handler(app)
