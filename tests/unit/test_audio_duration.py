"""The duration of a recorded answer read from the audio itself, for every accepted format: what
speech cost and the speech-rate integrity rules use when the transcription model reports none.
The fixtures are one spoken sentence of 5.031 s (tests/data/audio/make_fixtures.py)."""

import struct
from pathlib import Path

import pytest

from shared import audio_duration

AUDIO = Path(__file__).resolve().parent.parent / "data" / "audio"
SPOKEN_SECONDS = 5.031


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("answer.wav", "wav"),  # 16 kHz PCM
        ("answer.mp3", "mp3"),  # MPEG-2 layer III, 24 kHz, with an Info frame
        ("answer-44k.mp3", "mpeg"),  # MPEG-1 layer III, 44.1 kHz
        ("answer.ogg", "ogg"),  # Opus in Ogg (pre-skip subtracted)
        ("answer.ogg", "opus"),
        ("answer.webm", "webm"),  # Opus in WebM with the segment's Duration
        ("answer-recorder.webm", "webm"),  # as MediaRecorder writes it: no Duration, timed by its blocks
    ],
)
def test_each_accepted_format_gives_the_spoken_duration(name, fmt):
    assert audio_duration.seconds((AUDIO / name).read_bytes(), fmt) == pytest.approx(SPOKEN_SECONDS, abs=0.1)


def test_a_mislabelled_container_is_still_read():
    assert audio_duration.seconds((AUDIO / "answer.ogg").read_bytes(), "webm") == pytest.approx(SPOKEN_SECONDS, abs=0.1)


def test_a_streamed_wav_without_sizes_counts_the_bytes_present():
    data = bytearray((AUDIO / "answer.wav").read_bytes())
    data[4:8] = struct.pack("<I", 0xFFFFFFFF)
    data[40:44] = struct.pack("<I", 0xFFFFFFFF)  # the data chunk's size, never filled in
    assert audio_duration.seconds(bytes(data), "wav") == pytest.approx(SPOKEN_SECONDS, abs=0.01)


@pytest.mark.parametrize("data", [b"", b"webm", b"not audio at all" * 100, b"RIFF\x00\x00\x00\x00WAVE", b"OggS" + bytes(40), b"\xff\xfb" * 3])
def test_bytes_that_are_not_audio_have_no_duration(data):
    assert audio_duration.seconds(data, "webm") is None
