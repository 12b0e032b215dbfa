"""assessments: an interview's assessment (candidate or recruiter view) and recruiter rescoring."""

from uuid import UUID

from aws_lambda_powertools.event_handler import Response

from shared.auth import AnyCaller, Manager
from shared.errors import Conflict, NotFound, RateLimited
from shared.http import Envelope, also_answers, create_app, make_handler, ok, raises, respond
from shared.models.assessments import AssessmentView, RescoreQueued, ScoringInProgress
from shared.services import assessments

app = create_app()


@app.get("/<interview_id>")
@also_answers(202, "Accepted: the interview is still being scored (`{status: processing}`); poll again shortly.")
@raises(NotFound, Conflict)
def get_assessment(interview_id: UUID, caller: AnyCaller) -> Response[Envelope[AssessmentView]]:
    """The interview's assessment: the candidate's view for the candidate, everything with history for staff."""
    result = assessments.get(caller, str(interview_id))
    return respond(result, 202 if isinstance(result, ScoringInProgress) else 200)


@app.post("/<interview_id>/rescore", status_code=202)
@raises(NotFound, Conflict, RateLimited)
def rescore(interview_id: UUID, caller: Manager) -> Envelope[RescoreQueued]:
    """Score the interview again (recruiters and admins); the earlier result stays as history.

    While scoring is queued or running, that job is returned (`already_queued: true`); each
    recruiter may rescore ASSESSMENT_RESCORES_PER_HOUR times an hour.
    """
    return ok(assessments.rescore(caller, str(interview_id)))


handler = make_handler(app)
