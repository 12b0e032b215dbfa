"""The local gateway serves the reference clients of examples/ at /examples/<file>: pages with a
Content-Security-Policy that allows exactly their own inline scripts, nothing outside the folder."""

from __future__ import annotations

import base64
import hashlib

import pytest

from local.gateway import Gateway, serve_example


@pytest.fixture
def examples(tmp_path):
    (tmp_path / "client.html").write_bytes(b"<html><script>console.log('hi')</script></html>")
    (tmp_path / "notes.txt").write_text("not served")
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "page.html").write_text("<html></html>")
    return tmp_path


def test_a_page_is_served_with_its_inline_script_allowed_by_hash(examples):
    status, headers, body = serve_example("GET", "/examples/client.html", "req-1", examples)
    found = dict(headers)
    digest = base64.b64encode(hashlib.sha256(b"console.log('hi')").digest()).decode()
    assert status == 200 and body.startswith(b"<html>")
    assert found["Content-Type"] == "text/html; charset=utf-8" and found["X-Frame-Options"] == "DENY"
    assert f"script-src 'self' 'sha256-{digest}';" in found["Content-Security-Policy"]
    assert "connect-src 'self' https: http://127.0.0.1:*" in found["Content-Security-Policy"]


@pytest.mark.parametrize(
    "path",
    [
        "/examples/notes.txt",  # not a page, script or stylesheet
        "/examples/nested/page.html",  # only files at the top of examples/
        "/examples/../README.md",
        "/examples/.hidden.html",
        "/examples/missing.html",
        "/examples/",
    ],
)
def test_anything_else_is_404(examples, path):
    status, headers, body = serve_example("GET", path, "req-2", examples)
    assert status == 404 and b'"NOT_FOUND"' in body


def test_examples_are_read_only(examples):
    status, headers, _ = serve_example("POST", "/examples/client.html", "req-3", examples)
    assert status == 405 and ("Allow", "GET, HEAD") in headers


def test_no_function_may_be_named_examples():
    with pytest.raises(ValueError, match="examples"):
        Gateway({"examples": object()})  # type: ignore[dict-item]


def test_the_gateway_serves_the_realtime_client():
    status, headers, body = Gateway({}).invoke_http("GET", "/examples/realtime-client.html", [], b"", "127.0.0.1")
    assert status == 200 and b"oai-events" in body and "Content-Security-Policy" in dict(headers)
