from tests.support import invoke


def test_health_reports_database_ok(app_env):
    from functions.health import handler

    reply = invoke(handler, "GET", "/")
    assert reply.status == 200
    assert reply.data["status"] == "ok"
    assert reply.data["database"] == "ok"
    assert reply.data["version"]
    assert reply.headers["x-request-id"]


def test_health_is_503_when_the_database_is_gone(app_env, monkeypatch):
    from functions.health import handler
    from shared import db
    from shared.settings import get_settings

    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres:postgres@127.0.0.1:1/none")
    monkeypatch.setenv("DB_CONNECT_TIMEOUT_S", "1")
    get_settings.cache_clear()
    db.close_pool()
    reply = invoke(handler, "GET", "/")
    assert reply.status == 503
    assert reply.error["code"] == "SERVICE_UNAVAILABLE"
    assert "127.0.0.1" not in str(reply.body)
