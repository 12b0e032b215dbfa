"""Logout over HTTP ends the session for writes at once (F17), through the stand-in as through GoTrue."""

from __future__ import annotations


def test_after_logout_the_access_token_can_no_longer_write(api, make_user):
    """F17: POST /auth/logout deletes the session; the unexpired access token is refused for writes."""
    user = make_user("candidate", "Logout Person")
    assert api("POST", "/auth/logout", token=user["token"]).status_code == 200
    started = api("POST", "/start-interview/", token=user["token"], json={"role_type": "python"})
    assert started.status_code == 401
    assert started.json()["error"]["code"] == "UNAUTHORIZED"
