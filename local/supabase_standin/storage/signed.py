"""Signed URLs (src/storage/object.ts `signObjectUrl(s)`, `signUploadObjectUrl`,
`verifyObjectSignature`; routes getSignedURL(s).ts, getSignedObject.ts, getSignedUploadURL.ts,
uploadSignedObject.ts).

The policies are checked when signing, as the signer: a download link needs the signer to see the
object, an upload link needs the INSERT (or upsert) the upload will make. Spending a link checks
only the token (HS256 with the project's JWT secret, storage-api's URL signing key): a download is
served by the service, an upload is written by the service with the token's owner."""

from __future__ import annotations

import time
from typing import Any

import jwt
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from local.supabase_standin import db
from local.supabase_standin.config import get_config
from local.supabase_standin.storage import errors, render
from local.supabase_standin.storage.body import Incoming
from local.supabase_standin.storage.common import SERVICE, caller, find_object, must_be_valid_key, owner_of
from local.supabase_standin.storage.uploads import can_upload, store

UPLOAD_URL_SECONDS = 7200  # uploadSignedUrlExpirationTime
DOWNLOAD, UPLOAD = "download", "upload"
MISSING = "Either the object does not exist or you do not have access to it"


def sign(request: Request, incoming: Incoming) -> Response:
    """POST /object/sign/{bucket}/{key} {expiresIn}: a download link, if the signer sees the object."""
    bucket_id, name = request.path_params["bucket"], request.path_params["name"]
    expires_in = _expires_in(incoming.json or {})
    find_object(caller(request), bucket_id, must_be_valid_key(name))
    return JSONResponse({"signedURL": _download_url(bucket_id, name, expires_in)})


def sign_many(request: Request, incoming: Incoming) -> Response:
    """POST /object/sign/{bucket} {expiresIn, paths}: one entry per path, in order; a path the
    signer cannot see gets an error instead of a URL."""
    body = incoming.json or {}
    expires_in = _expires_in(body)
    paths = body.get("paths")
    if not isinstance(paths, list) or not paths or not all(isinstance(path, str) for path in paths):
        raise errors.RequestInvalid("body/paths must be a non-empty array of strings")
    bucket_id = request.path_params["bucket"]
    with db.as_caller(caller(request)) as conn:
        visible = {
            row["name"] for row in conn.execute("select name from storage.objects where bucket_id = %s and name = any(%s)", [bucket_id, paths])
        }
    return JSONResponse(
        [
            {"error": None, "path": path, "signedURL": _download_url(bucket_id, path, expires_in)}
            if path in visible
            else {"error": MISSING, "path": path, "signedURL": None}
            for path in paths
        ]
    )


def download(request: Request, incoming: Incoming) -> Response:
    """GET /object/sign/{bucket}/{key}?token=: the object, served by the service, with `Expires`."""
    bucket_id, name = request.path_params["bucket"], request.path_params["name"]
    claims = _verify(request, bucket_id, name, DOWNLOAD)
    return render.asset(request, find_object(SERVICE, bucket_id, name), expires_at=int(claims["exp"]))


def sign_upload(request: Request, incoming: Incoming) -> Response:
    """POST /object/upload/sign/{bucket}/{key}: canUpload as the signer now, then a token
    {owner, url, upsert, scope: "upload"} (an API key has no owner)."""
    principal = caller(request)
    bucket_id, name = request.path_params["bucket"], request.path_params["name"]
    upsert = request.headers.get("x-upsert") == "true"
    owner = owner_of(principal)
    can_upload(principal, bucket_id, name, owner, upsert)
    claims = {"url": f"{bucket_id}/{name}", "upsert": upsert, "scope": UPLOAD} | ({"owner": owner} if owner else {})
    token = _sign(claims, UPLOAD_URL_SECONDS)
    return JSONResponse({"url": f"/object/upload/sign/{bucket_id}/{name}?token={token}", "token": token})


def upload(request: Request, incoming: Incoming) -> Response:
    """PUT /object/upload/sign/{bucket}/{key}?token=: written by the service for the token's owner;
    the answer is {Key} only."""
    bucket_id, name = request.path_params["bucket"], request.path_params["name"]
    claims = _verify(request, bucket_id, name, UPLOAD)
    store(SERVICE, bucket_id, name, incoming.file(), upsert=bool(claims.get("upsert")), owner=claims.get("owner"))
    return JSONResponse({"Key": f"{bucket_id}/{name}"})


def _download_url(bucket_id: str, name: str, expires_in: int) -> str:
    url = f"{bucket_id}/{name}"
    return f"/object/sign/{url}?token={_sign({'url': url, 'scope': DOWNLOAD}, expires_in)}"


def _expires_in(body: dict[str, Any]) -> int:
    """`expiresIn`: an integer >= 1 (Fastify coerces the string storage3 sends)."""
    if "expiresIn" not in body:
        raise errors.RequestInvalid("body must have required property 'expiresIn'")
    try:
        seconds = int(body["expiresIn"])
    except (TypeError, ValueError) as exc:
        raise errors.RequestInvalid("body/expiresIn must be integer") from exc
    if seconds < 1:
        raise errors.RequestInvalid("body/expiresIn must be >= 1")
    return seconds


def _sign(claims: dict[str, Any], expires_in: int) -> str:
    now = int(time.time())
    return jwt.encode({**claims, "iat": now, "exp": now + expires_in}, get_config().jwt_secret, algorithm="HS256")


def _verify(request: Request, bucket_id: str, name: str, scope: str) -> dict[str, Any]:
    """verifyObjectSignature: a valid token (InvalidJWT), for this action (InvalidSignature; a
    token without `scope` is a legacy one, an upload one if it carries `upsert` or `owner`) and
    for this object (InvalidSignature)."""
    token = request.query_params.get("token")
    if not token:
        raise errors.RequestInvalid("querystring must have required property 'token'")
    try:
        claims = jwt.decode(token, get_config().jwt_secret, algorithms=["HS256"], options={"verify_aud": False})
    except jwt.ExpiredSignatureError as exc:
        raise errors.invalid_jwt("jwt expired") from exc
    except jwt.InvalidSignatureError as exc:
        raise errors.invalid_jwt("invalid signature") from exc
    except jwt.PyJWTError as exc:
        raise errors.invalid_jwt("jwt malformed") from exc
    legacy_scope = UPLOAD if "upsert" in claims or "owner" in claims else DOWNLOAD
    if claims.get("scope", legacy_scope) != scope:
        raise errors.invalid_signature(f"Token is not scoped for {scope}")
    if claims.get("url") != f"{bucket_id}/{name}":
        raise errors.invalid_signature()
    return claims
