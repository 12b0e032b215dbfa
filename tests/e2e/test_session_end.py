"""Logout over HTTP ends the session for writes at once (F17), through the stand-in as through GoTrue."""

from __future__ import annotations


def test_after_logout_the_access_token_can_no_longer_write(api, make_user):
    """F17: POST /auth/logout deletes the session; the unexpired access token is refused for writes."""
    user = make_user("candidate", "Logout Person")
    assert api("POST", "/auth/logout", token=user["token"]).status_code == 200
    started = api("POST", "/start-interview/", token=user["token"], json={"role_type": "python"})
    assert started.status_code == 401
    assert started.json()["error"]["code"] == "UNAUTHORIZED"


def test_a_candidate_never_reads_answer_evaluations(api, make_user):
    """F6: the candidate's message reads carry no per-answer AI evaluation (score, rationale)."""
    user = make_user("candidate", "Curious Candidate")
    started = api("POST", "/start-interview/", token=user["token"], json={"role_type": "react"}).json()["data"]
    interview_id = started["interview"]["id"]
    answered = api(
        "POST", f"/process-turn/{interview_id}", token=user["token"], json={"text": "Props pass data down; state is owned by a component."}
    )
    assert answered.status_code == 200
    messages = api("GET", f"/interview/{interview_id}/messages", token=user["token"]).json()["data"]["items"]
    assert [m["message_type"] for m in messages][:2] == ["ai_question", "candidate_response"]
    assert all("evaluation" not in m["metadata"] and "evaluation" not in m for m in messages)
