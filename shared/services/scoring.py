"""Interview scoring (workflow 3): an AI pass for technical skills, reasoning and recommendations,
and integrity from deterministic timing and text rules in code plus the AI's observations.
Everything cited as evidence is checked to be a message of this interview. A rescore or a retry
replaces the current assessment and keeps the old one as history."""

from __future__ import annotations

from typing import Any

from shared.ai.base import get_provider
from shared.ai.models import AnswerEvaluation, ScoringResult, TranscriptTurn
from shared.db import Connection, service_transaction
from shared.repositories import assessments as rows
from shared.services import integrity
from shared.services.progression import STRONG, WEAK

AI_FLAG_PENALTY = {"low": 3, "medium": 6, "high": 12}  # half the rule penalties: AI judgement weighs less than measurements
MISSING_WITHOUT_AI = ["technical_skills", "reasoning", "recommendations", "ai_integrity_review"]


class NothingToScore(Exception):
    """The interview has no answered questions."""


def load_turns(conn: Connection, interview_id: str) -> tuple[rows.ScoringInterview, list[TranscriptTurn]]:
    """The interview and its answered questions, each answer paired with the question before it."""
    interview = rows.interview_for_scoring(conn, interview_id)
    if interview is None:
        raise NothingToScore("the interview does not exist")
    turns: list[TranscriptTurn] = []
    question: rows.ScoringMessage | None = None
    for row in rows.messages_for_scoring(conn, interview_id):
        if row.message_type == "ai_question":
            question = row
            continue
        if question is None:
            continue
        meta, asked = row.metadata or {}, question.metadata or {}
        evaluation = row.evaluation
        turns.append(
            TranscriptTurn(
                question_id=str(meta.get("question_id") or asked.get("question_id") or ""),
                question_message_id=str(question.id),
                answer_message_id=str(row.id),
                phase=meta.get("phase") or asked.get("phase") or "standard",
                topic=meta.get("topic") or asked.get("topic") or "general",
                question=question.content_text,
                answer=row.content_text,
                response_time_seconds=float(row.response_time_seconds) if row.response_time_seconds is not None else None,
                audio_duration_seconds=float(row.audio_duration_seconds) if row.audio_duration_seconds is not None else None,
                evaluation=AnswerEvaluation.model_validate(evaluation) if evaluation else None,
            )
        )
        question = None
    return interview, turns


def integrity_pass(turns: list[TranscriptTurn]) -> integrity.IntegrityReport:
    return integrity.analyse(
        [
            integrity.AnswerSample(
                message_id=t.answer_message_id,
                answer_text=t.answer,
                response_time_seconds=t.response_time_seconds,
                audio_duration_seconds=t.audio_duration_seconds,
            )
            for t in turns
        ]
    )


def _valid_ids(ids: list[str], known: set[str]) -> list[str]:
    return [message_id for message_id in dict.fromkeys(ids) if message_id in known]


def build_assessment(interview: rows.ScoringInterview, turns: list[TranscriptTurn], ai: ScoringResult | None, error: str | None) -> dict[str, Any]:
    """The assessment row from the passes that succeeded (`ai` is None when the AI pass failed)."""
    known = {t.answer_message_id for t in turns} | {t.question_message_id for t in turns}
    by_topic: dict[str, list[str]] = {}
    for turn in turns:
        by_topic.setdefault(turn.topic, []).append(turn.answer_message_id)
    rules = integrity_pass(turns)
    flags = [{**flag.model_dump(), "source": "rules"} for flag in rules.flags]
    integrity_score = rules.integrity_score
    skill_scores: dict[str, Any] = {}
    reasoning: dict[str, Any] = {
        "integrity": {"reasoning": f"{len(rules.flags)} timing/text rule(s) triggered over {len(turns)} answers.", "confidence": 0.8}
    }
    boundary_map = dict(interview.skill_boundaries_identified or {})
    if ai is not None:
        for skill in ai.skill_scores:
            evidence = _valid_ids(skill.evidence_message_ids, known) or by_topic.get(skill.skill, [])
            skill_scores[skill.skill] = {
                "score": skill.score,
                "evidence_message_ids": evidence,
                "reasoning": skill.reasoning,
                "confidence": skill.confidence,
            }
            boundary_map.setdefault(
                skill.skill, "proficient" if skill.score >= STRONG else "intermediate" if skill.score >= WEAK else "boundary_reached"
            )
        for observation in ai.integrity_observations:
            cited = _valid_ids(observation.message_ids, known)
            if not cited:
                continue  # an observation that cites nothing in this interview is not evidence
            flags.append(
                {
                    "type": observation.type,
                    "severity": observation.severity,
                    "confidence": observation.confidence,
                    "evidence": {"message_ids": cited, "explanation": observation.explanation},
                    "source": "ai",
                }
            )
            if observation.confidence >= 0.5:
                integrity_score -= AI_FLAG_PENALTY[observation.severity]
        reasoning["overall"] = {"reasoning": ai.overall_reasoning, "confidence": round(min(0.95, 0.4 + 0.03 * len(turns)), 2)}
        reasoning["skills"] = {
            name: {"reasoning": value["reasoning"], "confidence": value["confidence"], "evidence_message_ids": value["evidence_message_ids"]}
            for name, value in skill_scores.items()
        }
    return {
        "status": "completed" if ai is not None else "partial",
        "overall_score": ai.overall_score if ai is not None else None,
        "skill_scores": skill_scores,
        "skill_boundary_map": boundary_map,
        "strengths": ai.strengths if ai is not None else [],
        "weaknesses": ai.weaknesses if ai is not None else [],
        "integrity_score": max(0, min(100, integrity_score)),
        "integrity_flags": flags,
        "ai_reasoning": reasoning,
        "recommended_actions": ai.recommended_actions if ai is not None else [],
        "missing_sections": [] if ai is not None else MISSING_WITHOUT_AI,
        "error": error,
    }


def score(interview_id: str, *, replace: bool = False) -> dict[str, Any]:
    """Run every pass and store the assessment. The AI pass raising propagates (the job retries);
    `store_without_ai` records the partial result once the retries are used up."""
    with service_transaction() as conn:
        existing = rows.current_status(conn, interview_id)
        if existing == "completed" and not replace:
            return {"interview_id": interview_id, "skipped": "already scored"}
        interview, turns = load_turns(conn, interview_id)
    if interview.status != "completed":
        return {"interview_id": interview_id, "skipped": f"interview is {interview.status}"}
    if not turns:
        raise NothingToScore("the interview has no answered questions")
    result = get_provider().score_interview(interview.role_type, turns)
    assessment = build_assessment(interview, turns, result.value, None)
    with service_transaction() as conn:
        assessment_id = rows.replace_current(conn, interview_id, assessment, result.usage.model, result.usage.prompt_version, result.usage.cost_usd)
    return {"interview_id": interview_id, "assessment_id": assessment_id, "overall_score": assessment["overall_score"]}


def store_without_ai(interview_id: str, reason: str) -> None:
    """After the last attempt: keep what the code can compute (integrity) and mark the rest missing;
    with nothing to score at all, record a failed assessment so recruiters see why."""
    with service_transaction() as conn:
        if rows.current_status(conn, interview_id) == "completed":
            return
        try:
            interview, turns = load_turns(conn, interview_id)
        except NothingToScore:
            return
        if turns:
            assessment = build_assessment(interview, turns, None, reason)
        else:
            assessment = {
                "status": "failed",
                "overall_score": None,
                "skill_scores": {},
                "skill_boundary_map": {},
                "strengths": [],
                "weaknesses": [],
                "integrity_score": None,
                "integrity_flags": [],
                "ai_reasoning": {},
                "recommended_actions": [],
                "missing_sections": ["technical_skills", "integrity", "reasoning", "recommendations"],
                "error": reason,
            }
        rows.replace_current(conn, interview_id, assessment, None, None, 0)
