"""The product's JWT verification against asymmetric signing keys, as new hosted Supabase projects
issue them: a second stand-in and gateway run with `STANDIN_JWT_SIGNING=ES256`, so user access
tokens are ES256 with a `kid` and the gateway verifies them through the stand-in's JWKS
(shared/auth.py's PyJWKClient), while the anon and service_role API keys stay HS256 legacy JWTs."""

from __future__ import annotations

import base64
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from local.supabase_standin.tokens import new_signing_jwk, write_signing_keys
from supabase import ClientOptions, create_client
from tests.documents import make_pdf
from tests.e2e.conftest import PASSWORD, api_caller, free_port, serve_gateway, serve_standin, user_maker


@pytest.fixture(scope="module")
def es256_env(stack_env, tmp_path_factory) -> dict[str, str]:
    """The stack's environment with ES256 signing keys in a file of this run (created by the
    stand-in) and no cooldown on JWKS refreshes, so a rotation is seen by the next request."""
    keys_path = tmp_path_factory.mktemp("signing") / "signing_keys.json"
    return {
        **stack_env,
        "SUPABASE_URL": f"http://127.0.0.1:{free_port()}",
        "STANDIN_JWT_SIGNING": "ES256",
        "STANDIN_SIGNING_KEYS_PATH": str(keys_path),
        "SUPABASE_JWKS_REFRESH_COOLDOWN_S": "0",
    }


@pytest.fixture(scope="module")
def es256_supabase(es256_env) -> Iterator[str]:
    with serve_standin(es256_env) as url:
        yield url


@pytest.fixture(scope="module")
def es256_api(es256_env, es256_supabase):
    with serve_gateway(es256_env) as url:
        yield api_caller(url)


@pytest.fixture(scope="module")
def make_es256_user(es256_env, es256_supabase, es256_api):
    return user_maker(es256_supabase, es256_env["SUPABASE_SERVICE_ROLE_KEY"], es256_api)


def keys_file(env: dict[str, str]) -> list[dict]:
    return json.loads(Path(env["STANDIN_SIGNING_KEYS_PATH"]).read_text())


def published(supabase_url: str) -> httpx.Response:
    return httpx.get(f"{supabase_url}/auth/v1/.well-known/jwks.json", timeout=10)


def published_kids(supabase_url: str) -> set[str]:
    return {key["kid"] for key in published(supabase_url).json()["keys"]}


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def test_the_stand_in_publishes_its_signing_key_as_gotrue_does(es256_env, es256_supabase):
    """GoTrue's /.well-known/jwks.json: the public half of each asymmetric key, use "sig",
    key_ops ["verify"], cacheable for 10 minutes; the key file holds the private key, owner-only."""
    response = published(es256_supabase)
    assert response.status_code == 200 and response.headers["cache-control"] == "public, max-age=600"
    (signing,) = [key for key in keys_file(es256_env) if "sign" in key["key_ops"]]
    key = next(key for key in response.json()["keys"] if key["kid"] == signing["kid"])
    assert key == {
        "kty": "EC",
        "crv": "P-256",
        "x": signing["x"],
        "y": signing["y"],
        "kid": signing["kid"],
        "alg": "ES256",
        "use": "sig",
        "key_ops": ["verify"],
    }
    assert os.stat(es256_env["STANDIN_SIGNING_KEYS_PATH"]).st_mode & 0o777 == 0o600


def test_a_candidate_signs_in_with_an_es256_token_and_uses_the_product(es256_api, es256_supabase):
    registered = es256_api(
        "POST", "/auth/register", json={"email": f"es256-{uuid.uuid4().hex[:10]}@example.com", "password": PASSWORD, "full_name": "Esme Ecdsa"}
    )
    assert registered.status_code == 201, registered.text
    token = registered.json()["data"]["session"]["access_token"]
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "ES256" and header["kid"] in published_kids(es256_supabase)

    me = es256_api("GET", "/auth/me", token=token)
    assert me.status_code == 200 and me.json()["data"]["user"]["role"] == "candidate"
    uploaded = es256_api("POST", "/resumes/upload", token=token, files={"file": ("cv.pdf", make_pdf(), "application/pdf")})
    assert uploaded.status_code == 201, uploaded.text  # Storage, called with the caller's ES256 token, accepted it
    assert es256_api("GET", "/resumes/", token=token).status_code == 200

    refreshed = es256_api("POST", "/auth/refresh", json={"refresh_token": registered.json()["data"]["session"]["refresh_token"]})
    assert refreshed.status_code == 200
    assert jwt.get_unverified_header(refreshed.json()["data"]["session"]["access_token"])["alg"] == "ES256"

    assert es256_api("POST", "/auth/logout", token=token).status_code == 200  # Auth's /logout accepted the ES256 token
    started = es256_api("POST", "/start-interview/", token=token, json={"role_type": "python"})
    assert started.status_code == 401  # the session is gone, whatever the signature


def test_the_supabase_client_verifies_the_token_against_the_published_keys(es256_env, es256_supabase, make_es256_user):
    """supabase-py's get_claims verifies an ES256 token with a kid locally, through the JWKS."""
    user = make_es256_user("candidate", "Claire Claims")
    client = create_client(es256_supabase, es256_env["SUPABASE_ANON_KEY"], options=ClientOptions(auto_refresh_token=False, persist_session=False))
    claims = client.auth.get_claims(jwt=user["token"])
    assert claims is not None and claims["claims"]["sub"] == user["id"] and claims["headers"]["alg"] == "ES256"
    assert client.auth.get_user(user["token"]).user.id == user["id"]


def forged(kind: str, token: str, env: dict[str, str]) -> str:
    """A token with the claims of a real one, signed by someone without the project's key."""
    claims = jwt.decode(token, options={"verify_signature": False})
    kid = jwt.get_unverified_header(token)["kid"]
    other_key = ec.generate_private_key(ec.SECP256R1())
    if kind == "other key, same kid":
        return jwt.encode(claims, other_key, algorithm="ES256", headers={"kid": kid})
    if kind == "unknown kid":
        return jwt.encode(claims, other_key, algorithm="ES256", headers={"kid": str(uuid.uuid4())})
    if kind == "HS256, wrong secret":
        return jwt.encode(claims, env["SUPABASE_JWT_SECRET"][::-1] + "x", algorithm="HS256")
    if kind == "alg none":
        return f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims)}."
    if kind == "ES256 without kid":
        return jwt.encode(claims, other_key, algorithm="ES256")
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["other key, same kid", "unknown kid", "HS256, wrong secret", "alg none", "ES256 without kid"])
def test_forged_tokens_are_refused_by_the_product_and_by_the_stand_in(kind, es256_env, es256_supabase, es256_api, make_es256_user):
    user = make_es256_user("candidate", "Fay Forger")
    token = forged(kind, user["token"], es256_env)
    me = es256_api("GET", "/auth/me", token=token)
    assert me.status_code == 401 and me.json()["error"]["code"] == "UNAUTHORIZED"
    headers = {"apikey": es256_env["SUPABASE_ANON_KEY"], "Authorization": f"Bearer {token}"}
    auth_user = httpx.get(f"{es256_supabase}/auth/v1/user", headers=headers, timeout=10)
    assert auth_user.status_code == 403 and auth_user.json()["code"] == "bad_jwt"
    listed = httpx.post(f"{es256_supabase}/storage/v1/object/list/resumes", headers=headers, json={"prefix": user["id"]}, timeout=10)
    assert listed.status_code == 400 and listed.json()["statusCode"] == "403"
    genuine = {**headers, "Authorization": f"Bearer {user['token']}"}
    assert httpx.post(f"{es256_supabase}/storage/v1/object/list/resumes", headers=genuine, json={"prefix": user["id"]}, timeout=10).status_code == 200


def test_a_rotated_signing_key_is_picked_up_and_tokens_of_the_previous_key_stay_valid(es256_env, es256_supabase, es256_api, make_es256_user):
    """Rotation as Supabase does it: the new key signs, the previous one stays published for
    verification. The gateway has the old key set cached; a token naming the new kid makes it
    fetch the JWKS again (PyJWKClient's refresh on an unknown kid)."""
    before = make_es256_user("candidate", "Rhea Rotation")
    assert es256_api("GET", "/auth/me", token=before["token"]).status_code == 200  # the gateway has cached the key set
    previous = [{**key, "key_ops": ["verify"]} for key in keys_file(es256_env)]
    new_key = new_signing_jwk()
    write_signing_keys(Path(es256_env["STANDIN_SIGNING_KEYS_PATH"]), [new_key, *previous])
    assert published_kids(es256_supabase) == {new_key["kid"], *(key["kid"] for key in previous)}

    after = make_es256_user("candidate", "Rhea Rotation")
    assert jwt.get_unverified_header(after["token"])["kid"] == new_key["kid"]
    assert es256_api("GET", "/auth/me", token=after["token"]).status_code == 200
    assert es256_api("GET", "/auth/me", token=before["token"]).status_code == 200

    write_signing_keys(Path(es256_env["STANDIN_SIGNING_KEYS_PATH"]), [new_key])  # the previous key revoked
    assert published_kids(es256_supabase) == {new_key["kid"]}
    headers = {"apikey": es256_env["SUPABASE_ANON_KEY"], "Authorization": f"Bearer {before['token']}"}
    assert httpx.get(f"{es256_supabase}/auth/v1/user", headers=headers, timeout=10).json()["code"] == "bad_jwt"
