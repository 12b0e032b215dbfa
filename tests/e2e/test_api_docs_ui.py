import httpx
import pytest

ASSETS = [
    ("/docs/swagger-ui-bundle.js", "application/javascript", 500_000),
    ("/docs/swagger-ui.css", "text/css", 50_000),
    ("/docs/swagger-initializer.js", "application/javascript", 100),
]


def test_docs_page_is_swagger_ui_on_local_assets(gateway_url):
    response = httpx.get(f"{gateway_url}/docs")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<div id="swagger-ui">' in response.text
    for path, _, _ in ASSETS:
        assert f'"{path}"' in response.text
    assert "://" not in response.text  # nothing from a CDN
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


@pytest.mark.parametrize(("path", "content_type", "min_size"), ASSETS)
def test_docs_assets_are_served(gateway_url, path, content_type, min_size):
    response = httpx.get(gateway_url + path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(content_type)
    assert len(response.content) > min_size
    assert response.headers["etag"]


def test_openapi_document_points_try_it_out_at_the_gateway(gateway_url):
    response = httpx.get(f"{gateway_url}/docs/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    assert document["servers"][0]["url"] == gateway_url
    assert document["paths"]
