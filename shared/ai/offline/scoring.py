"""Rule-based interview scoring from the per-answer evaluations."""

from __future__ import annotations

from statistics import fmean

from shared.ai.models import AnswerEvaluation, IntegrityObservation, ScoringResult, SkillScore, TranscriptTurn

PHASE_WEIGHT = {"warmup": 0.5, "standard": 1.0, "advanced": 1.5}


def score(turns: list[TranscriptTurn]) -> ScoringResult:
    answered = [(turn, turn.evaluation) for turn in turns if turn.evaluation is not None]
    by_skill: dict[str, list[tuple[TranscriptTurn, AnswerEvaluation]]] = {}
    for turn, evaluation in answered:
        by_skill.setdefault(turn.topic, []).append((turn, evaluation))
    skill_scores = []
    for skill, skill_turns in sorted(by_skill.items()):
        value = round(fmean(e.score for _, e in skill_turns))
        _, best = max(skill_turns, key=lambda pair: pair[1].score)
        skill_scores.append(
            SkillScore(
                skill=skill,
                score=value,
                evidence_message_ids=[t.answer_message_id for t, _ in skill_turns],
                reasoning=f"{len(skill_turns)} answer(s) on {skill}; best: {best.rationale}",
                confidence=round(min(0.9, 0.4 + 0.15 * len(skill_turns)), 2),
            )
        )
    weights = [PHASE_WEIGHT[t.phase] for t, _ in answered]
    overall = round(sum(e.score * w for (_, e), w in zip(answered, weights, strict=True)) / sum(weights)) if answered else 0
    strengths = [s.skill for s in sorted(skill_scores, key=lambda s: -s.score) if s.score >= 70][:5]
    weaknesses = [s.skill for s in sorted(skill_scores, key=lambda s: s.score) if s.score < 50][:5]
    hedged = [t.answer_message_id for t, e in answered if e.hedging]
    observations = []
    if len(hedged) >= max(3, len(answered) // 2):
        observations.append(
            IntegrityObservation(
                type="frequent_uncertainty",
                severity="low",
                message_ids=hedged,
                explanation="The candidate expressed uncertainty in many answers.",
                confidence=0.6,
            )
        )
    reached_advanced = any(t.phase == "advanced" for t, _ in answered)
    if overall >= 75:
        actions = ["Advance to a technical interview with the hiring team", "Verify depth on the strongest skills with a practical task"]
    elif overall >= 50:
        actions = ["Consider for a follow-up interview focused on the weaker skills", "Review the transcript for the advanced-phase answers"]
    else:
        actions = ["Not ready for this role now; share the resume feedback and learning resources", "Keep in the talent pool for junior roles"]
    reasoning = (
        f"Weighted mean of {len(answered)} evaluated answers (advanced answers weigh 1.5x, warmup 0.5x)"
        f"{'; reached the advanced phase' if reached_advanced else ''}."
    )
    return ScoringResult(
        skill_scores=skill_scores,
        overall_score=overall,
        overall_reasoning=reasoning,
        strengths=strengths,
        weaknesses=weaknesses,
        integrity_observations=observations,
        recommended_actions=actions,
    )
