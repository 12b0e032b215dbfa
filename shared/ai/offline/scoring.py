"""Rule-based interview scoring from the per-answer evaluations.

Each skill's score is the phase-weighted mean of its answers (an advanced answer counts three
times a warmup one); the overall score aggregates the skill scores, each weighted by the phase
weight of its evidence, so skills probed in the advanced phase count more. Strengths and
weaknesses come from the same evidence: the skills in the strong band with the ideas the answers
covered, the skills in the weak band with the ideas they missed."""

from __future__ import annotations

from dataclasses import dataclass

from shared.ai.models import IntegrityObservation, ScoringResult, SkillScore, TranscriptTurn
from shared.ai.offline import question_bank
from shared.ai.offline.evaluator import ADEQUATE_MIN, STRONG_MIN, concepts_for

PHASE_WEIGHT = {"warmup": 0.5, "standard": 1.0, "advanced": 1.5}
MAX_LISTED = 5


@dataclass
class _Skill:
    name: str
    turns: list[TranscriptTurn]
    weight: float = 0.0
    score: int = 0

    def covered(self) -> list[str]:
        return list(dict.fromkeys(term for t in self.turns if t.evaluation for term in t.evaluation.technical_terms))

    def missed(self) -> list[str]:
        covered = set(self.covered())
        expected: list[str] = []
        for turn in self.turns:
            question = question_bank.find(turn.question_id.removesuffix(".followup"))
            if question is not None:
                expected += [c.name for c in concepts_for(question.id, question.key_terms) if not c.misconception]
        return [name for name in dict.fromkeys(expected) if name not in covered]


def _skills(turns: list[TranscriptTurn]) -> list[_Skill]:
    by_name: dict[str, _Skill] = {}
    for turn in turns:
        if turn.evaluation is not None:
            by_name.setdefault(turn.topic, _Skill(turn.topic, [])).turns.append(turn)
    for skill in by_name.values():
        weights = [PHASE_WEIGHT.get(t.phase, 1.0) for t in skill.turns]
        skill.weight = sum(weights)
        skill.score = round(sum(t.evaluation.score * w for t, w in zip(skill.turns, weights, strict=True) if t.evaluation) / skill.weight)
    return sorted(by_name.values(), key=lambda s: s.name)


def _strength(skill: _Skill) -> str:
    covered = skill.covered()[:4]
    return f"{skill.name} ({skill.score}/100): " + (f"explained {', '.join(covered)}" if covered else "answered well")


def _weakness(skill: _Skill) -> str:
    missed = skill.missed()[:3]
    return f"{skill.name} ({skill.score}/100): " + (f"did not explain {', '.join(missed)}" if missed else "answers were vague or incorrect")


def score(turns: list[TranscriptTurn]) -> ScoringResult:
    skills = _skills(turns)
    answered = [t for t in turns if t.evaluation is not None]
    skill_scores = [
        SkillScore(
            skill=skill.name,
            score=skill.score,
            evidence_message_ids=[t.answer_message_id for t in skill.turns],
            reasoning=(
                f"{len(skill.turns)} answer(s) on {skill.name}, weighted by phase; "
                + " ".join(f"[{t.phase}, {t.evaluation.score}] {t.evaluation.rationale}" for t in skill.turns if t.evaluation)
            ),
            confidence=round(min(0.9, 0.4 + 0.15 * len(skill.turns)), 2),
        )
        for skill in skills
    ]
    total_weight = sum(skill.weight for skill in skills)
    overall = round(sum(skill.score * skill.weight for skill in skills) / total_weight) if total_weight else 0
    strengths = [_strength(s) for s in sorted(skills, key=lambda s: (-s.score, s.name)) if s.score >= STRONG_MIN][:MAX_LISTED]
    weaknesses = [_weakness(s) for s in sorted(skills, key=lambda s: (s.score, s.name)) if s.score < ADEQUATE_MIN][:MAX_LISTED]
    hedged = [t.answer_message_id for t in answered if t.evaluation and t.evaluation.hedging]
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
    reached_advanced = any(t.phase == "advanced" for t in answered)
    if overall >= STRONG_MIN:
        actions = ["Advance to a technical interview with the hiring team", "Verify depth on the strongest skills with a practical task"]
    elif overall >= ADEQUATE_MIN:
        actions = ["Consider for a follow-up interview focused on the weaker skills", "Review the transcript for the advanced-phase answers"]
    else:
        actions = ["Not ready for this role now; share the resume feedback and learning resources", "Keep in the talent pool for junior roles"]
    reasoning = (
        f"{len(answered)} evaluated answers over {len(skills)} skill(s); each skill is the phase-weighted mean of its answers "
        f"(advanced 1.5x, standard 1x, warmup 0.5x) and the overall score weighs each skill by its evidence"
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
