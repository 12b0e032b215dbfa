"""Makes the audio fixtures of tests/unit/test_audio_duration.py: one spoken answer (espeak-ng)
encoded as the product's accepted formats, as browsers and phones send them. Run once by hand
(needs espeak-ng and PyAV, neither needed by the tests): `python tests/data/audio/make_fixtures.py`.
Prints each file's true duration (the source's samples over its rate)."""

from __future__ import annotations

import io
import subprocess
import wave
from pathlib import Path

import av

HERE = Path(__file__).resolve().parent
SENTENCE = "A generator yields values lazily, so memory stays flat even for a very large file."


class Unseekable(io.RawIOBase):
    """A write-only stream, as MediaRecorder's chunks are: the muxer cannot go back to write the duration."""

    def __init__(self) -> None:
        self.buffer = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.buffer += data
        return len(data)

    def seekable(self) -> bool:
        return False


def speech() -> tuple[bytes, int]:
    raw = subprocess.run(["espeak-ng", "--stdout", SENTENCE], capture_output=True, check=True).stdout
    with wave.open(io.BytesIO(raw)) as source:
        rate, frames = source.getframerate(), source.readframes(source.getnframes())
    return frames, rate


def pcm_frame(samples: bytes, rate: int) -> av.AudioFrame:
    frame = av.AudioFrame(format="s16", layout="mono", samples=len(samples) // 2)
    frame.planes[0].update(samples)
    frame.sample_rate = rate
    return frame


def encode(samples: bytes, rate: int, target, fmt: str, codec: str, out_rate: int, **options) -> None:
    with av.open(target, "w", format=fmt) as container:
        stream = container.add_stream(codec, rate=out_rate, layout="mono", options=options)
        resampler = av.AudioResampler(format=stream.codec_context.format.name, layout="mono", rate=out_rate)
        for resampled in resampler.resample(pcm_frame(samples, rate)) + resampler.resample(None):
            container.mux(stream.encode(resampled))
        container.mux(stream.encode(None))


def main() -> None:
    samples, rate = speech()
    print(f"source: {len(samples) / 2 / rate:.3f} s at {rate} Hz")
    with wave.open(str(HERE / "answer.wav"), "wb") as out:
        out.setnchannels(1), out.setsampwidth(2), out.setframerate(16000)
        resampler = av.AudioResampler(format="s16", layout="mono", rate=16000)
        resampled = resampler.resample(pcm_frame(samples, rate)) + resampler.resample(None)
        out.writeframes(b"".join(bytes(f.planes[0])[: f.samples * 2] for f in resampled))
    encode(samples, rate, str(HERE / "answer.mp3"), "mp3", "libmp3lame", 24000, b="32k")
    encode(samples, rate, str(HERE / "answer-44k.mp3"), "mp3", "libmp3lame", 44100, b="64k")
    encode(samples, rate, str(HERE / "answer.ogg"), "ogg", "libopus", 48000, b="24k")
    encode(samples, rate, str(HERE / "answer.webm"), "webm", "libopus", 48000, b="24k")
    recorder = Unseekable()
    encode(samples, rate, recorder, "webm", "libopus", 48000, b="24k")
    (HERE / "answer-recorder.webm").write_bytes(bytes(recorder.buffer))
    for path in sorted(HERE.glob("answer*")):
        print(path.name, path.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
