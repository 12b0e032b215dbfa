"""Asymmetric Supabase signing keys: the verifier fetches the project's JWKS over HTTP and caches it."""

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from shared import auth
from shared.errors import Unauthorized
from shared.settings import get_settings


@pytest.fixture
def signing_key():
    return ec.generate_private_key(ec.SECP256R1())


def public_jwk(private_key, kid):
    return {**jwt.algorithms.ECAlgorithm.to_jwk(private_key.public_key(), as_dict=True), "kid": kid, "alg": "ES256", "use": "sig"}


@pytest.fixture
def published(signing_key):
    """The keys the server publishes; a test may add some (a rotation)."""
    return [public_jwk(signing_key, "key-1")]


@pytest.fixture
def jwks_server(published, monkeypatch):
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            body = json.dumps({"keys": published}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("SUPABASE_URL", f"http://127.0.0.1:{server.server_address[1]}")
    get_settings.cache_clear()
    auth._jwks_client.cache_clear()
    yield hits
    server.shutdown()
    auth._jwks_client.cache_clear()
    get_settings.cache_clear()


def _claims():
    now = int(time.time())
    return {"sub": str(uuid.uuid4()), "aud": "authenticated", "role": "authenticated", "iat": now, "exp": now + 600}


def test_es256_token_verifies_against_the_published_keys_and_is_cached(jwks_server, signing_key):
    token = jwt.encode(_claims(), signing_key, algorithm="ES256", headers={"kid": "key-1"})
    assert auth.verify_access_token(token)["aud"] == "authenticated"
    auth.verify_access_token(token)
    assert jwks_server == ["/auth/v1/.well-known/jwks.json"]


def test_token_signed_by_another_key_is_refused(jwks_server):
    other = ec.generate_private_key(ec.SECP256R1())
    token = jwt.encode(_claims(), other, algorithm="ES256", headers={"kid": "key-1"})
    with pytest.raises(Unauthorized):
        auth.verify_access_token(token)


def test_unknown_key_id_is_refused(jwks_server, signing_key):
    token = jwt.encode(_claims(), signing_key, algorithm="ES256", headers={"kid": "missing"})
    with pytest.raises(Unauthorized):
        auth.verify_access_token(token)


def test_a_key_published_after_the_keys_were_cached_is_fetched_when_a_token_names_it(jwks_server, signing_key, published, monkeypatch):
    """A rotation: the first token caches the key set; a token signed by a newly published key makes
    the verifier fetch the set again (no cooldown configured here)."""
    monkeypatch.setenv("SUPABASE_JWKS_REFRESH_COOLDOWN_S", "0")
    get_settings.cache_clear()
    auth.verify_access_token(jwt.encode(_claims(), signing_key, algorithm="ES256", headers={"kid": "key-1"}))
    rotated = ec.generate_private_key(ec.SECP256R1())
    published.append(public_jwk(rotated, "key-2"))
    assert auth.verify_access_token(jwt.encode(_claims(), rotated, algorithm="ES256", headers={"kid": "key-2"}))["aud"] == "authenticated"
    assert len(jwks_server) == 2


def test_unknown_kids_fetch_the_keys_again_at_most_once_per_cooldown(jwks_server, signing_key):
    """Tokens naming made-up kids cannot make every request fetch the JWKS from Supabase: within the
    default 30 s after a fetch, an unknown kid is refused from the cached set."""
    auth.verify_access_token(jwt.encode(_claims(), signing_key, algorithm="ES256", headers={"kid": "key-1"}))
    for kid in ("made-up-1", "made-up-2"):
        with pytest.raises(Unauthorized):
            auth.verify_access_token(jwt.encode(_claims(), signing_key, algorithm="ES256", headers={"kid": kid}))
    assert len(jwks_server) == 1
