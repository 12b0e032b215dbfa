"""The pinned outbound POST of webhook deliveries, against receivers on 127.0.0.1 only: it connects
to the address the SSRF guard checked (never resolving the URL's host again) while the host name
stays in the Host header, TLS SNI and certificate check; it does not follow redirects; and one
deadline bounds the whole exchange, however slowly a receiver answers."""

from __future__ import annotations

import datetime
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from shared import pinned_http, safe_http


@pytest.fixture(autouse=True)
def no_dns(monkeypatch):
    """Only numeric addresses may be 'resolved': a look-up of the URL's host name fails the test."""
    real = socket.getaddrinfo

    def numeric_only(host, *args, **kwargs):
        assert host in ("127.0.0.1", "::1"), f"unexpected DNS look-up of {host}"
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", numeric_only)


@contextmanager
def receiver(answer, tls: ssl.SSLContext | None = None) -> Iterator[tuple[int, list[dict]]]:
    """A server on 127.0.0.1; `answer(handler)` writes the response; yields its port and the requests seen."""
    seen: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            seen.append({"host": self.headers.get("host"), "path": self.path, "body": body, "headers": dict(self.headers)})
            answer(self)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], seen
    finally:
        server.shutdown()
        server.server_close()


def status(code: int, headers: dict[str, str] | None = None):
    def answer(handler):
        handler.send_response(code)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.send_header("content-length", "0")
        handler.end_headers()

    return answer


def pinned(url: str, port: int, host: str = "receiver.example") -> safe_http.Target:
    return safe_http.Target(url=url, host=host, port=port, addresses=("127.0.0.1",))


def test_the_post_goes_to_the_checked_address_with_the_host_name_kept():
    with receiver(status(204)) as (port, seen):
        outcome = safe_http.post(pinned(f"http://receiver.example:{port}/hooks?x=1", port), b'{"a":1}', {"webhook-id": "msg_1"}, 5)
    assert outcome.ok and outcome.status == 204 and outcome.error is None
    [request] = seen
    assert request["host"] == f"receiver.example:{port}" and request["path"] == "/hooks?x=1" and request["body"] == b'{"a":1}'
    assert request["headers"]["webhook-id"] == "msg_1" and request["headers"]["Content-Type"] == "application/json"


def test_redirects_are_not_followed():
    with receiver(status(204)) as (elsewhere, seen_elsewhere), receiver(status(302, {"Location": f"http://127.0.0.1:{elsewhere}/"})) as (port, _):
        outcome = safe_http.post(pinned(f"http://receiver.example:{port}/", port), b"{}", {}, 5)
    assert (outcome.status, outcome.ok, outcome.error) == (302, False, "the receiver answered 302")
    assert seen_elsewhere == []


def test_a_receiver_answering_500_is_a_failed_attempt_with_its_status():
    with receiver(status(500)) as (port, _):
        outcome = safe_http.post(pinned(f"http://receiver.example:{port}/", port), b"{}", {}, 5)
    assert (outcome.status, outcome.ok, outcome.error) == (500, False, "the receiver answered 500")


def test_a_receiver_dripping_its_answer_is_cut_off_at_the_deadline():
    def drip(handler):
        for char in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 100:
            try:
                handler.wfile.write(bytes([char]))
                handler.wfile.flush()
            except OSError:
                return
            time.sleep(0.2)  # each byte well inside a per-read timeout: only a total deadline stops this

    started = time.monotonic()
    with receiver(drip) as (port, _):
        outcome = safe_http.post(pinned(f"http://receiver.example:{port}/", port), b"{}", {}, 1.0)
    assert outcome.status is None and outcome.error == "timed out"
    assert time.monotonic() - started < 3


def test_a_closed_port_is_a_connection_failure():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    outcome = safe_http.post(pinned(f"http://receiver.example:{port}/", port), b"{}", {}, 2)
    assert outcome.status is None and outcome.error == "connection failed"


@pytest.fixture
def tls(tmp_path, monkeypatch):
    """A test CA the client trusts (instead of the public ones) and server contexts with
    certificates it signed for a given name."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test CA")])
    now = datetime.datetime.now(datetime.UTC)
    ca = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    ca_file = tmp_path / "ca.pem"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    monkeypatch.setattr(pinned_http.httpx, "create_ssl_context", lambda: ssl.create_default_context(cafile=str(ca_file)))

    def server_for(hostname: str) -> ssl.SSLContext:
        leaf_key = ec.generate_private_key(ec.SECP256R1())
        leaf = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hostname)]))
            .issuer_name(name)
            .public_key(leaf_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(hostname)]), critical=False)
            .sign(key, hashes.SHA256())
        )
        cert_file, key_file = tmp_path / f"{hostname}.pem", tmp_path / f"{hostname}.key"
        cert_file.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
        key_file.write_bytes(leaf_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_file, key_file)
        return context

    return server_for


def test_tls_verifies_the_certificate_of_the_url_host_name_while_connecting_to_the_checked_address(tls):
    with receiver(status(200), tls=tls("receiver.example")) as (port, seen):
        outcome = safe_http.post(pinned(f"https://receiver.example:{port}/hooks", port), b"{}", {}, 5)
    assert outcome.ok and seen[0]["host"] == f"receiver.example:{port}"


def test_a_certificate_for_another_host_name_fails_the_handshake(tls):
    with receiver(status(200), tls=tls("other.example")) as (port, seen):
        outcome = safe_http.post(pinned(f"https://receiver.example:{port}/hooks", port), b"{}", {}, 5)
    assert (outcome.status, outcome.error) == (None, "TLS handshake failed") and seen == []
