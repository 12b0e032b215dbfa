"""feedback: the recruiter approval queue for AI resume feedback."""

from uuid import UUID

from shared.auth import AnyCaller, Manager, Staff
from shared.errors import Conflict, NotFound
from shared.http import Envelope, create_app, make_handler, ok, raises
from shared.models.feedback import FeedbackEdit, FeedbackResult, PendingFeedbackList
from shared.services import feedback

app = create_app()


@app.get("/pending")
def pending(caller: Staff) -> Envelope[PendingFeedbackList]:
    """Feedback awaiting approval, oldest first, with the candidate's name (staff)."""
    return ok(PendingFeedbackList(items=feedback.pending(caller)))


@app.get("/<feedback_id>")
@raises(NotFound)
def get_feedback(feedback_id: UUID, caller: AnyCaller) -> Envelope[FeedbackResult]:
    """One feedback: staff see any; a candidate sees their own once it was sent."""
    return ok(FeedbackResult(feedback=feedback.get(caller, str(feedback_id))))


@app.patch("/<feedback_id>")
@raises(NotFound, Conflict)
def edit(feedback_id: UUID, change: FeedbackEdit, caller: Manager) -> Envelope[FeedbackResult]:
    """Edit the draft while it awaits approval (recruiters and admins)."""
    return ok(FeedbackResult(feedback=feedback.edit(caller, str(feedback_id), change)))


@app.post("/<feedback_id>/approve")
@raises(NotFound, Conflict)
def approve(feedback_id: UUID, caller: Manager) -> Envelope[FeedbackResult]:
    """Approve the feedback; the email is sent by the outbox (recruiters and admins)."""
    return ok(FeedbackResult(feedback=feedback.approve(caller, str(feedback_id))))


handler = make_handler(app)
