"""The unmodified supabase client against the local Storage stand-in; storage.objects policies
(from the migrations) decide, and triggers on storage.objects fire on uploads."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from urllib.parse import unquote

import httpx
import jwt
import pytest
from storage3.exceptions import StorageApiError

from local import postgres
from supabase import ClientOptions, create_client

PASSWORD = "Str0ng!Pass"
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 28


def _options():
    return ClientOptions(auto_refresh_token=False, persist_session=False)


@pytest.fixture
def service(stack_env, supabase_url):
    return create_client(supabase_url, stack_env["SUPABASE_SERVICE_ROLE_KEY"], options=_options())


@pytest.fixture
def user(stack_env, supabase_url, service):
    """Factory: a signed-in user's client and id."""

    def make():
        address = f"store-{uuid.uuid4().hex[:10]}@example.com"
        service.auth.admin.create_user({"email": address, "password": PASSWORD, "email_confirm": True})
        client = create_client(supabase_url, stack_env["SUPABASE_ANON_KEY"], options=_options())
        session = client.auth.sign_in_with_password({"email": address, "password": PASSWORD}).session
        return client, session.user.id

    return make


def test_upload_download_list_and_remove_in_own_folder(user):
    client, uid = user()
    bucket = client.storage.from_("audio")
    assert bucket.upload(f"{uid}/answer 1.wav", WAV, {"content-type": "audio/wav"}).path == f"{uid}/answer 1.wav"
    assert bucket.download(f"{uid}/answer 1.wav") == WAV
    listed = bucket.list(uid)
    assert [entry["name"] for entry in listed] == ["answer 1.wav"]
    removed = bucket.remove([f"{uid}/answer 1.wav"])
    assert [entry["name"] for entry in removed] == [f"{uid}/answer 1.wav"]
    with pytest.raises(StorageApiError) as raised:
        bucket.download(f"{uid}/answer 1.wav")
    assert raised.value.status == "404"


def test_upload_into_another_users_folder_is_denied_by_policy(user):
    client, _ = user()
    _, other = user()
    with pytest.raises(StorageApiError) as raised:
        client.storage.from_("audio").upload(f"{other}/x.wav", WAV, {"content-type": "audio/wav"})
    assert raised.value.status == "403"


def test_another_user_cannot_read_or_sign_my_file(user):
    client, uid = user()
    client.storage.from_("audio").upload(f"{uid}/private.wav", WAV, {"content-type": "audio/wav"})
    stranger, _ = user()
    for call in (
        lambda: stranger.storage.from_("audio").download(f"{uid}/private.wav"),
        lambda: stranger.storage.from_("audio").create_signed_url(f"{uid}/private.wav", 60),
    ):
        with pytest.raises(StorageApiError) as raised:
            call()
        assert raised.value.status == "404"


def test_duplicate_upload_without_upsert_conflicts_and_upsert_replaces(user):
    client, uid = user()
    bucket = client.storage.from_("audio")
    bucket.upload(f"{uid}/a.wav", WAV, {"content-type": "audio/wav"})
    with pytest.raises(StorageApiError) as raised:
        bucket.upload(f"{uid}/a.wav", WAV, {"content-type": "audio/wav"})
    assert raised.value.status == "409"
    bucket.upload(f"{uid}/a.wav", WAV + b"more", {"content-type": "audio/wav", "upsert": "true"})
    assert bucket.download(f"{uid}/a.wav") == WAV + b"more"


def test_bucket_size_and_mime_limits(service, user):
    name = f"tiny-{uuid.uuid4().hex[:6]}"
    service.storage.create_bucket(name, options={"public": False, "file_size_limit": 16, "allowed_mime_types": ["text/plain"]})
    bucket_info = service.storage.get_bucket(name)
    assert bucket_info.file_size_limit == 16 and bucket_info.allowed_mime_types == ["text/plain"]
    bucket = service.storage.from_(name)
    bucket.upload("ok.txt", b"small", {"content-type": "text/plain"})
    with pytest.raises(StorageApiError) as too_big:
        bucket.upload("big.txt", b"x" * 17, {"content-type": "text/plain"})
    assert too_big.value.status == "413"
    with pytest.raises(StorageApiError) as wrong_type:
        bucket.upload("img.png", b"png", {"content-type": "image/png"})
    assert wrong_type.value.status == "415"


def test_signed_url_downloads_and_refuses_tampering_and_expiry(user, supabase_url, stack_env):
    client, uid = user()
    bucket = client.storage.from_("audio")
    bucket.upload(f"{uid}/q.wav", WAV, {"content-type": "audio/wav"})
    signed = bucket.create_signed_url(f"{uid}/q.wav", 60)["signedURL"]
    assert httpx.get(signed).content == WAV
    token = signed.split("token=")[1]
    assert httpx.get(signed.replace(token, token[:-3] + "abc")).status_code == 400
    other_path = signed.replace(f"{uid}/q.wav", f"{uid}/other.wav")
    assert httpx.get(other_path).json()["code"] == "InvalidSignature"
    now = int(time.time())
    expired = jwt.encode(
        {"url": f"audio/{uid}/q.wav", "scope": "download", "iat": now - 120, "exp": now - 60}, stack_env["SUPABASE_JWT_SECRET"], algorithm="HS256"
    )
    response = httpx.get(f"{supabase_url}/storage/v1/object/sign/audio/{uid}/q.wav", params={"token": expired})
    assert response.status_code == 400 and response.json()["code"] == "InvalidJWT"


def test_signed_upload_url_lets_the_client_put_the_bytes(user):
    client, uid = user()
    bucket = client.storage.from_("audio")
    signed = bucket.create_signed_upload_url(f"{uid}/direct.wav")
    bucket.upload_to_signed_url(f"{uid}/direct.wav", signed["token"], WAV, {"content-type": "audio/wav"})
    assert bucket.download(f"{uid}/direct.wav") == WAV
    _, other = user()
    with pytest.raises(StorageApiError) as raised:
        bucket.create_signed_upload_url(f"{other}/direct.wav")
    assert raised.value.status == "403"


@pytest.mark.parametrize("name", ["%2E%2E/escape.wav", "a/%2E%2E/%2E%2E/escape.wav", "a//b.wav", "%2E/x.wav"])
def test_dot_and_empty_segments_are_literal_keys_never_paths_on_disk(user, supabase_url, stack_env, name):
    """storage-api accepts these keys (src/storage/limits.ts allows `.` and `/`; S3 keys are not
    paths), so the stand-in does too, and keeps the bytes by version under its objects folder."""
    client, uid = user()
    url = f"{supabase_url}/storage/v1/object/audio/{uid}/{name}"
    headers = {"Authorization": f"Bearer {client.auth.get_session().access_token}", "apikey": stack_env["SUPABASE_ANON_KEY"]}
    response = httpx.post(url, content=WAV, headers={**headers, "content-type": "audio/wav"})
    assert response.status_code == 200, response.text
    assert response.json()["Key"] == f"audio/{uid}/{unquote(name)}"
    assert httpx.get(url, headers=headers).content == WAV
    stored = [path for path in Path(stack_env["STORAGE_DIR"]).rglob("*") if path.is_file()]
    assert stored and all(path.parent == Path(stack_env["STORAGE_DIR"]) / "objects" for path in stored)


def test_a_trigger_on_storage_objects_sees_the_row_written_by_the_storage_service(user, stack_db):
    """storage-api tests the caller's INSERT in a rolled-back transaction, then writes the row as its
    superuser (src/storage/uploader.ts completeUpload): a trigger sees one insert and no auth.uid(),
    so triggers must take the owner from the row (its folder or `owner`), never from the session."""
    suffix = uuid.uuid4().hex[:8]
    with postgres.connect(stack_db) as conn:
        conn.execute(f"""
            create table public.upload_log_{suffix} (name text, uid uuid);
            create function public.log_upload_{suffix}() returns trigger language plpgsql security definer as $$
            begin insert into public.upload_log_{suffix} values (new.name, auth.uid()); return new; end $$;
            create trigger log_upload_{suffix} after insert on storage.objects
              for each row when (new.name like '%%/traced-{suffix}.wav') execute function public.log_upload_{suffix}();
        """)
    try:
        client, uid = user()
        client.storage.from_("audio").upload(f"{uid}/traced-{suffix}.wav", WAV, {"content-type": "audio/wav"})
        with postgres.connect(stack_db) as conn:
            rows = conn.execute(f"select name, uid::text from public.upload_log_{suffix}").fetchall()
            owner = conn.execute("select owner::text from storage.objects where name = %s", [f"{uid}/traced-{suffix}.wav"]).fetchone()
        assert rows == [(f"{uid}/traced-{suffix}.wav", None)]
        assert owner == (uid,)
    finally:
        with postgres.connect(stack_db) as conn:
            conn.execute(
                f"drop trigger log_upload_{suffix} on storage.objects; drop table public.upload_log_{suffix};"
                f" drop function public.log_upload_{suffix}();"
            )
