"""Interview recordings over HTTP and through the Storage stand-in (issue 19, done-when): a
consented upload, the recruiter's 24-hour review link (404 for another organization), withdrawal,
content that is not the declared video removed, and the daily cleanup by moved time: soft-deleted
after 30 days, then file and row gone 90 days later."""

from __future__ import annotations

import httpx
import pytest

from local import postgres

OTHER_FIRM = "00000000-0000-0000-0000-00000000b002"
WEBM = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm\x42\x87\x81\x04\x42\x85\x81\x02" + bytes(4000)


@pytest.fixture
def candidate(make_user):
    return make_user("candidate", "Rory Recording")


def start_interview(api, user) -> str:
    started = api("POST", "/start-interview/", token=user["token"], json={"role_type": "python"})
    assert started.status_code == 201, started.text
    return started.json()["data"]["interview"]["id"]


def record(api, user, interview, data=WEBM, content_type="video/webm"):
    granted = api(
        "POST", f"/interview/{interview}/recording", token=user["token"], json={"consent": True, "content_type": content_type, "file_size": len(data)}
    )
    assert granted.status_code == 201, granted.text
    grant = granted.json()["data"]
    assert grant["path"].startswith(f"{user['id']}/{interview}/")
    put = httpx.put(grant["upload_url"], content=data, headers={"content-type": content_type})
    assert put.status_code == 200, put.text
    return grant["path"]


def run_jobs():
    import shared.jobs  # noqa: F401 - registers the job handlers in this process
    from shared.queue import drain

    drain()


def stored(stack_db, path) -> bool:
    with postgres.connect(stack_db) as conn:
        return conn.execute("select 1 from storage.objects where bucket_id = 'interview-recordings' and name = %s", [path]).fetchone() is not None


def outsider(make_user, stack_db):
    user = make_user("recruiter", "Otto Outsider")
    with postgres.connect(stack_db) as conn:
        conn.execute("insert into public.organizations (id, name) values (%s, 'Other Firm') on conflict do nothing", [OTHER_FIRM])
        conn.execute("update public.recruiters set organization_id = %s where id = %s", [OTHER_FIRM, user["id"]])
    return user


def test_a_consented_recording_is_reviewed_by_the_organization_and_cleaned_up_by_moved_time(api, candidate, make_user, stack_db, in_stack):
    interview = start_interview(api, candidate)
    path = record(api, candidate, interview)
    recruiter = make_user("recruiter", "Rita Reviewer")
    waiting = api("GET", f"/interview/{interview}/recording", token=recruiter["token"])
    assert waiting.status_code == 409 and waiting.json()["error"]["code"] == "RECORDING_NOT_READY"
    run_jobs()  # recording.check reads the first bytes

    review = api("GET", f"/interview/{interview}/recording", token=recruiter["token"])
    assert review.status_code == 200, review.text
    data = review.json()["data"]
    assert data["expires_in"] == 24 * 3600 and data["recording"]["mime_type"] == "video/webm" and data["recording"]["size_bytes"] == len(WEBM)
    assert httpx.get(data["url"], timeout=10).content == WEBM
    assert api("GET", f"/interview/{interview}/recording", token=outsider(make_user, stack_db)["token"]).status_code == 404
    assert api("GET", f"/interview/{interview}/recording", token=candidate["token"]).status_code == 403
    again = api(
        "POST", f"/interview/{interview}/recording", token=candidate["token"], json={"consent": True, "content_type": "video/webm", "file_size": 10}
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "RECORDING_EXISTS"

    from shared.services import retention

    with postgres.connect(stack_db) as conn:
        conn.execute("update public.video_recordings set created_at = now() - interval '31 days' where storage_path = %s", [path])
    assert retention.run().removed["recordings_soft_deleted"] >= 1
    assert api("GET", f"/interview/{interview}/recording", token=recruiter["token"]).status_code == 404  # hidden once soft-deleted
    assert stored(stack_db, path)  # the file stays until the hard delete
    with postgres.connect(stack_db) as conn:
        conn.execute(
            "update public.video_recordings set soft_deleted_at = soft_deleted_at - interval '90 days',"
            " hard_delete_after = hard_delete_after - interval '90 days' where storage_path = %s",
            [path],
        )
    assert retention.run().removed["recordings_hard_deleted"] >= 1
    assert not stored(stack_db, path)
    assert httpx.get(data["url"], timeout=10).status_code in {400, 404}  # the signed link finds nothing any more
    with postgres.connect(stack_db) as conn:
        assert conn.execute("select count(*) from public.video_recordings where storage_path = %s", [path]).fetchone()[0] == 0


def test_withdrawing_consent_deletes_the_recording_and_its_file(api, candidate, stack_db, in_stack):
    interview = start_interview(api, candidate)
    path = record(api, candidate, interview)
    run_jobs()
    withdrawn = api("DELETE", f"/interview/{interview}/recording", token=candidate["token"])
    assert withdrawn.status_code == 204, withdrawn.text
    assert not stored(stack_db, path)
    with postgres.connect(stack_db) as conn:
        assert conn.execute("select count(*) from public.video_recordings where interview_id = %s", [interview]).fetchone()[0] == 0
    assert record(api, candidate, interview)  # a new consent is possible again


def test_a_file_that_is_not_the_declared_video_is_removed(api, candidate, stack_db, in_stack):
    interview = start_interview(api, candidate)
    path = record(api, candidate, interview, data=b"%PDF-1.7 this is a document" + bytes(100))
    run_jobs()
    assert not stored(stack_db, path)
    with postgres.connect(stack_db) as conn:
        assert conn.execute("select count(*) from public.video_recordings where interview_id = %s", [interview]).fetchone()[0] == 0


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"consent": False, "content_type": "video/webm", "file_size": 10}, 422, "consent"),
        ({"content_type": "video/webm", "file_size": 10}, 422, "consent"),
        ({"consent": True, "content_type": "video/quicktime", "file_size": 10}, 422, "content_type"),
        ({"consent": True, "content_type": "video/mp4", "file_size": 0}, 422, "file_size"),
        ({"consent": True, "content_type": "video/mp4", "file_size": 100 * 1024 * 1024 + 1}, 413, None),
    ],
)
def test_bad_consents_are_refused_naming_the_field(api, candidate, body, status, field):
    interview = start_interview(api, candidate)
    reply = api("POST", f"/interview/{interview}/recording", token=candidate["token"], json=body)
    assert reply.status_code == status, reply.text
    if field:
        error = reply.json()["error"]
        assert field in str(error.get("details")), error


def test_other_candidates_interviews_are_not_found(api, candidate, make_user):
    interview = start_interview(api, candidate)
    stranger = make_user("candidate", "Sam Stranger")
    body = {"consent": True, "content_type": "video/webm", "file_size": 10}
    assert api("POST", f"/interview/{interview}/recording", token=stranger["token"], json=body).status_code == 404
    assert api("DELETE", f"/interview/{interview}/recording", token=stranger["token"]).status_code == 404


def test_admins_see_storage_usage_per_bucket(api, candidate, make_user, in_stack):
    interview = start_interview(api, candidate)
    record(api, candidate, interview)
    admin = make_user("admin", "Ada Admin")
    usage = api("GET", "/storage-usage/", token=admin["token"])
    assert usage.status_code == 200, usage.text
    buckets = {item["bucket"]: item for item in usage.json()["data"]["buckets"]}
    assert {"resumes", "audio", "interview-recordings"} <= set(buckets)
    assert buckets["interview-recordings"]["bytes"] >= len(WEBM) and buckets["interview-recordings"]["bytes_added_30d"] >= len(WEBM)
    assert api("GET", "/storage-usage/", token=make_user("recruiter", "Rita")["token"]).status_code == 403
