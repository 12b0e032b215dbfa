"""Workflow 3: scoring a stored interview (job, passes, evidence, integrity, partial results,
the score-pending sweep, rescoring with history) and the assessments function's two views."""

from __future__ import annotations

import json

import pytest

from functions import assessments as assessments_function
from shared.ai.models import GeneratedQuestion
from shared.ai.offline import evaluator, question_bank
from shared.ai.offline.provider import OfflineProvider
from shared.errors import AIUnavailable
from shared.services import assessments
from tests.interview_answers import WEAK_ANSWER, strong_answer
from tests.rls import create_user
from tests.support import access_token, invoke

PLAN = [("warmup", 2), ("standard", 6), ("advanced", 4)]


def store_interview(conn, candidate_id: str, answer, seconds) -> str:
    """A completed python interview of 12 questions; answer(question) and seconds(index, text) decide each turn."""
    interview_id = str(
        conn.execute(
            "insert into public.interviews (candidate_id, role_type, mode, status, started_at, completed_at, last_activity_at)"
            " values (%s, 'python', 'text', 'in_progress', now() - interval '40 minutes', null, now()) returning id",
            [candidate_id],
        ).fetchone()["id"]
    )
    session_id = conn.execute(
        "insert into public.interview_sessions (interview_id, skill_boundaries_identified) values (%s, %s) returning id",
        [interview_id, json.dumps({"python basics": "proficient"})],
    ).fetchone()["id"]
    sequence, index = 0, 0
    for phase, count in PLAN:
        for bank in question_bank.questions("python", phase)[:count]:
            text = answer(bank)
            evaluation = evaluator.evaluate(bank, text)
            meta = {"question_id": bank.id, "topic": bank.topic, "phase": phase}
            for kind, content, judged in (("ai_question", bank.text, None), ("candidate_response", text, evaluation.model_dump_json())):
                sequence += 1
                conn.execute(
                    "insert into public.interview_messages (interview_id, session_id, sequence_number, message_type, content_text,"
                    " response_time_seconds, metadata, evaluation) values (%s, %s, %s, %s, %s, %s, %s, %s)",
                    [
                        interview_id,
                        session_id,
                        sequence,
                        kind,
                        content,
                        seconds(index, text) if kind == "candidate_response" else None,
                        json.dumps(meta),
                        judged,
                    ],
                )
            index += 1
    conn.execute("update public.interviews set status = 'completed', completed_at = now() where id = %s", [interview_id])
    return interview_id


def human_seconds(index: int, text: str) -> float:
    return 45.0 + (index * 17) % 50  # varied, unhurried typing


@pytest.fixture
def candidate(admin_conn):
    return create_user(admin_conn, "candidate", name="Sam Scored")


@pytest.fixture
def recruiter(admin_conn):
    return create_user(admin_conn, "recruiter", organization_id="00000000-0000-0000-0000-00000000a001")


def run_jobs():
    import shared.jobs  # noqa: F401
    from shared.queue import drain

    return drain()


def current(admin_conn, interview_id):
    return admin_conn.execute("select * from public.assessment_results where interview_id = %s and is_current", [interview_id]).fetchone()


def test_completion_queues_scoring_and_every_field_is_stored_with_real_evidence(app_env, admin_conn, candidate):
    interview_id = store_interview(admin_conn, candidate, strong_answer, human_seconds)
    run_jobs()
    row = current(admin_conn, interview_id)
    assert row["status"] == "completed" and row["missing_sections"] == [] and row["error"] is None
    assert 0 <= row["overall_score"] <= 100 and row["overall_score"] >= 75
    message_ids = {str(r["id"]) for r in admin_conn.execute("select id from public.interview_messages where interview_id = %s", [interview_id])}
    assert row["skill_scores"] and all(0 <= s["score"] <= 100 for s in row["skill_scores"].values())
    cited = [mid for s in row["skill_scores"].values() for mid in s["evidence_message_ids"]]
    assert cited and set(cited) <= message_ids
    assert all(s["reasoning"] and 0 <= s["confidence"] <= 1 for s in row["skill_scores"].values())
    assert row["skill_boundary_map"]["python basics"] == "proficient" and set(row["skill_scores"]) <= set(row["skill_boundary_map"])
    assert row["strengths"] and row["recommended_actions"] and isinstance(row["weaknesses"], list)
    assert row["integrity_score"] == 100 and row["integrity_flags"] == []
    assert row["ai_reasoning"]["overall"]["reasoning"] and 0 < row["ai_reasoning"]["overall"]["confidence"] <= 1
    assert set(row["ai_reasoning"]["skills"]) == set(row["skill_scores"]) and "integrity" in row["ai_reasoning"]
    assert row["model"] and row["prompt_version"]
    assert float(row["cost_usd"]) >= 0


def test_strong_answers_score_far_above_i_dont_know(app_env, admin_conn, candidate):
    strong = store_interview(admin_conn, candidate, strong_answer, human_seconds)
    weak = store_interview(admin_conn, candidate, lambda bank: WEAK_ANSWER, human_seconds)
    run_jobs()
    strong_score, weak_score = current(admin_conn, strong)["overall_score"], current(admin_conn, weak)["overall_score"]
    assert strong_score >= 75 and weak_score <= 25 and strong_score - weak_score >= 50
    assert current(admin_conn, weak)["weaknesses"] and not current(admin_conn, weak)["strengths"]


def test_implausibly_fast_long_answers_get_timing_flags_citing_their_messages(app_env, admin_conn, candidate):
    interview_id = store_interview(admin_conn, candidate, lambda bank: strong_answer(bank) + " " + strong_answer(bank), lambda i, t: 3.0 + i % 2)
    run_jobs()
    row = current(admin_conn, interview_id)
    answers = {
        str(r["id"])
        for r in admin_conn.execute(
            "select id from public.interview_messages where interview_id = %s and message_type = 'candidate_response'", [interview_id]
        )
    }
    timing = [flag for flag in row["integrity_flags"] if flag["type"] == "fast_complex_answer"]
    assert len(timing) == 12 and all(flag["severity"] == "high" and flag["source"] == "rules" for flag in timing)
    assert all(set(flag["evidence"]["message_ids"]) <= answers and 0 < flag["confidence"] <= 1 for flag in timing)
    assert row["integrity_score"] <= 20


def test_ai_failure_stores_the_partial_result_then_the_sweep_recovers_it_with_history(app_env, admin_conn, candidate, monkeypatch):
    def unavailable(self, role_type, turns):
        raise AIUnavailable()

    original = OfflineProvider.score_interview
    monkeypatch.setattr(OfflineProvider, "score_interview", unavailable)
    interview_id = store_interview(admin_conn, candidate, strong_answer, lambda i, t: 2.0)
    for _ in range(3):
        run_jobs()
        admin_conn.execute("update private.jobs set run_after = now() where kind = 'interview.score' and status = 'queued'")
    partial = current(admin_conn, interview_id)
    assert partial["status"] == "partial" and partial["overall_score"] is None and "technical_skills" in partial["missing_sections"]
    assert partial["integrity_flags"] and partial["integrity_score"] < 100 and "temporarily unavailable" in partial["error"]

    assert assessments.queue_pending() == 0  # within the grace period after completion
    admin_conn.execute("update public.interviews set completed_at = now() - interval '10 minutes' where id = %s", [interview_id])
    monkeypatch.setattr(OfflineProvider, "score_interview", original)
    assert assessments.queue_pending() == 1
    assert assessments.queue_pending() == 0  # a live job is not queued twice
    run_jobs()
    recovered = current(admin_conn, interview_id)
    assert recovered["status"] == "completed" and recovered["overall_score"] >= 75
    history = admin_conn.execute("select status from public.assessment_results where interview_id = %s and not is_current", [interview_id]).fetchall()
    assert [h["status"] for h in history] == ["partial"]
    assert assessments.queue_pending() == 0


def test_an_interview_without_answers_ends_failed_and_visible(app_env, admin_conn, candidate):
    interview_id = str(
        admin_conn.execute(
            "insert into public.interviews (candidate_id, role_type, status, started_at) values (%s, 'react', 'in_progress', now()) returning id",
            [candidate],
        ).fetchone()["id"]
    )
    admin_conn.execute("update public.interviews set status = 'completed', completed_at = now() where id = %s", [interview_id])
    run_jobs()
    row = current(admin_conn, interview_id)
    assert row["status"] == "failed" and "no answered questions" in row["error"]


def test_assessment_views_rescore_and_access(app_env, admin_conn, candidate, recruiter):
    interview_id = store_interview(admin_conn, candidate, strong_answer, lambda i, t: 2.0)
    candidate_token, recruiter_token = access_token(candidate, "candidate"), access_token(recruiter, "recruiter")
    handler = assessments_function.handler

    pending = invoke(handler, "GET", f"/{interview_id}", token=candidate_token)
    assert pending.status == 202 and pending.data["status"] == "processing"
    run_jobs()

    mine = invoke(handler, "GET", f"/{interview_id}", token=candidate_token)
    assert mine.status == 200
    assert set(mine.data) == {"interview_id", "status", "overall_score", "skill_scores", "strengths", "weaknesses", "generated_at"}
    assert all(set(skill) == {"skill", "score"} for skill in mine.data["skill_scores"])
    text = json.dumps(mine.body)
    assert "integrity" not in text and "reasoning" not in text and "evidence" not in text

    full = invoke(handler, "GET", f"/{interview_id}", token=recruiter_token)
    assert full.status == 200 and full.data["integrity_flags"] and full.data["ai_reasoning"] and full.data["history"] == []

    other = create_user(admin_conn, "candidate")
    assert invoke(handler, "GET", f"/{interview_id}", token=access_token(other, "candidate")).status == 404
    assert invoke(handler, "POST", f"/{interview_id}/rescore", token=candidate_token).status == 403

    first_id = full.data["id"]
    again = invoke(handler, "POST", f"/{interview_id}/rescore", token=recruiter_token)
    assert again.status == 202
    run_jobs()
    after = invoke(handler, "GET", f"/{interview_id}", token=recruiter_token).data
    assert after["id"] != first_id and [h["id"] for h in after["history"]] == [first_id]
    assert admin_conn.execute("select count(*) as n from public.assessment_results where interview_id = %s", [interview_id]).fetchone()["n"] == 2


def test_application_moves_to_interview_completed_when_scored(app_env, admin_conn, candidate):
    posting = admin_conn.execute(
        "insert into public.job_postings (organization_id, title, company, role_category, employment_type, work_setup, tech_stack, status)"
        " values ('00000000-0000-0000-0000-00000000a001', 'Python Engineer', 'Acme', 'engineering', 'permanent', 'remote', %s, 'active')"
        " returning id",
        [["python"]],
    ).fetchone()["id"]
    application = admin_conn.execute(
        "insert into public.applications (candidate_id, job_posting_id) values (%s, %s) returning id, interview_id", [candidate, posting]
    ).fetchone()
    interview_id = str(application["interview_id"])
    admin_conn.execute("update public.interviews set status = 'in_progress', started_at = now() where id = %s", [interview_id])
    bank = question_bank.questions("python", "warmup")[0]
    question = GeneratedQuestion(question_id=bank.id, topic=bank.topic, text=bank.text, phase="warmup", difficulty=1, is_follow_up=False)
    evaluation = OfflineProvider().evaluate_answer(None, question, strong_answer(bank)).value
    admin_conn.execute(
        "insert into public.interview_messages (interview_id, sequence_number, message_type, content_text, metadata) values"
        " (%s, 1, 'ai_question', %s, %s), (%s, 2, 'candidate_response', %s, %s)",
        [
            interview_id,
            bank.text,
            json.dumps({"phase": "warmup", "topic": bank.topic}),
            interview_id,
            strong_answer(bank),
            json.dumps({"phase": "warmup", "topic": bank.topic, "evaluation": evaluation.model_dump()}),
        ],
    )
    admin_conn.execute("update public.interviews set status = 'completed', completed_at = now() - interval '1 minute' where id = %s", [interview_id])
    run_jobs()
    status = admin_conn.execute("select status from public.applications where id = %s", [application["id"]]).fetchone()["status"]
    assert status == "interview_completed"
