"""assessments: an interview's assessment (candidate or recruiter view) and recruiter rescoring."""

from uuid import UUID

from shared.auth import authenticate
from shared.http import create_app, make_handler, ok
from shared.services import assessments

app = create_app()


@app.get("/<interview_id>")
def get_assessment(interview_id: UUID):
    status, body = assessments.get(authenticate(app.current_event), str(interview_id))
    return ok(body, status)


@app.post("/<interview_id>/rescore")
def rescore(interview_id: UUID):
    return ok(assessments.rescore(authenticate(app.current_event), str(interview_id)), 202)


handler = make_handler(app)
