import base64
import json

from local.gateway import build_event, from_result, load_specs
from local.paths import SERVERLESS_YML


def test_event_carries_method_path_and_query():
    event = build_event("post", "/items/7", "a=1&b=x%20y&a=2", [("Host", "127.0.0.1:8000")], b"")
    assert event["version"] == "2.0"
    assert event["rawPath"] == "/items/7"
    assert event["rawQueryString"] == "a=1&b=x%20y&a=2"
    assert event["queryStringParameters"] == {"a": "1,2", "b": "x y"}
    assert event["requestContext"]["http"]["method"] == "POST"
    assert event["requestContext"]["http"]["path"] == "/items/7"
    assert event["requestContext"]["requestId"]


def test_headers_are_lowercased_and_repeated_ones_joined():
    event = build_event("GET", "/", "", [("X-Thing", "a"), ("x-thing", "b"), ("Content-Type", "text/plain")], b"")
    assert event["headers"]["x-thing"] == "a,b"
    assert event["headers"]["content-type"] == "text/plain"


def test_cookies_move_out_of_headers():
    event = build_event("GET", "/", "", [("Cookie", "a=1; b=2")], b"")
    assert event["cookies"] == ["a=1", "b=2"]
    assert "cookie" not in event["headers"]


def test_json_body_stays_text():
    event = build_event("POST", "/", "", [("Content-Type", "application/json")], b'{"x": 1}')
    assert event["isBase64Encoded"] is False
    assert json.loads(event["body"]) == {"x": 1}


def test_binary_body_is_base64_encoded():
    payload = bytes(range(256))
    event = build_event("POST", "/", "", [("Content-Type", "application/octet-stream")], payload)
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == payload


def test_multipart_body_is_base64_encoded():
    event = build_event("POST", "/", "", [("Content-Type", "multipart/form-data; boundary=x")], b"--x\r\n")
    assert event["isBase64Encoded"] is True


def test_result_with_base64_body_and_cookies_becomes_http():
    status, headers, body = from_result(
        {
            "statusCode": 201,
            "headers": {"X-A": "1"},
            "cookies": ["s=1; HttpOnly"],
            "body": base64.b64encode(b"\x00\x01").decode(),
            "isBase64Encoded": True,
        }
    )
    assert status == 201
    assert ("X-A", "1") in headers
    assert ("Set-Cookie", "s=1; HttpOnly") in headers
    assert body == b"\x00\x01"


def test_plain_dict_result_is_json_200():
    assert from_result({"hello": "world"}) == (200, [("Content-Type", "application/json")], b'{"hello": "world"}')


def test_serverless_yml_declares_health_with_a_url():
    specs = load_specs(SERVERLESS_YML)
    assert specs["health"].url is True
    assert specs["health"].handler == "functions/health.handler"
