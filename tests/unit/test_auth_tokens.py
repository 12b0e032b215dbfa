import base64
import hashlib
import hmac
import json
import time
import uuid

import jwt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


# The HS256 check is the standard library's HMAC and the claim rules in shared/auth.py; PyJWT (what
# verified every token before, and still verifies the asymmetric ones) is the oracle: across
# headers, signatures and claims of every shape, a token is accepted only if PyJWT would accept it
# with the options shared/auth.py used to pass it, and exactly then when the claims are well typed.
NOW = int(time.time())
ABSENT = object()


def raw_token(header: dict, payload: dict, secret: str = SECRET, digest=hashlib.sha256, signature: str | None = None) -> str:
    signing_input = f"{b64(header)}.{b64(payload)}"
    if signature is None:
        mac = hmac.new(secret.encode(), signing_input.encode(), digest).digest()
        signature = base64.urlsafe_b64encode(mac).decode().rstrip("=")
    return f"{signing_input}.{signature}"


def pyjwt_accepts(token: str) -> bool:
    try:
        if jwt.get_unverified_header(token).get("alg") != "HS256":
            return False  # asymmetric tokens need a published key (tests/integration/test_auth_jwks.py)
        decoded = jwt.decode(token, SECRET, algorithms=["HS256"], audience="authenticated", leeway=30, options={"require": ["exp", "sub", "aud"]})
    except (jwt.PyJWTError, ValueError, TypeError, OverflowError):
        return False
    return decoded.get("role") == "authenticated"


def accepts(token: str) -> bool:
    try:
        verify_access_token(token)
    except Unauthorized:
        return False
    return True


def mostly(valid, others):
    """Usually the valid value, so that many drawn tokens differ from an accepted one in one place."""
    return st.one_of(*[st.just(valid)] * 4, others)


numeric_dates = st.one_of(
    st.sampled_from([NOW - 10_000, NOW - 31, NOW - 29, NOW, NOW + 29, NOW + 31, NOW + 3600]),
    st.floats(min_value=NOW - 100, max_value=NOW + 100),
    st.sampled_from([str(NOW + 3600), True, None, float("inf"), float("nan")]),
)
claim_values = {
    "exp": mostly(NOW + 3600, st.one_of(st.just(ABSENT), numeric_dates)),
    "iat": mostly(NOW, st.one_of(st.just(ABSENT), numeric_dates)),
    "nbf": mostly(ABSENT, numeric_dates),
    "sub": mostly(str(uuid.uuid4()), st.sampled_from([ABSENT, "", 5, None])),
    "aud": mostly("authenticated", st.sampled_from([ABSENT, "other", ["authenticated", "x"], ["x"], [], 5, [5]])),
    "role": mostly("authenticated", st.sampled_from([ABSENT, "anon", "service_role"])),
}
headers = st.fixed_dictionaries(
    {"alg": mostly("HS256", st.sampled_from(["HS512", "none", "ES256", "hs256"]))},
    optional={"kid": st.sampled_from(["key-1", 5, ""]), "typ": st.just("JWT"), "crit": st.just(["exp"]), "b64": st.booleans()},
)
signings = mostly("right", st.sampled_from(["wrong-secret", "tampered", "empty"]))


@settings(max_examples=400, deadline=None)
@given(header=headers, claims_drawn=st.fixed_dictionaries(claim_values), signing=signings)
def test_hs256_verification_never_accepts_what_pyjwt_refuses(header, claims_drawn, signing):
    payload = {name: value for name, value in claims_drawn.items() if value is not ABSENT}
    digest = hashlib.sha512 if header["alg"] == "HS512" else hashlib.sha256
    if signing == "empty":
        token = raw_token(header, payload, signature="")
    else:
        token = raw_token(header, payload, secret=SECRET if signing != "wrong-secret" else SECRET + "x", digest=digest)
        if signing == "tampered":
            head, _, signature = token.split(".")
            token = f"{head}.{b64({**payload, 'app_metadata': {'role': 'admin'}})}.{signature}"
    ours, theirs = accepts(token), pyjwt_accepts(token)
    assert not ours or theirs, "accepted a token PyJWT refuses"
    well_typed = (
        all(isinstance(payload.get(name), int) and not isinstance(payload.get(name), bool) for name in ("exp", "iat", "nbf") if name in payload)
        and payload.get("sub") != ""
    )
    if well_typed:
        assert ours == theirs


@pytest.mark.parametrize(
    "token",
    [
        "a.b",
        "a.b.c.d",
        f"{b64({'alg': 'HS256'})}.{b64(claims())}.not*base64",
        f"{b64({'alg': 'HS256'})}.é.{b64({})}",  # not ASCII
        f"{b64({'alg': 'HS256'})}.{base64.urlsafe_b64encode(b'[1, 2]').decode()}.x",  # padded, and not an object
        f"{base64.urlsafe_b64encode(b'[' * 100_000).decode().rstrip('=')}.{b64(claims())}.x",  # nested past the recursion limit
        f"{b64({'alg': 'HS256'})}.{base64.urlsafe_b64encode(bytes([0xFF, 0xFE])).decode().rstrip('=')}.x",  # not UTF-8
    ],
    ids=["two-segments", "four-segments", "bad-alphabet", "non-ascii", "padded-array", "deep-nesting", "not-utf8"],
)
def test_malformed_tokens_are_unauthorized_not_errors(token):
    with pytest.raises(Unauthorized):
        verify_access_token(token)


def test_expired_tokens_say_so():
    with pytest.raises(Unauthorized, match="expired"):
        verify_access_token(sign(claims(exp=NOW - 600)))
