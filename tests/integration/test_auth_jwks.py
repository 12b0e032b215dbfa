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


@pytest.fixture
def jwks_server(signing_key, monkeypatch):
    public_jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(signing_key.public_key()))
    public_jwk.update({"kid": "key-1", "alg": "ES256", "use": "sig"})
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            body = json.dumps({"keys": [public_jwk]}).encode()
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
