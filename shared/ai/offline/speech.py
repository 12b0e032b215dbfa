"""Offline speech: espeak-ng for text-to-speech (WAV) and pocketsphinx for speech-to-text on
16 kHz mono 16-bit PCM (WAV input is resampled and down-mixed as needed; other containers need a
decoder this machine does not have, so they are refused clearly)."""

from __future__ import annotations

import io
import shutil
import subprocess
import threading
import warnings
import wave
from functools import lru_cache
from typing import TYPE_CHECKING

from shared.ai.models import Segment, Speech, Transcription
from shared.ai.offline import speech_corpus
from shared.errors import AIUnavailable, AudioInvalid, TranscriptionFailed
from shared.settings import get_settings

if TYPE_CHECKING:  # at run time pocketsphinx is imported only when the offline recogniser first runs
    from pocketsphinx import Decoder

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import audioop  # stdlib until 3.13; the runtime is pinned to 3.11

TARGET_RATE = 16000
FRAME_SECONDS = 0.01  # pocketsphinx frames are 10 ms
MIN_SPEECH_SECONDS = 0.3
SILENCE_RMS = 50
_DECODER_LOCK = threading.Lock()  # 16-bit PCM; quiet room noise is in the low hundreds, digital silence 0


def synthesize(text: str, voice: str = "en-us", words_per_minute: int = 160) -> Speech:
    binary = shutil.which("espeak-ng")
    if binary is None:
        raise AIUnavailable("Offline text-to-speech needs espeak-ng (apt-get install espeak-ng).")
    result = subprocess.run([binary, "-v", voice, "-s", str(words_per_minute), "--stdout", text], capture_output=True, timeout=20, check=False)
    if result.returncode != 0 or not result.stdout.startswith(b"RIFF"):
        raise AIUnavailable("Offline text-to-speech failed.")
    return Speech(audio=_fix_wav_header(result.stdout), format="wav", content_type="audio/wav", characters=len(text))


def _fix_wav_header(data: bytes) -> bytes:
    """espeak-ng writes a streaming header with unknown sizes; rewrite it with the real ones."""
    if len(data) < 44 or data[36:40] != b"data":
        return data
    pcm = data[44:]
    channels = int.from_bytes(data[22:24], "little")
    rate = int.from_bytes(data[24:28], "little")
    width = int.from_bytes(data[34:36], "little") // 8
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(width)
        wav.setframerate(rate)
        wav.writeframes(pcm)
    return out.getvalue()


def read_wav(data: bytes) -> tuple[bytes, int, int, int]:
    """PCM frames, sample rate, channels and sample width of a WAV file; AudioInvalid otherwise."""
    try:
        with wave.open(io.BytesIO(data), "rb") as wav:
            return wav.readframes(wav.getnframes()), wav.getframerate(), wav.getnchannels(), wav.getsampwidth()
    except (wave.Error, EOFError) as exc:
        raise AudioInvalid("The audio is not a valid WAV file.") from exc


def to_pcm16k(data: bytes) -> bytes:
    pcm, rate, channels, width = read_wav(data)
    if channels == 2:
        pcm = audioop.tomono(pcm, width, 0.5, 0.5)
    if width != 2:
        pcm = audioop.lin2lin(pcm, width, 2)
    if rate != TARGET_RATE:
        pcm, _ = audioop.ratecv(pcm, 2, 1, rate, TARGET_RATE, None)
    return pcm


def recogniser_name() -> str:
    return "pocketsphinx-en-us+domain-lm" if get_settings().offline_stt_language_model == "domain" else "pocketsphinx-en-us"


@lru_cache
def _decoder(language_model: str) -> Decoder:
    try:
        from pocketsphinx import Decoder
    except ImportError as exc:  # a development dependency: production transcribes with OpenAI
        raise AIUnavailable("Offline speech-to-text needs pocketsphinx (requirements-dev.txt); configure the OpenAI provider.") from exc

    extra = {"lm": speech_corpus.language_model_path()} if language_model == "domain" else {}
    return Decoder(samprate=TARGET_RATE, loglevel="FATAL", bestpath=True, **extra)  # bestpath gives word posteriors


def transcribe(data: bytes, fmt: str) -> Transcription:
    if fmt.lower() not in {"wav", "wave", "audio/wav", "audio/x-wav"}:
        raise AudioInvalid("The offline speech recogniser accepts WAV audio only; record as WAV or configure the OpenAI provider.")
    pcm = to_pcm16k(data)
    duration = len(pcm) / 2 / TARGET_RATE
    if duration < MIN_SPEECH_SECONDS or audioop.rms(pcm, 2) < SILENCE_RMS:
        raise TranscriptionFailed("No speech was detected in the recording; please record your answer again.")
    decoder = _decoder(get_settings().offline_stt_language_model)
    with _DECODER_LOCK:  # one decoder per process; a decode is not re-entrant
        decoder.start_utt()
        decoder.process_raw(pcm, full_utt=True)
        decoder.end_utt()
        hypothesis = decoder.hyp()
        raw_segments = list(decoder.seg())
    if hypothesis is None or not hypothesis.hypstr.strip():
        raise TranscriptionFailed()
    segments = []
    for seg in raw_segments:
        if seg.word.startswith("<") or seg.word.startswith("["):
            continue
        word = seg.word.split("(")[0]
        confidence = max(0.0, min(1.0, seg.prob))  # the binding already returns a posterior probability
        segments.append(Segment(start=seg.start_frame * FRAME_SECONDS, end=seg.end_frame * FRAME_SECONDS, text=word, confidence=round(confidence, 3)))
    confidence = round(sum(s.confidence for s in segments) / len(segments), 3) if segments else 0.0
    return Transcription(
        text=hypothesis.hypstr.strip(),
        language="en",
        duration_seconds=round(duration, 3),
        segments=segments,
        confidence=confidence,
        model=recogniser_name(),
    )
