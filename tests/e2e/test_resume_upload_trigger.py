"""An upload into the resumes bucket through the Storage stand-in creates the resume row and its
processing job, exactly as the trigger does on Supabase."""

import uuid

from local import postgres
from supabase import ClientOptions, create_client
from tests.documents import make_pdf

PASSWORD = "Str0ng!Pass"


def test_candidate_upload_creates_resume_and_job(stack_env, supabase_url, stack_db):
    options = ClientOptions(auto_refresh_token=False, persist_session=False)
    service = create_client(supabase_url, stack_env["SUPABASE_SERVICE_ROLE_KEY"], options=options)
    email = f"upl-{uuid.uuid4().hex[:10]}@example.com"
    service.auth.admin.create_user(
        {
            "email": email,
            "password": PASSWORD,
            "email_confirm": True,
            "app_metadata": {"role": "candidate"},
            "user_metadata": {"full_name": "Uma Upload"},
        }
    )
    client = create_client(supabase_url, stack_env["SUPABASE_ANON_KEY"], options=options)
    uid = client.auth.sign_in_with_password({"email": email, "password": PASSWORD}).user.id
    pdf = make_pdf()
    client.storage.from_("resumes").upload(f"{uid}/cv.pdf", pdf, {"content-type": "application/pdf"})
    with postgres.connect(stack_db) as conn:
        resume = conn.execute("select id, file_size, parsing_status, is_active from public.resumes where candidate_id = %s", [uid]).fetchone()
        job = conn.execute("select kind, status from private.jobs where dedupe_key = %s", [f"resume.process:{resume[0]}"]).fetchone()
    assert resume[1:] == (len(pdf), "pending", True)
    assert job == ("resume.process", "queued")
