import httpx


def test_health_over_http(gateway_url):
    response = httpx.get(f"{gateway_url}/health/")
    assert response.status_code == 200
    assert response.json() == {"success": True, "data": {"status": "ok", "database": "ok", "version": "0.1.0"}}
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["strict-transport-security"]
    assert response.headers["x-request-id"]


def test_unknown_function_and_route_are_enveloped_404s(gateway_url):
    for path in ("/nope/", "/health/does-not-exist"):
        response = httpx.get(gateway_url + path)
        assert response.status_code == 404
        assert response.json()["success"] is False
        assert response.json()["error"]["code"] == "NOT_FOUND"


def test_malformed_body_gets_a_4xx_envelope_not_a_trace(gateway_url):
    response = httpx.post(f"{gateway_url}/health/", content=b"{broken", headers={"content-type": "application/json"})
    assert 400 <= response.status_code < 500
    assert response.json()["success"] is False
    assert "Traceback" not in response.text


def test_a_method_function_urls_do_not_forward_is_an_enveloped_405(gateway_url):
    response = httpx.request("QUERY", gateway_url + "/health/")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "METHOD_NOT_ALLOWED"
    assert "GET" in response.headers["allow"]
