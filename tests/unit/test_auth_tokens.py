import base64
import json
import time
import uuid

import jwt
import pytest

from shared.auth import Caller, bearer_token, caller_from_token, verify_access_token
from shared.errors import Unauthorized
from shared.settings import get_settings

SECRET = "unit-test-secret-that-is-long-enough-for-hs256-0123456789"


@pytest.fixture(autouse=True)
def jwt_secret(monkeypatch):
    monkeypatch.setenv("SUPABASE_JWT_SECRET", SECRET)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def claims(**overrides):
    now = int(time.time())
    base = {
        "sub": str(uuid.uuid4()),
        "aud": "authenticated",
        "role": "authenticated",
        "iat": now,
        "exp": now + 3600,
        "app_metadata": {"role": "candidate"},
        "user_metadata": {},
    }
    return {**base, **overrides}


def sign(payload, secret=SECRET, algorithm="HS256"):
    return jwt.encode(payload, secret, algorithm=algorithm)


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def tampered():
    header, _, signature = sign(claims()).split(".")
    return f"{header}.{b64(claims(app_metadata={'role': 'admin'}))}.{signature}"


def test_valid_token_yields_its_claims():
    payload = claims()
    assert verify_access_token(sign(payload))["sub"] == payload["sub"]


def test_small_clock_skew_is_tolerated():
    verify_access_token(sign(claims(exp=int(time.time()) - 5)))


@pytest.mark.parametrize(
    "token_factory",
    [
        lambda: sign(claims(exp=int(time.time()) - 600)),  # expired
        lambda: sign(claims(), secret="another-secret-that-is-also-long-enough-0123456789"),  # forged
        lambda: sign(claims(aud="other")),  # wrong audience
        lambda: sign(claims(role="service_role")),  # an API key is not a user token
        lambda: sign({k: v for k, v in claims().items() if k != "sub"}),  # no subject
        lambda: f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims())}.",  # alg none
        lambda: tampered(),  # payload changed after signing
        lambda: "garbage",
        lambda: sign(claims(), secret=SECRET * 2, algorithm="HS512"),  # algorithm not accepted
    ],
)
def test_bad_tokens_are_unauthorized(token_factory):
    with pytest.raises(Unauthorized):
        verify_access_token(token_factory())


def test_role_comes_from_app_metadata_never_user_metadata():
    token = sign(claims(app_metadata={}, user_metadata={"role": "admin"}))
    caller = caller_from_token(token)
    assert caller.role == "candidate"
    assert caller.access_token == token
    assert not caller.is_staff


@pytest.mark.parametrize("headers", [{}, {"authorization": "Basic abc"}, {"authorization": "Bearer "}])
def test_missing_or_malformed_authorization_header_is_unauthorized(headers):
    with pytest.raises(Unauthorized):
        bearer_token(headers)


def test_staff_and_manager_sets_follow_the_role():
    recruiter = Caller(user_id="u", role="recruiter", claims={}, access_token="t")
    viewer = Caller(user_id="u", role="viewer", claims={}, access_token="t")
    assert recruiter.is_staff and recruiter.can_manage
    assert viewer.is_staff and not viewer.can_manage
