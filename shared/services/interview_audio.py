"""Interview audio: question speech (TTS, stored in the audio bucket, returned as a signed URL)
and answer speech (inline base64 or an uploaded object, transcribed with metadata)."""

from __future__ import annotations

import base64
import binascii
import io
import re
import time
import wave
from dataclasses import dataclass
from typing import Any

from shared import buckets, storage
from shared.ai.base import get_provider
from shared.ai.models import AIUsage
from shared.errors import AIFailed, AppError, AudioInvalid, NotFound, PayloadTooLarge, TranscriptionFailed
from shared.logs import logger
from shared.settings import get_settings
from shared.storage_keys import VALID_KEY
from shared.supabase_clients import service_client, user_storage

MAX_INLINE_AUDIO_BYTES = 4 * 1024 * 1024
MIN_WAV_SAMPLE_RATE = 16000
MIN_AUDIO_SECONDS = 0.1
# Object keys are taken literally: no percent-escapes (storage3 would decode `%2e%2e` to `..`),
# backslashes or control characters, and no empty, `.` or `..` segments; and a key storage-api
# could not have stored (shared.storage_keys.VALID_KEY) is not in the bucket.
_UNSAFE_PATH = re.compile(r"[%\\\x00-\x1f\x7f]|(^|/)\.{0,2}(/|$)")
FORMATS = {"wav": "audio/wav", "webm": "audio/webm", "ogg": "audio/ogg", "opus": "audio/opus", "mp3": "audio/mpeg", "mpeg": "audio/mpeg"}


@dataclass(frozen=True)
class SpokenQuestion:
    path: str
    url: str
    usage: AIUsage


@dataclass(frozen=True)
class HeardAnswer:
    text: str
    duration_seconds: float
    metadata: dict[str, Any]
    usage: AIUsage
    path: str | None


def speak_question(candidate_id: str, interview_id: str, sequence_number: int, text: str) -> SpokenQuestion | None:
    """Synthesize and store the question's audio; None when TTS fails (the turn goes on as text)."""
    try:
        speech = get_provider().synthesize(text)
        extension = "mp3" if speech.value.format == "mp3" else "wav"
        path = f"{candidate_id}/{interview_id}/question-{sequence_number}.{extension}"
        client = service_client()
        storage.upload(client, buckets.AUDIO, path, speech.value.audio, speech.value.content_type)
        url = storage.signed_url(client, buckets.AUDIO, path, get_settings().interview_audio_url_seconds)
    except AppError as exc:
        logger.warning("question audio unavailable; continuing with text", extra={"error_code": exc.code})
        return None
    return SpokenQuestion(path=path, url=url, usage=speech.usage)


def question_audio_url(path: str | None) -> str | None:
    if not path:
        return None
    try:
        return storage.signed_url(service_client(), buckets.AUDIO, path, get_settings().interview_audio_url_seconds)
    except AppError:
        return None


def answer_audio(
    caller_id: str, access_token: str, audio_base64: str | None, audio_format: str | None, audio_path: str | None
) -> tuple[bytes, str, str | None]:
    """The answer's bytes, format and stored path (for an uploaded object)."""
    if audio_path is not None:
        if audio_path.split("/", 1)[0] != caller_id or _UNSAFE_PATH.search(audio_path) or not VALID_KEY.match(audio_path):
            raise AudioInvalid("The audio file was not found in your folder.")
        try:
            data = storage.download(user_storage(access_token), buckets.AUDIO, audio_path)
        except (NotFound, storage.InvalidPath) as exc:
            raise AudioInvalid("The audio file was not found in your folder.") from exc
        return data, audio_path.rsplit(".", 1)[-1].lower(), audio_path
    fmt = (audio_format or "").lower().removeprefix("audio/")
    if fmt not in FORMATS:
        raise AudioInvalid(f"audio_format must be one of: {', '.join(sorted(FORMATS))}.")
    if len(audio_base64 or "") > MAX_INLINE_AUDIO_BYTES * 4 // 3 + 8:
        raise PayloadTooLarge("Inline audio is limited to 4 MB; upload larger recordings to the audio bucket.")
    try:
        data = base64.b64decode(audio_base64 or "", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise AudioInvalid("audio_base64 is not valid base64.") from exc
    if not data:
        raise AudioInvalid("The audio is empty.")
    if len(data) > MAX_INLINE_AUDIO_BYTES:
        raise PayloadTooLarge("Inline audio is limited to 4 MB; upload larger recordings to the audio bucket.")
    return data, fmt, None


def check_wav(data: bytes) -> None:
    """WAV answers need at least 16 kHz and 0.1 s (other containers are checked by the recogniser)."""
    try:
        with wave.open(io.BytesIO(data), "rb") as wav:
            rate, frames = wav.getframerate(), wav.getnframes()
    except (wave.Error, EOFError) as exc:
        raise AudioInvalid("The audio is not a valid WAV file.") from exc
    if rate < MIN_WAV_SAMPLE_RATE:
        raise AudioInvalid(f"WAV audio must be sampled at {MIN_WAV_SAMPLE_RATE} Hz or more (got {rate} Hz).")
    if frames / rate < MIN_AUDIO_SECONDS:
        raise AudioInvalid("The recording is too short.")


def transcribe_answer(data: bytes, fmt: str, path: str | None) -> HeardAnswer:
    """Speech to text with metadata; AudioInvalid / TranscriptionFailed (422) when it cannot be heard."""
    if fmt in {"wav", "wave"}:
        check_wav(data)
    started = time.perf_counter()
    try:
        heard = get_provider().transcribe(data, fmt)
    except AIFailed as exc:
        raise TranscriptionFailed() from exc
    result = heard.value
    metadata = {
        "format": fmt,
        "size_bytes": len(data),
        "language": result.language,
        "confidence": result.confidence,
        "transcription_model": result.model,
        "processing_ms": int((time.perf_counter() - started) * 1000),
        "segments": [segment.model_dump() for segment in result.segments[:200]],
    }
    return HeardAnswer(text=result.text, duration_seconds=result.duration_seconds, metadata=metadata, usage=heard.usage, path=path)
