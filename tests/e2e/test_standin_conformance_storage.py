"""Conformance of the local Storage stand-in with Supabase's storage-api: each test talks to the
stand-in through the unmodified `supabase` client (httpx where storage3 has no method: headers,
ranges, conditional requests, raw envelopes) and asserts what storage-api does, naming the
storage-api source it mirrors (paths in github.com/supabase/storage)."""

from __future__ import annotations

import time
import uuid
from email.utils import parsedate_to_datetime
from urllib.parse import quote

import httpx
import jwt
import pytest
from storage3.exceptions import StorageApiError
from storage3.types import CreateSignedUploadUrlOptions

from local import postgres
from supabase import ClientOptions, create_client

PASSWORD = "Str0ng!Pass"
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 28
TEXT = b"0123456789abcdefghij"
OPTIONS = ClientOptions(auto_refresh_token=False, persist_session=False)


@pytest.fixture
def service(stack_env, supabase_url):
    return create_client(supabase_url, stack_env["SUPABASE_SERVICE_ROLE_KEY"], options=OPTIONS)


@pytest.fixture
def service_headers(stack_env):
    key = stack_env["SUPABASE_SERVICE_ROLE_KEY"]
    return {"Authorization": f"Bearer {key}", "apikey": key}


@pytest.fixture
def user(stack_env, supabase_url, service):
    """Factory: a signed-in user's client, id and request headers."""

    def make():
        address = f"conform-{uuid.uuid4().hex[:10]}@example.com"
        service.auth.admin.create_user({"email": address, "password": PASSWORD, "email_confirm": True})
        client = create_client(supabase_url, stack_env["SUPABASE_ANON_KEY"], options=OPTIONS)
        session = client.auth.sign_in_with_password({"email": address, "password": PASSWORD}).session
        headers = {"Authorization": f"Bearer {session.access_token}", "apikey": stack_env["SUPABASE_ANON_KEY"]}
        return client, session.user.id, headers

    return make


@pytest.fixture
def scratch(service):
    """Factory: a throw-away bucket (emptied and deleted afterwards through the bucket API)."""
    made = []

    def make(public: bool = False) -> str:
        name = f"conform-{uuid.uuid4().hex[:8]}"
        service.storage.create_bucket(name, options={"public": public})
        made.append(name)
        return name

    yield make
    for name in made:
        service.storage.empty_bucket(name)
        service.storage.delete_bucket(name)


def url(supabase_url: str, *parts: str) -> str:
    return f"{supabase_url}/storage/v1/" + "/".join(quote(part, safe="/") for part in parts)


def raises(call) -> StorageApiError:
    with pytest.raises(StorageApiError) as raised:
        call()
    return raised.value


# Object keys -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["résumé.pdf", "cv [1].pdf", "notes#2.txt", "100%.txt", "tilde~.txt", "tab\tname.txt"])
def test_keys_outside_the_s3_safe_characters_are_refused_with_invalid_key(service, scratch, name):
    """src/storage/limits.ts isValidKey (`^(\\w|/|!|-|\\.|\\*|'|\\(|\\)| |&|\\$|@|=|;|:|\\+|,|\\?)*$`,
    ASCII `\\w`), enforced by mustBeValidKey in ObjectStorage.uploadNewObject."""
    bucket = scratch()
    error = raises(lambda: service.storage.from_(bucket).upload(f"folder/{name}", TEXT, {"content-type": "text/plain"}))
    assert (error.status, error.code, error.message) == ("400", "InvalidKey", f"Invalid key: folder/{name}")


def test_the_invalid_key_envelope_is_http_400_with_code_and_error(supabase_url, service_headers, scratch):
    """src/internal/errors/codes.ts ERRORS.InvalidKey rendered by src/http/error-handler.ts:
    {statusCode: "400", code: "InvalidKey", error: "InvalidKey", message: "Invalid key: <key>"}."""
    bucket = scratch()
    response = httpx.post(url(supabase_url, "object", bucket, "ümlaut.txt"), content=TEXT, headers={**service_headers, "content-type": "text/plain"})
    assert response.status_code == 400
    assert response.json() == {"statusCode": "400", "code": "InvalidKey", "error": "InvalidKey", "message": "Invalid key: ümlaut.txt"}


def test_every_s3_safe_character_is_a_valid_key(service, scratch):
    """src/storage/limits.ts isValidKey accepts letters, digits and `_/!.*'() &$=@;:+,?-`."""
    bucket = service.storage.from_(scratch())
    key = "dir/All_ok-1!.*'() &$=@;:+,?.txt"
    assert bucket.upload(key, TEXT, {"content-type": "text/plain"}).full_path == f"{bucket.id}/{key}"
    assert bucket.download(key) == TEXT


def test_update_and_upsert_refuse_invalid_keys(service, scratch):
    """updateObject.ts and createObject.ts with x-upsert both end in uploadNewObject's mustBeValidKey."""
    bucket = service.storage.from_(scratch())
    for call in (
        lambda: bucket.update("café.txt", TEXT, {"content-type": "text/plain"}),
        lambda: bucket.upload("café.txt", TEXT, {"content-type": "text/plain", "upsert": "true"}),
    ):
        assert raises(call).code == "InvalidKey"


def test_a_signed_upload_to_an_invalid_key_is_refused_when_the_bytes_are_put(user):
    """src/storage/object.ts signUploadObjectUrl only runs canUpload (the policies), so the URL is
    signed; uploadSignedObject.ts -> uploadFromRequest -> uploadNewObject refuses the key."""
    client, uid, _ = user()
    bucket = client.storage.from_("audio")
    signed = bucket.create_signed_upload_url(f"{uid}/réponse.wav")
    error = raises(lambda: bucket.upload_to_signed_url(f"{uid}/réponse.wav", signed["token"], WAV, {"content-type": "audio/wav"}))
    assert (error.status, error.code) == ("400", "InvalidKey")


def test_copy_and_move_refuse_an_invalid_destination_key(user):
    """src/storage/object.ts copyObject / moveObject: mustBeValidKey(destination) before anything."""
    client, uid, _ = user()
    bucket = client.storage.from_("audio")
    bucket.upload(f"{uid}/a.wav", WAV, {"content-type": "audio/wav"})
    for call in (lambda: bucket.copy(f"{uid}/a.wav", f"{uid}/ä.wav"), lambda: bucket.move(f"{uid}/a.wav", f"{uid}/ä.wav")):
        assert raises(call).code == "InvalidKey"
    assert bucket.download(f"{uid}/a.wav") == WAV


# The basics the product relies on -----------------------------------------------------------------


def test_upload_answers_id_and_key_and_a_duplicate_is_409(user, supabase_url):
    """createObject.ts sends {Id, Key}; a taken key without x-upsert is ERRORS.KeyAlreadyExists
    (statusCode 409, error "Duplicate") from Uploader.canUpload."""
    client, uid, headers = user()
    response = httpx.post(url(supabase_url, "object", "audio", uid, "a.wav"), content=WAV, headers={**headers, "content-type": "audio/wav"})
    assert response.status_code == 200 and set(response.json()) == {"Id", "Key"}
    assert response.json()["Key"] == f"audio/{uid}/a.wav" and uuid.UUID(response.json()["Id"])
    error = raises(lambda: client.storage.from_("audio").upload(f"{uid}/a.wav", WAV, {"content-type": "audio/wav"}))
    assert (error.status, error.code, error.message) == ("409", "Duplicate", "The resource already exists")


def test_errors_are_sent_as_http_400_with_the_real_status_in_the_body(user, supabase_url):
    """src/http/error-handler.ts: userStatusCode is 400 for every non-500 error; a missing object is
    ERRORS.NoSuchKey {statusCode: "404", code: "NoSuchKey", error: "not_found"}, which storage3's
    exists() reads as False."""
    client, uid, headers = user()
    response = httpx.get(url(supabase_url, "object", "audio", uid, "missing.wav"), headers=headers)
    assert response.status_code == 400
    assert response.json() == {"statusCode": "404", "code": "NoSuchKey", "error": "not_found", "message": "Object not found"}
    assert client.storage.from_("audio").exists(f"{uid}/missing.wav") is False


def test_object_info_has_cache_control_version_and_user_metadata(user):
    """src/storage/renderer/info.ts InfoRenderer body: id, name, version, bucket_id, size,
    content_type, cache_control, etag, metadata (user metadata), last_modified, created_at; each
    upload writes a new version."""
    client, uid, _ = user()
    bucket = client.storage.from_("audio")
    bucket.upload(f"{uid}/i.wav", WAV, {"content-type": "audio/wav", "cache-control": "120", "metadata": {"take": 1}})
    info = bucket.info(f"{uid}/i.wav")
    assert set(info) == {
        "id",
        "name",
        "version",
        "bucket_id",
        "size",
        "content_type",
        "cache_control",
        "etag",
        "metadata",
        "last_modified",
        "created_at",
    }
    assert (info["name"], info["bucket_id"], info["size"], info["content_type"]) == (f"{uid}/i.wav", "audio", len(WAV), "audio/wav")
    assert (info["cache_control"], info["metadata"]) == ("max-age=120", {"take": 1})
    bucket.update(f"{uid}/i.wav", WAV + b"2", {"content-type": "audio/wav"})
    assert bucket.info(f"{uid}/i.wav")["version"] not in {None, info["version"]}


# Endpoints -------------------------------------------------------------------------------------------


def test_delete_of_one_object(user, supabase_url):
    """deleteObject.ts + ObjectStorage.deleteObject: 200 {message: "Successfully deleted"}; a
    missing object is NoSuchKey; an object the caller may not delete is AccessDenied."""
    client, uid, headers = user()
    _, _, stranger = user()
    client.storage.from_("audio").upload(f"{uid}/d.wav", WAV, {"content-type": "audio/wav"})
    target = url(supabase_url, "object", "audio", uid, "d.wav")
    refused = httpx.delete(target, headers=stranger).json()
    assert (refused["statusCode"], refused["code"]) == ("403", "AccessDenied")
    deleted = httpx.delete(target, headers=headers)
    assert (deleted.status_code, deleted.json()) == (200, {"message": "Successfully deleted"})
    again = httpx.delete(target, headers=headers)
    assert (again.status_code, again.json()["statusCode"], again.json()["code"]) == (400, "404", "NoSuchKey")


def test_batch_signed_urls(user):
    """getSignedURLs.ts + ObjectStorage.signObjectUrls: one {error, path, signedURL} per path, in
    order; paths the signer cannot see (missing, or refused by the policies) get an error."""
    client, uid, _ = user()
    other, other_id, _ = user()
    client.storage.from_("audio").upload(f"{uid}/s.wav", WAV, {"content-type": "audio/wav"})
    other.storage.from_("audio").upload(f"{other_id}/s.wav", WAV, {"content-type": "audio/wav"})
    paths = [f"{uid}/s.wav", f"{uid}/missing.wav", f"{other_id}/s.wav"]
    signed = client.storage.from_("audio").create_signed_urls(paths, 60)
    assert [entry["path"] for entry in signed] == paths
    assert signed[0]["error"] is None and httpx.get(signed[0]["signedURL"]).content == WAV
    missing = "Either the object does not exist or you do not have access to it"
    assert [(entry["error"], entry["signedURL"]) for entry in signed[1:]] == [(missing, None), (missing, None)]


def test_list_v2_pages_full_keys_and_folds_folders(service, scratch):
    """listObjectsV2.ts + ObjectStorage.listObjectsV2: {hasNext, folders, objects, nextCursor};
    names are full keys; with_delimiter folds deeper keys into `prefix/folder/` entries (null id)
    and keeps `key` (the segment) on objects; a cursor continues after the last name."""
    bucket = service.storage.from_(scratch())
    for key in ("docs/a.txt", "docs/b.txt", "docs/sub/c.txt", "other.txt"):
        bucket.upload(key, TEXT, {"content-type": "text/plain"})
    flat = bucket.list_v2({"prefix": "docs/"})
    assert (flat.hasNext, flat.folders, [entry.name for entry in flat.objects]) == (False, [], ["docs/a.txt", "docs/b.txt", "docs/sub/c.txt"])
    folded = bucket.list_v2({"prefix": "docs/", "with_delimiter": True})
    assert [(folder.name, folder.key) for folder in folded.folders] == [("docs/sub/", None)]
    assert [(entry.name, entry.key) for entry in folded.objects] == [("docs/a.txt", "a.txt"), ("docs/b.txt", "b.txt")]
    first = bucket.list_v2({"prefix": "docs/", "limit": 2})
    assert (first.hasNext, [entry.name for entry in first.objects]) == (True, ["docs/a.txt", "docs/b.txt"])
    rest = bucket.list_v2({"prefix": "docs/", "limit": 2, "cursor": first.nextCursor})
    assert (rest.hasNext, [entry.name for entry in rest.objects]) == (False, ["docs/sub/c.txt"])


def test_bucket_update_changes_only_what_is_sent(service, scratch):
    """updateBucket.ts + Storage.updateBucket: {message: "Successfully updated"}; string sizes are
    parseFileSizeToBytes (decimal units); absent fields stay; an unknown bucket is NoSuchBucket."""
    name = scratch()
    assert service.storage.update_bucket(name, {"public": True, "allowed_mime_types": ["text/*"]}) == {"message": "Successfully updated"}
    service.storage.update_bucket(name, {"file_size_limit": "1KB"})  # type: ignore[typeddict-item]
    bucket = service.storage.get_bucket(name)
    assert (bucket.public, bucket.allowed_mime_types, bucket.file_size_limit) == (True, ["text/*"], 1000)
    service.storage.from_(name).upload("ok.txt", TEXT, {"content-type": "text/csv"})
    assert raises(lambda: service.storage.from_(name).upload("no.png", TEXT, {"content-type": "image/png"})).status == "415"
    assert raises(lambda: service.storage.update_bucket(f"missing-{uuid.uuid4().hex[:6]}", {"public": False})).status == "404"


def test_a_bucket_with_objects_cannot_be_deleted_until_emptied(service):
    """Storage.deleteBucket: ERRORS.BucketNotEmpty (statusCode 409, code ResourceNotEmpty) while it
    holds objects; emptyBucket.ts {message: "Successfully emptied"}; deleteBucket.ts
    {message: "Successfully deleted"}; the bucket is then gone (NoSuchBucket)."""
    name = f"conform-{uuid.uuid4().hex[:8]}"
    service.storage.create_bucket(name)
    service.storage.from_(name).upload("x.txt", TEXT, {"content-type": "text/plain"})
    error = raises(lambda: service.storage.delete_bucket(name))
    assert (error.status, error.code, error.message) == ("409", "ResourceNotEmpty", "The bucket you tried to delete is not empty")
    assert service.storage.empty_bucket(name) == {"message": "Successfully emptied"}
    assert service.storage.from_(name).list() == []
    assert service.storage.delete_bucket(name) == {"message": "Successfully deleted"}
    gone = raises(lambda: service.storage.get_bucket(name))
    assert (gone.status, gone.message) == ("404", "Bucket not found")


# Downloads -------------------------------------------------------------------------------------------


def test_download_query_sets_content_disposition_on_every_download_route(service, scratch, supabase_url, service_headers):
    """src/storage/renderer/renderer.ts handleDownload, on getObject.ts (authenticated),
    getSignedObject.ts and getPublicObject.ts: `download=` alone is `attachment;`, a name gives an
    RFC 6266 fallback (quoted unless a token, non-ASCII as `_`) and an RFC 8187 `filename*`."""
    name = scratch(public=True)
    bucket = service.storage.from_(name)
    bucket.upload("r.txt", TEXT, {"content-type": "text/plain"})
    authenticated = httpx.get(
        url(supabase_url, "object", "authenticated", name, "r.txt"), params={"download": "report (1).pdf"}, headers=service_headers
    )
    assert authenticated.headers["content-disposition"] == "attachment; filename=\"report (1).pdf\"; filename*=UTF-8''report%20%281%29.pdf"
    signed = bucket.create_signed_url("r.txt", 60, {"download": "résumé.pdf"})["signedURL"]
    assert httpx.get(signed).headers["content-disposition"] == "attachment; filename=r_sum_.pdf; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf"
    assert httpx.get(bucket.create_signed_url("r.txt", 60, {"download": True})["signedURL"]).headers["content-disposition"] == "attachment;"
    public = httpx.get(bucket.get_public_url("r.txt", {"download": "r.txt"}))
    assert (public.content, public.headers["content-disposition"]) == (TEXT, "attachment; filename=r.txt; filename*=UTF-8''r.txt")
    assert "content-disposition" not in httpx.get(bucket.get_public_url("r.txt")).headers


def test_range_requests_get_206_and_an_unsatisfiable_range_416(service, scratch, supabase_url, service_headers):
    """src/storage/range.ts parseRangeHeader and renderer.ts: 206 with Content-Range and
    Accept-Ranges: bytes (a suffix range too); a start past the end is InvalidRange with HTTP 416."""
    name = scratch()
    service.storage.from_(name).upload("r.txt", TEXT, {"content-type": "text/plain"})
    target = url(supabase_url, "object", name, "r.txt")
    whole = httpx.get(target, headers=service_headers)
    assert (whole.status_code, whole.headers["accept-ranges"]) == (200, "bytes")
    part = httpx.get(target, headers={**service_headers, "range": "bytes=2-5"})
    assert (part.status_code, part.content, part.headers["content-range"]) == (206, b"2345", f"bytes 2-5/{len(TEXT)}")
    suffix = httpx.get(target, headers={**service_headers, "range": "bytes=-3"})
    assert (suffix.status_code, suffix.content) == (206, TEXT[-3:])
    beyond = httpx.get(target, headers={**service_headers, "range": f"bytes={len(TEXT)}-"})
    assert beyond.status_code == 416
    assert beyond.json() == {"statusCode": "416", "code": "InvalidRange", "error": "invalid_range", "message": "invalid range provided"}


def test_a_matching_if_none_match_is_304_and_last_modified_is_set(user, supabase_url):
    """renderer.ts (304 from the backend's conditional GET) and setLastModifiedHeader: the ETag
    sent back in If-None-Match gives 304 with no body; Last-Modified is the upload time, and
    If-Modified-Since at or after it is 304 too."""
    client, uid, headers = user()
    before = time.time()
    client.storage.from_("audio").upload(f"{uid}/e.wav", WAV, {"content-type": "audio/wav"})
    target = url(supabase_url, "object", "audio", uid, "e.wav")
    first = httpx.get(target, headers=headers)
    assert abs(parsedate_to_datetime(first.headers["last-modified"]).timestamp() - before) < 60
    cached = httpx.get(target, headers={**headers, "if-none-match": first.headers["etag"]})
    assert (cached.status_code, cached.content) == (304, b"")
    assert httpx.get(target, headers={**headers, "if-none-match": '"stale"'}).status_code == 200
    assert httpx.get(target, headers={**headers, "if-modified-since": first.headers["last-modified"]}).status_code == 304


def test_the_stored_content_type_is_sent_back_unchanged(service, scratch, supabase_url, service_headers):
    """src/storage/uploader.ts fileUploadFromRequest: a multipart upload stores the part's type as
    busboy parses it (no parameters), a raw upload its Content-Type as sent; renderer.ts sends the
    stored type (no charset added), except that text/html is sent as text/plain."""
    name = scratch()
    service.storage.from_(name).upload("m.txt", TEXT)  # storage3's default part type: text/plain;charset=UTF-8
    for key, content_type in (("raw.csv", "text/csv; charset=utf-16"), ("page.html", "text/html")):
        httpx.post(url(supabase_url, "object", name, key), content=TEXT, headers={**service_headers, "content-type": content_type})
    served = {key: httpx.get(url(supabase_url, "object", name, key), headers=service_headers) for key in ("m.txt", "raw.csv", "page.html")}
    assert {key: response.headers["content-type"] for key, response in served.items()} == {
        "m.txt": "text/plain",
        "raw.csv": "text/csv; charset=utf-16",
        "page.html": "text/plain",
    }


def test_signed_download_sends_expires_and_the_stored_cache_control_stays_on_direct_reads(service, scratch, supabase_url, service_headers):
    """getSignedObject.ts renders with `expires` (the token's exp as an HTTP date) instead of
    Cache-Control; getObject.ts sends the stored cacheControl (max-age from the upload's field)."""
    name = scratch()
    bucket = service.storage.from_(name)
    bucket.upload("c.txt", TEXT, {"content-type": "text/plain", "cache-control": "60"})
    direct = httpx.get(url(supabase_url, "object", name, "c.txt"), headers=service_headers)
    assert direct.headers["cache-control"] == "max-age=60"
    signed = httpx.get(bucket.create_signed_url("c.txt", 600)["signedURL"])
    assert "cache-control" not in signed.headers
    assert 500 < parsedate_to_datetime(signed.headers["expires"]).timestamp() - time.time() <= 600


# Routes ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), [("GET", "nope"), ("PATCH", "object/audio/x.wav"), ("GET", "bucket/a/b/c")])
def test_unknown_routes_get_fastifys_json_404(supabase_url, service_headers, method, path):
    """src/app.ts registers no not-found handler, so Fastify answers an unknown route (or method)
    with 404 {message: "Route <METHOD>:<path> not found", error: "Not Found", statusCode: 404}."""
    response = httpx.request(method, url(supabase_url, path), headers=service_headers)
    assert response.status_code == 404
    assert response.json() == {"message": f"Route {method}:/{path} not found", "error": "Not Found", "statusCode": 404}


def test_sign_and_list_v2_paths_never_reach_the_upload_route(supabase_url, service_headers, scratch):
    """Fastify matches the literal `sign` and `list-v2` segments before `/:bucketName/*`
    (src/http/routes/object/index.ts), so these are a signing and a listing, never an upload into
    a bucket called `sign` or `list-v2`."""
    name = scratch()
    sign = httpx.post(url(supabase_url, "object", "sign", name), json={}, headers=service_headers)
    assert (sign.status_code, sign.json()["statusCode"], sign.json()["message"]) == (400, "400", "body must have required property 'expiresIn'")
    listed = httpx.post(url(supabase_url, "object", "list-v2", name), json={}, headers=service_headers)
    assert (listed.status_code, listed.json()) == (200, {"hasNext": False, "folders": [], "objects": []})


# Signed uploads --------------------------------------------------------------------------------------


def test_signing_an_upload_url_checks_the_policies_as_the_signer(user):
    """src/storage/object.ts signUploadObjectUrl -> Uploader.canUpload as the caller: another
    user's folder is AccessDenied, a taken key is KeyAlreadyExists unless x-upsert is sent."""
    client, uid, _ = user()
    _, other, _ = user()
    bucket = client.storage.from_("audio")
    assert raises(lambda: bucket.create_signed_upload_url(f"{other}/x.wav")).status == "403"
    bucket.upload(f"{uid}/taken.wav", WAV, {"content-type": "audio/wav"})
    assert raises(lambda: bucket.create_signed_upload_url(f"{uid}/taken.wav")).status == "409"
    signed = bucket.create_signed_upload_url(f"{uid}/taken.wav", CreateSignedUploadUrlOptions(upsert="true"))
    bucket.upload_to_signed_url(f"{uid}/taken.wav", signed["token"], WAV + b"new", {"content-type": "audio/wav"})
    assert bucket.download(f"{uid}/taken.wav") == WAV + b"new"


def test_a_signed_upload_is_spent_with_the_token_alone_and_owned_by_the_signer(user, supabase_url, stack_env, stack_db):
    """signUploadObjectUrl signs {owner, url, upsert, scope: "upload"}; uploadSignedObject.ts
    verifies only the token, writes as the superuser with the token's owner and answers {Key}."""
    client, uid, _ = user()
    signed = client.storage.from_("audio").create_signed_upload_url(f"{uid}/direct.wav")
    claims = jwt.decode(signed["token"], stack_env["SUPABASE_JWT_SECRET"], algorithms=["HS256"])
    assert {key: claims[key] for key in ("owner", "url", "upsert", "scope")} == {
        "owner": uid,
        "url": f"audio/{uid}/direct.wav",
        "upsert": False,
        "scope": "upload",
    }
    put = httpx.put(signed["signed_url"], content=WAV, headers={"content-type": "audio/wav"})
    assert (put.status_code, put.json()) == (200, {"Key": f"audio/{uid}/direct.wav"})
    with postgres.connect(stack_db) as conn:
        owner = conn.execute("select owner::text from storage.objects where bucket_id = 'audio' and name = %s", [f"{uid}/direct.wav"]).fetchone()
    assert owner == (uid,)


def test_an_upload_url_signed_with_the_service_role_key_works_and_has_no_owner(service, scratch, stack_env, stack_db):
    """request.owner is the JWT's sub, which the service_role key lacks: the token carries no
    owner, and the upload it allows is stored without one (src/storage/object.ts)."""
    name = scratch()
    bucket = service.storage.from_(name)
    signed = bucket.create_signed_upload_url("by-service.txt")
    assert "owner" not in jwt.decode(signed["token"], stack_env["SUPABASE_JWT_SECRET"], algorithms=["HS256"])
    assert bucket.upload_to_signed_url("by-service.txt", signed["token"], TEXT, {"content-type": "text/plain"}).full_path == f"{name}/by-service.txt"
    assert bucket.download("by-service.txt") == TEXT
    with postgres.connect(stack_db) as conn:
        owner = conn.execute("select owner from storage.objects where bucket_id = %s and name = 'by-service.txt'", [name]).fetchone()
    assert owner == (None,)


def test_a_signed_upload_token_is_bound_to_its_object_and_its_scope(user, supabase_url):
    """verifyObjectSignature: a token for another object is InvalidSignature; a download token is
    not an upload token ("Token is not scoped for upload")."""
    client, uid, _ = user()
    bucket = client.storage.from_("audio")
    signed = bucket.create_signed_upload_url(f"{uid}/bound.wav")
    elsewhere = httpx.put(url(supabase_url, "object", "upload", "sign", "audio", uid, "other.wav"), params={"token": signed["token"]}, content=WAV)
    assert (elsewhere.json()["code"], elsewhere.json()["message"]) == ("InvalidSignature", "Invalid signature")
    bucket.upload(f"{uid}/d.wav", WAV, {"content-type": "audio/wav"})
    download_token = bucket.create_signed_url(f"{uid}/d.wav", 60)["signedURL"].split("token=")[1]
    misused = httpx.put(url(supabase_url, "object", "upload", "sign", "audio", uid, "d.wav"), params={"token": download_token}, content=WAV)
    assert (misused.json()["code"], misused.json()["message"]) == ("InvalidSignature", "Token is not scoped for upload")
