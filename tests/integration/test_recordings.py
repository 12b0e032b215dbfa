"""Interview recordings in the database (issue 19.2): the upload trigger turns a consent into the
recording row and queues the content check; the check keeps the file only when its first bytes
are the declared container; the daily retention soft- then hard-deletes recordings and removes
question audio of long-finished interviews; admins see their organization's storage usage.
Storage itself is faked here (the files removed are recorded); tests/e2e/test_recordings_api.py
runs the same through the Storage stand-in."""

from __future__ import annotations

import json
import uuid

import psycopg
import pytest

from shared.errors import ServiceUnavailable
from shared.services import recordings, retention
from shared.settings import get_settings
from tests.rls import Actor, acting_as, create_user

HOME = "00000000-0000-0000-0000-00000000a001"
OTHER = "00000000-0000-0000-0000-00000000b002"
WEBM_HEAD = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm\x42\x87\x81\x04"
MP4_HEAD = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41"


class FakeStorage:
    """The objects shared.storage would read and remove, by (bucket, path)."""

    def __init__(self) -> None:
        self.heads: dict[tuple[str, str], bytes] = {}
        self.removed: list[tuple[str, str]] = []
        self.down = False

    def read_head(self, client, bucket, path, length):
        return self.heads.get((bucket, path))

    def remove(self, client, bucket, path):
        self.removed.append((bucket, path))

    def remove_many(self, client, bucket, paths):
        if self.down and paths:
            raise ServiceUnavailable("File storage is temporarily unavailable.")
        self.removed += [(bucket, path) for path in paths]
        return len(paths)


@pytest.fixture
def files(app_env, monkeypatch):
    fake = FakeStorage()
    for name in ("read_head", "remove", "remove_many"):
        monkeypatch.setattr(f"shared.storage.{name}", getattr(fake, name))
    monkeypatch.setattr("shared.services.recordings.service_client", lambda: None)
    monkeypatch.setattr("shared.services.retention.service_client", lambda: None)
    return fake


@pytest.fixture
def candidate(admin_conn):
    return create_user(admin_conn, "candidate", name="Vera Video")


def interview_of(conn, candidate, status="completed", finished_days_ago=0):
    row = conn.execute(
        "insert into public.interviews (candidate_id, role_type, status, started_at, completed_at, last_activity_at)"
        " values (%s, 'python', %s, now() - make_interval(days => %s), case when %s = 'completed' then now() - make_interval(days => %s) end,"
        " now() - make_interval(days => %s)) returning id",
        [candidate, status, finished_days_ago, status, finished_days_ago, finished_days_ago],
    ).fetchone()
    return str(row["id"])


def consent(conn, candidate, interview, mime="video/webm"):
    path = f"{candidate}/{interview}/{uuid.uuid4().hex}.{mime.split('/')[1]}"
    conn.execute(
        "insert into private.recording_consents (storage_path, candidate_id, interview_id, mime_type) values (%s, %s, %s, %s)",
        [path, candidate, interview, mime],
    )
    return path


def upload(conn, path, owner, mime="video/webm", size=4096):
    conn.execute(
        "insert into storage.objects (bucket_id, name, owner, metadata) values ('interview-recordings', %s, %s, %s)",
        [path, owner, json.dumps({"size": size, "mimetype": mime})],
    )


def recording_rows(conn, interview):
    return conn.execute(
        "select storage_path, mime_type, size_bytes, content_checked_at is not null as checked, soft_deleted_at is not null as soft_deleted"
        " from public.video_recordings where interview_id = %s order by created_at",
        [interview],
    ).fetchall()


def test_a_consented_upload_becomes_a_recording_once_its_first_bytes_are_checked(files, admin_conn, candidate):
    interview = interview_of(admin_conn, candidate)
    path = consent(admin_conn, candidate, interview)
    upload(admin_conn, path, candidate)
    assert recording_rows(admin_conn, interview) == [
        {"storage_path": path, "mime_type": "video/webm", "size_bytes": 4096, "checked": False, "soft_deleted": False}
    ]
    assert admin_conn.execute("select count(*) as n from private.recording_consents").fetchone()["n"] == 0
    job = admin_conn.execute("select kind, payload from private.jobs where dedupe_key = %s", [f"recording.check:{path}"]).fetchone()
    assert job == {"kind": "recording.check", "payload": {"storage_path": path}}

    files.heads[("interview-recordings", path)] = WEBM_HEAD
    assert recordings.check_upload(path)["outcome"] == "checked"
    assert recording_rows(admin_conn, interview)[0]["checked"] is True
    assert recordings.check_upload(path)["outcome"] == "already checked"
    assert files.removed == []


@pytest.mark.parametrize(
    ("declared", "head"),
    [
        ("video/webm", MP4_HEAD),  # an MP4 declared as WebM
        ("video/mp4", b"%PDF-1.7 not a video at all......"),  # a document
        ("video/webm", b"\x1a\x45\xdf\xa3\x9f\x42\x82\x88matroska"),  # Matroska, not WebM
        ("video/mp4", b""),  # empty
    ],
)
def test_content_that_is_not_the_declared_video_is_removed_with_its_row(files, admin_conn, candidate, declared, head):
    interview = interview_of(admin_conn, candidate)
    path = consent(admin_conn, candidate, interview, declared)
    upload(admin_conn, path, candidate, mime=declared)
    files.heads[("interview-recordings", path)] = head
    assert recordings.check_upload(path)["reason"] == "content"
    assert recording_rows(admin_conn, interview) == []
    assert files.removed == [("interview-recordings", path)]


def test_uploads_nobody_consented_to_get_no_row_and_are_removed(files, admin_conn, candidate):
    interview = interview_of(admin_conn, candidate)
    other = create_user(admin_conn, "candidate")
    kept = consent(admin_conn, candidate, interview)
    stray = f"{candidate}/{interview}/straight-to-storage.webm"
    squatted = f"{other}/{interview}/{kept.rsplit('/', 1)[1]}"  # someone else's folder: the consent is not theirs
    for path, owner in ((stray, candidate), (squatted, other)):
        upload(admin_conn, path, owner)
        files.heads[("interview-recordings", path)] = WEBM_HEAD
        assert recordings.check_upload(path) == {"outcome": "removed", "reason": "no consent"}
    assert recording_rows(admin_conn, interview) == []
    assert files.removed == [("interview-recordings", stray), ("interview-recordings", squatted)]


def test_an_interview_keeps_one_live_recording(files, admin_conn, candidate):
    interview = interview_of(admin_conn, candidate)
    first, second = consent(admin_conn, candidate, interview), consent(admin_conn, candidate, interview)
    upload(admin_conn, first, candidate)
    upload(admin_conn, second, candidate)
    assert [row["storage_path"] for row in recording_rows(admin_conn, interview)] == [first]


def test_a_declared_type_the_upload_does_not_carry_gets_no_row(files, admin_conn, candidate):
    interview = interview_of(admin_conn, candidate)
    path = consent(admin_conn, candidate, interview, "video/mp4")
    upload(admin_conn, path, candidate, mime="video/webm")
    assert recording_rows(admin_conn, interview) == []


def test_a_vanished_file_takes_its_row_along(files, admin_conn, candidate):
    interview = interview_of(admin_conn, candidate)
    path = consent(admin_conn, candidate, interview)
    upload(admin_conn, path, candidate)
    assert recordings.check_upload(path) == {"outcome": "gone"}
    assert recording_rows(admin_conn, interview) == []


def test_candidates_no_longer_insert_recording_rows_themselves(admin_conn, candidate):
    interview = interview_of(admin_conn, candidate)
    with pytest.raises(psycopg.errors.InsufficientPrivilege), acting_as(admin_conn.info.dbname, Actor("c", candidate, "candidate")) as conn:
        conn.execute(
            "insert into public.video_recordings (interview_id, candidate_id, storage_path, mime_type, size_bytes, consent_given_at)"
            " values (%s, %s, %s, 'video/webm', 10, now())",
            [interview, candidate, f"{candidate}/{interview}/x.webm"],
        )


def test_retention_soft_deletes_after_30_days_and_hard_deletes_90_days_later(files, admin_conn, candidate):
    recorded = {}
    for name, age in (("fresh", 29), ("old", 31)):
        interview = interview_of(admin_conn, candidate)
        path = consent(admin_conn, candidate, interview)
        upload(admin_conn, path, candidate)
        admin_conn.execute("update public.video_recordings set created_at = now() - make_interval(days => %s) where storage_path = %s", [age, path])
        recorded[name] = (interview, path)

    first = retention.run()
    assert first.removed["recordings_soft_deleted"] == 1 and first.removed["recordings_hard_deleted"] == 0
    old_interview, old_path = recorded["old"]
    row = admin_conn.execute(
        "select soft_deleted_at is not null as soft, hard_delete_after - soft_deleted_at as wait"
        " from public.video_recordings where storage_path = %s",
        [old_path],
    ).fetchone()
    assert row["soft"] and row["wait"].days == 90
    assert recording_rows(admin_conn, recorded["fresh"][0])[0]["soft_deleted"] is False
    assert files.removed == []

    admin_conn.execute(
        "update public.video_recordings set soft_deleted_at = soft_deleted_at - interval '89 days',"
        " hard_delete_after = hard_delete_after - interval '89 days' where storage_path = %s",
        [old_path],
    )
    assert retention.run().removed["recordings_hard_deleted"] == 0  # 89 days after the soft delete
    admin_conn.execute(
        "update public.video_recordings set hard_delete_after = hard_delete_after - interval '1 day' where storage_path = %s", [old_path]
    )
    assert retention.run().removed["recordings_hard_deleted"] == 1
    assert recording_rows(admin_conn, old_interview) == []
    assert files.removed == [("interview-recordings", old_path)]


def test_retention_periods_are_settings(files, admin_conn, candidate, monkeypatch):
    monkeypatch.setenv("RECORDING_SOFT_DELETE_DAYS", "7")
    monkeypatch.setenv("RECORDING_HARD_DELETE_DAYS", "0")
    get_settings.cache_clear()
    interview = interview_of(admin_conn, candidate)
    path = consent(admin_conn, candidate, interview)
    upload(admin_conn, path, candidate)
    admin_conn.execute("update public.video_recordings set created_at = now() - interval '8 days'")
    run = retention.run()
    assert (run.removed["recordings_soft_deleted"], run.removed["recordings_hard_deleted"]) == (1, 1)
    assert files.removed == [("interview-recordings", path)]


def question_with_audio(conn, interview, candidate, sequence=1):
    path = f"{candidate}/{interview}/question-{sequence}.mp3"
    conn.execute(
        "insert into public.interview_messages (interview_id, sequence_number, message_type, content_text, content_audio_url)"
        " values (%s, %s, 'ai_question', 'Why?', %s), (%s, %s, 'candidate_response', 'Because.', %s)",
        [interview, sequence, path, interview, sequence + 1, f"{candidate}/answers/{sequence}.wav"],
    )
    return path


def test_retention_removes_question_audio_of_interviews_finished_over_30_days_ago(files, admin_conn, candidate):
    old = question_with_audio(admin_conn, interview_of(admin_conn, candidate, "completed", 31), candidate)
    abandoned = question_with_audio(admin_conn, interview_of(admin_conn, candidate, "abandoned", 40), candidate)
    recent = question_with_audio(admin_conn, interview_of(admin_conn, candidate, "completed", 29), candidate)
    running = question_with_audio(admin_conn, interview_of(admin_conn, candidate, "in_progress", 45), candidate)

    assert retention.run().removed["question_audio"] == 2
    assert sorted(files.removed) == sorted([("audio", old), ("audio", abandoned)])
    left = {
        row["content_audio_url"]
        for row in admin_conn.execute("select content_audio_url from public.interview_messages where content_audio_url is not null")
    }
    assert {recent, running} <= left and not {old, abandoned} & left
    assert admin_conn.execute("select count(*) as n from public.interview_messages").fetchone()["n"] == 8  # the text stays
    assert retention.run().removed["question_audio"] == 0


def test_a_storage_outage_skips_the_media_steps_and_keeps_their_rows(files, admin_conn, candidate):
    old = question_with_audio(admin_conn, interview_of(admin_conn, candidate, "completed", 31), candidate)
    files.down = True
    run = retention.run()
    assert run.skipped == ["question_audio"] and not run.complete
    assert admin_conn.execute("select count(*) as n from public.interview_messages where content_audio_url = %s", [old]).fetchone()["n"] == 1


def usage(database, who):
    with acting_as(database, who) as conn:
        return {row["bucket_id"]: row for row in conn.execute("select * from public.organization_storage_usage()")}


def test_admins_see_the_storage_of_their_organizations_candidates(admin_conn, candidate):
    admin_conn.execute("insert into public.organizations (id, name) values (%s, 'Other Firm') on conflict do nothing", [OTHER])
    admin = create_user(admin_conn, "admin")
    recruiter = create_user(admin_conn, "recruiter")
    other_admin = create_user(admin_conn, "admin", OTHER)
    outsider = create_user(admin_conn, "candidate", OTHER)
    for owner, bucket, size, days in ((candidate, "resumes", 1000, 0), (candidate, "audio", 300, 40), (outsider, "audio", 7, 0)):
        admin_conn.execute(
            "insert into storage.objects (bucket_id, name, owner, metadata, created_at) values (%s, %s, %s, %s, now() - make_interval(days => %s))",
            [bucket, f"{owner}/{uuid.uuid4().hex}.bin", owner, json.dumps({"size": size}), days],
        )
    database = admin_conn.info.dbname
    mine = usage(database, Actor("admin", admin, "admin"))
    assert set(mine) == {"audio", "interview-recordings", "resumes"}
    assert {k: (v["objects"], v["bytes"], v["objects_added_30d"], v["bytes_added_30d"]) for k, v in mine.items()} == {
        "audio": (1, 300, 0, 0),
        "interview-recordings": (0, 0, 0, 0),
        "resumes": (1, 1000, 1, 1000),
    }
    assert usage(database, Actor("other", other_admin, "admin"))["audio"]["bytes"] == 7
    assert usage(database, Actor("recruiter", recruiter, "recruiter")) == {}
    assert usage(database, Actor("candidate", candidate, "candidate")) == {}
