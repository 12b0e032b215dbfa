"""The offline provider: deterministic and network-free, so the whole product runs and is tested
without OpenAI. Token counts are estimates (4 characters a token) and cost nothing."""

from __future__ import annotations

import hashlib
import time
from typing import Any

from shared.ai.base import RealtimeStatus
from shared.ai.models import (
    AIUsage,
    AnswerEvaluation,
    FeedbackDraft,
    Generated,
    GeneratedQuestion,
    QuestionContext,
    RealtimeSecret,
    ResumeExtraction,
    ScoringResult,
    Speech,
    Transcription,
    TranscriptTurn,
)
from shared.ai.offline import evaluator, feedback, question_bank, resume_extractor, scoring, speech

MODEL = "offline-v1"


def _usage(version: str, prompt: str = "", output: str = "", **extra: Any) -> AIUsage:
    return AIUsage(provider="offline", model=MODEL, prompt_version=version, input_tokens=len(prompt) // 4, output_tokens=len(output) // 4, **extra)


class OfflineProvider:
    name = "offline"

    def extract_resume(self, text: str) -> Generated[ResumeExtraction]:
        result = resume_extractor.extract(text)
        return Generated(result, _usage("offline.resume_extraction.v1", text, result.model_dump_json()))

    def generate_feedback(self, parsed: ResumeExtraction, target_role: str | None = None) -> Generated[FeedbackDraft]:
        result = feedback.draft(parsed, target_role)
        return Generated(result, _usage("offline.resume_feedback.v1", parsed.model_dump_json(), result.feedback_content))

    def next_question(self, context: QuestionContext) -> Generated[GeneratedQuestion]:
        if context.follow_up and context.last_question_id:
            base = question_bank.find(context.last_question_id)
            if base is not None:
                template = question_bank.FOLLOW_UPS[len(context.asked_question_ids) % len(question_bank.FOLLOW_UPS)]
                question = GeneratedQuestion(
                    question_id=f"{base.id}.followup",
                    topic=base.topic,
                    text=template.format(topic=base.topic),
                    phase=context.phase,
                    difficulty=context.difficulty,
                    is_follow_up=True,
                )
                return Generated(question, _usage("offline.question_bank.v1", context.last_answer or "", question.text))
        candidates = [q for q in question_bank.questions(context.role_type, context.phase) if q.id not in context.asked_question_ids]
        if not candidates:  # the phase's bank is exhausted: borrow from the next hardest phase of any role
            candidates = [q for role in question_bank.BANK.values() for q in role[context.phase] if q.id not in context.asked_question_ids]
        preferred = [q for q in candidates if any(skill.lower() in q.text.lower() for skill in context.resume_skills + context.job_stack)]
        pool = sorted(preferred or candidates, key=lambda q: (abs(q.difficulty - context.difficulty), q.id))
        chosen = pool[0]
        question = GeneratedQuestion(
            question_id=chosen.id, topic=chosen.topic, text=chosen.text, phase=context.phase, difficulty=chosen.difficulty, is_follow_up=False
        )
        return Generated(question, _usage("offline.question_bank.v1", "", question.text))

    def evaluate_answer(self, context: QuestionContext, question: GeneratedQuestion, answer: str) -> Generated[AnswerEvaluation]:
        base_id = question.question_id.removesuffix(".followup")
        bank_question = question_bank.find(base_id) or question_bank.BankQuestion(question.question_id, question.topic, question.text, (), 2)
        result = evaluator.evaluate(bank_question, answer)
        return Generated(result, _usage("offline.evaluate_answer.v2", question.text + answer, result.rationale))

    def score_interview(self, role_type: str, turns: list[TranscriptTurn]) -> Generated[ScoringResult]:
        result = scoring.score(turns)
        return Generated(result, _usage("offline.score_interview.v2", "".join(t.answer for t in turns), result.model_dump_json()))

    def transcribe(self, audio: bytes, fmt: str) -> Generated[Transcription]:
        result = speech.transcribe(audio, fmt)
        return Generated(result, _usage("offline.stt.v1", audio_seconds=result.duration_seconds))

    def synthesize(self, text: str) -> Generated[Speech]:
        result = speech.synthesize(text)
        return Generated(result, _usage("offline.tts.v1", characters=len(text)))

    def realtime_status(self) -> RealtimeStatus:
        return "unsupported"  # no speech-to-speech model offline: realtime falls back to turn-based speech

    def create_realtime_secret(self, session: dict[str, Any], ttl_seconds: int = 600) -> Generated[RealtimeSecret]:
        digest = hashlib.sha256(repr(sorted(session.items())).encode() + str(time.time_ns()).encode()).hexdigest()[:32]
        secret = RealtimeSecret(value=f"ek_offline_{digest}", expires_at=int(time.time()) + ttl_seconds, session=session)
        return Generated(secret, _usage("offline.realtime.v1"))
