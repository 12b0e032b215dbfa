"""resumes: upload (direct or signed URL), list, get with parsed data and feedback, download,
delete, activate, recruiter re-parse."""

from uuid import UUID

from shared.auth import authenticate, bearer_token
from shared.forms import file_field
from shared.http import create_app, make_handler, ok
from shared.services import resumes
from shared.services.resume_files import MAX_RESUME_BYTES
from shared.services.resumes import UploadUrlRequest

MULTIPART_OVERHEAD = 64 * 1024

app = create_app()


@app.post("/upload")
def upload():
    caller = authenticate(app.current_event)
    file = file_field(app.current_event, "file", max_bytes=MAX_RESUME_BYTES + MULTIPART_OVERHEAD)
    return ok({"resume": resumes.upload(caller, bearer_token(app.current_event), file)}, 201)


@app.post("/upload-url")
def upload_url(request: UploadUrlRequest):
    caller = authenticate(app.current_event)
    return ok(resumes.upload_url(caller, bearer_token(app.current_event), request), 201)


@app.get("/")
def list_resumes():
    return ok({"resumes": resumes.list_own(authenticate(app.current_event))})


@app.get("/<resume_id>")
def get_resume(resume_id: UUID):
    return ok({"resume": resumes.get(authenticate(app.current_event), str(resume_id))})


@app.get("/<resume_id>/download")
def download(resume_id: UUID):
    caller = authenticate(app.current_event)
    return ok(resumes.download_url(caller, bearer_token(app.current_event), str(resume_id)))


@app.delete("/<resume_id>")
def delete(resume_id: UUID):
    caller = authenticate(app.current_event)
    resumes.delete(caller, bearer_token(app.current_event), str(resume_id))
    return ok(status_code=204)


@app.post("/<resume_id>/activate")
def activate(resume_id: UUID):
    return ok({"resume": resumes.activate(authenticate(app.current_event), str(resume_id))})


@app.post("/<resume_id>/reparse")
def reparse(resume_id: UUID):
    return ok(resumes.reparse(authenticate(app.current_event), str(resume_id)), 202)


handler = make_handler(app)
