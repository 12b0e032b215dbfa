import json

import pytest

from local.gateway import FunctionSpec, Gateway, openapi_document, serve_docs

DOCUMENT = {
    "openapi": "3.1.0",
    "info": {"title": "t", "version": "1"},
    "servers": [{"url": "https://abc.lambda-url.eu-west-1.on.aws"}],
    "paths": {
        "/health/": {"get": {"responses": {}}},
        "/auth/login": {
            "servers": [{"url": "https://elsewhere.example"}],
            "parameters": [],
            "post": {"servers": [{"url": "https://other.example"}], "responses": {}},
        },
    },
}


@pytest.fixture
def spec_file(tmp_path):
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(DOCUMENT))
    return path


def test_servers_are_replaced_by_the_gateway_origin(spec_file):
    document = openapi_document("http://127.0.0.1:8000", spec_file)
    assert document["servers"] == [{"url": "http://127.0.0.1:8000", "description": "local gateway"}]
    assert "servers" not in document["paths"]["/auth/login"]
    assert "servers" not in document["paths"]["/auth/login"]["post"]
    assert document["paths"]["/health/"] == DOCUMENT["paths"]["/health/"]


def test_missing_document_is_none(tmp_path):
    assert openapi_document("http://127.0.0.1:8000", tmp_path / "openapi.json") is None


def test_openapi_json_takes_its_origin_from_the_host_header(spec_file):
    status, headers, body = serve_docs("GET", "/docs/openapi.json", [("Host", "localhost:9123")], "rid", spec_file)
    assert status == 200
    assert ("Content-Type", "application/json") in headers
    assert json.loads(body)["servers"][0]["url"] == "http://localhost:9123"


def test_missing_openapi_json_is_an_enveloped_404_that_says_what_to_run(tmp_path):
    status, headers, body = serve_docs("GET", "/docs/openapi.json", [("Host", "127.0.0.1:8000")], "rid", tmp_path / "none.json")
    assert status == 404
    error = json.loads(body)
    assert error["success"] is False
    assert error["error"]["code"] == "NOT_FOUND"
    assert error["error"]["request_id"] == "rid"
    assert "make openapi" in error["error"]["message"]


def test_invalid_openapi_json_is_an_enveloped_500(tmp_path):
    broken = tmp_path / "openapi.json"
    broken.write_text("{")
    status, _, body = serve_docs("GET", "/docs/openapi.json", [], "rid", broken)
    assert status == 500
    assert "make openapi" in json.loads(body)["error"]["message"]


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/docs", "text/html; charset=utf-8"),
        ("/docs/", "text/html; charset=utf-8"),
        ("/docs/swagger-ui-bundle.js", "application/javascript; charset=utf-8"),
        ("/docs/swagger-ui.css", "text/css; charset=utf-8"),
        ("/docs/swagger-initializer.js", "application/javascript; charset=utf-8"),
    ],
)
def test_page_and_assets_are_served(path, content_type):
    status, headers, body = serve_docs("GET", path, [], "rid")
    assert status == 200
    assert dict(headers)["Content-Type"] == content_type
    assert "default-src 'self'" in dict(headers)["Content-Security-Policy"]
    assert body


def test_initializer_loads_the_gateway_document_and_keeps_the_token():
    _, _, body = serve_docs("GET", "/docs/swagger-initializer.js", [], "rid")
    assert b'url: "/docs/openapi.json"' in body
    assert b"persistAuthorization: true" in body


def test_unchanged_asset_is_a_304():
    _, headers, _ = serve_docs("GET", "/docs/swagger-ui.css", [], "rid")
    etag = dict(headers)["ETag"]
    status, _, body = serve_docs("GET", "/docs/swagger-ui.css", [("If-None-Match", etag)], "rid")
    assert (status, body) == (304, b"")


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("POST", "/docs", 405),  # read-only
        ("GET", "/docs/nope.js", 404),  # not one of the bundled files
    ],
)
def test_other_requests_under_docs_are_enveloped_errors(method, path, status):
    code, _, body = serve_docs(method, path, [], "rid")
    assert code == status
    assert json.loads(body)["success"] is False


def test_gateway_answers_docs_itself_without_a_function():
    status, headers, body = Gateway({}).invoke_http("GET", "/docs?x=1", [("Host", "127.0.0.1:8000")], b"", "127.0.0.1")
    assert status == 200
    assert b'<div id="swagger-ui">' in body


def test_a_function_named_docs_is_refused():
    with pytest.raises(ValueError, match="docs"):
        Gateway({"docs": FunctionSpec(name="docs", handler="functions/docs.handler", url=True)})
