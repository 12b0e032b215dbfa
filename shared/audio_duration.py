"""How long a recorded answer lasts, read from the audio itself, for every format the product
accepts (WAV, MP3, Ogg Opus/Vorbis, WebM). Transcription models that report no duration
(gpt-4o-mini-transcribe, gpt-4o-transcribe) still need it: speech cost is priced per audio minute
and the integrity rules compare words with seconds.

Containers are parsed, nothing is decoded: WAV from its header and data size, MP3 by walking its
frame headers, Ogg from the last page's granule position, WebM from the segment's Duration or,
when a browser's MediaRecorder left it out, from the last block's timestamp. Pure Python, no
dependencies; None when the bytes are not the format they claim to be."""

from __future__ import annotations

import struct

# -- WAV ------------------------------------------------------------------------------------------


def wav_seconds(data: bytes) -> float | None:
    """Data bytes over the byte rate of the `fmt ` chunk; a streamed WAV whose sizes were never
    filled in (0 or 0xFFFFFFFF) counts the bytes present."""
    if len(data) < 12 or data[:4] not in (b"RIFF", b"RF64") or data[8:12] != b"WAVE":
        return None
    position, byte_rate = 12, 0
    while position + 8 <= len(data):
        chunk, size = data[position : position + 4], struct.unpack_from("<I", data, position + 4)[0]
        body = position + 8
        if chunk == b"fmt " and size >= 16:
            byte_rate = struct.unpack_from("<I", data, body + 8)[0]
        elif chunk == b"data":
            present = len(data) - body
            length = present if size in (0, 0xFFFFFFFF) or size > present else size
            return length / byte_rate if byte_rate else None
        position = body + size + (size & 1)
    return None


# -- MP3 ------------------------------------------------------------------------------------------

_MP3_BITRATES = {  # kbit/s by (MPEG-1?, layer), index 1-14
    (True, 1): (32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (True, 2): (32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (True, 3): (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (False, 1): (32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (False, 2): (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (False, 3): (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_MP3_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}  # by version bits


def _mp3_frame(header: int) -> tuple[int, int, int] | None:
    """(frame bytes, samples, sample rate) of a frame header, or None if it is not one."""
    if header >> 21 != 0x7FF:
        return None
    version, layer_bits = (header >> 19) & 3, (header >> 17) & 3
    bitrate_index, rate_index, padding = (header >> 12) & 15, (header >> 10) & 3, (header >> 9) & 1
    if version == 1 or layer_bits == 0 or bitrate_index in (0, 15) or rate_index == 3:
        return None
    layer, mpeg1 = 4 - layer_bits, version == 3
    bitrate = _MP3_BITRATES[(mpeg1, layer)][bitrate_index - 1] * 1000
    rate = _MP3_RATES[version][rate_index]
    if layer == 1:
        return (12 * bitrate // rate + padding) * 4, 384, rate
    samples = 1152 if layer == 2 or mpeg1 else 576
    return samples // 8 * bitrate // rate + padding, samples, rate


def mp3_seconds(data: bytes) -> float | None:
    """Walk the frames after any ID3v2 tag, adding each frame's samples (exact for CBR and VBR);
    junk between frames is skipped by searching for the next frame sync."""
    position = 0
    if data[:3] == b"ID3" and len(data) >= 10:
        size = (data[6] & 0x7F) << 21 | (data[7] & 0x7F) << 14 | (data[8] & 0x7F) << 7 | (data[9] & 0x7F)
        position = 10 + size + (10 if data[5] & 0x10 else 0)
    seconds, frames = 0.0, 0
    while position + 4 <= len(data):
        frame = _mp3_frame(struct.unpack_from(">I", data, position)[0])
        if frame is None or frame[0] <= 4:
            if data[position : position + 3] == b"TAG":
                break  # an ID3v1 tag ends the stream
            position += 1
            continue
        length, samples, rate = frame
        if position + length > len(data) + 4:
            break  # a truncated last frame is not counted
        if frames == 0 and position + length + 4 <= len(data) and _mp3_frame(struct.unpack_from(">I", data, position + length)[0]) is None:
            position += 1  # a first frame must be followed by another: a lone sync pattern is noise
            continue
        if not (frames == 0 and (b"Xing" in data[position : position + 64] or b"Info" in data[position : position + 64])):
            seconds += samples / rate  # an encoder's Xing/Info header frame carries no audio
        frames += 1
        position += length
    return seconds if frames >= 2 else None


# -- Ogg ------------------------------------------------------------------------------------------


def _ogg_page(data: bytes, position: int) -> tuple[int, bytes] | None:
    """(granule position, payload) of the page starting at `position`."""
    if data[position : position + 4] != b"OggS" or position + 27 > len(data):
        return None
    granule = struct.unpack_from("<q", data, position + 6)[0]
    segments = data[position + 26]
    lacing = data[position + 27 : position + 27 + segments]
    start = position + 27 + segments
    return granule, data[start : start + sum(lacing)]


def ogg_seconds(data: bytes) -> float | None:
    """The last page's granule position in samples: Opus counts at 48 kHz less its pre-skip,
    Vorbis at the sample rate of its identification header."""
    first = _ogg_page(data, 0)
    if first is None:
        return None
    header = first[1]
    if header.startswith(b"OpusHead") and len(header) >= 12:
        rate, skip = 48000, struct.unpack_from("<H", header, 10)[0]
    elif header.startswith(b"\x01vorbis") and len(header) >= 16:
        rate, skip = struct.unpack_from("<I", header, 12)[0], 0
    else:
        return None
    position = data.rfind(b"OggS")
    while position > 0:
        page = _ogg_page(data, position)
        if page is not None and page[0] >= 0:
            return max(0, page[0] - skip) / rate if rate else None
        position = data.rfind(b"OggS", 0, position)
    return None


# -- WebM / Matroska ------------------------------------------------------------------------------

_SEGMENT, _INFO, _CLUSTER, _BLOCK_GROUP = 0x18538067, 0x1549A966, 0x1F43B675, 0xA0
_TIMECODE_SCALE, _DURATION, _CLUSTER_TIMECODE, _SIMPLE_BLOCK, _BLOCK = 0x2AD7B1, 0x4489, 0xE7, 0xA3, 0xA1
_DESCEND = {_SEGMENT, _INFO, _CLUSTER, _BLOCK_GROUP}  # masters whose children are read in place


def _vint(data: bytes, position: int, keep_marker: bool) -> tuple[int, int, bool] | None:
    """(value, length, all value bits set) of an EBML variable-size integer."""
    if position >= len(data) or data[position] == 0:
        return None
    first = data[position]
    length = 8 - first.bit_length() + 1
    if position + length > len(data):
        return None
    value = first if keep_marker else first & ((1 << (8 - length)) - 1)
    for byte in data[position + 1 : position + length]:
        value = value << 8 | byte
    unknown = not keep_marker and value == (1 << (7 * length)) - 1
    return value, length, unknown


def _uint(body: bytes) -> int:
    return int.from_bytes(body, "big") if body else 0


def webm_seconds(data: bytes) -> float | None:
    """The segment's Duration when it has one; else the timestamp of the last block (cluster
    timecode plus the block's offset) plus one frame, the mean gap between blocks. Masters of
    unknown size (live recordings) are read in place, so a flat walk handles them."""
    if data[:4] != b"\x1a\x45\xdf\xa3":
        return None
    position, scale, duration = 0, 1_000_000, 0.0
    cluster_time, times = 0, list[int]()
    while position < len(data):
        element = _vint(data, position, keep_marker=True)
        if element is None:
            break
        size = _vint(data, position + element[1], keep_marker=False)
        if size is None:
            break
        element_id, body_start = element[0], position + element[1] + size[1]
        if element_id in _DESCEND:
            position = body_start
            continue
        if size[2]:
            break  # an unknown-size element we cannot walk through
        body = data[body_start : body_start + size[0]]
        if element_id == _TIMECODE_SCALE:
            scale = _uint(body) or scale
        elif element_id == _DURATION and len(body) in (4, 8):
            duration = float(struct.unpack(">f" if len(body) == 4 else ">d", body)[0])
        elif element_id == _CLUSTER_TIMECODE:
            cluster_time = _uint(body)
        elif element_id in (_SIMPLE_BLOCK, _BLOCK):
            track = _vint(body, 0, keep_marker=False)
            if track is not None and len(body) >= track[1] + 2:
                times.append(cluster_time + struct.unpack_from(">h", body, track[1])[0])
        position = body_start + size[0]
    if duration:
        return duration * scale / 1e9
    if not times:
        return None
    times.sort()
    frame = (times[-1] - times[0]) / (len(times) - 1) if len(times) > 1 else 0
    return (times[-1] + frame) * scale / 1e9


_READERS = {
    "wav": wav_seconds,
    "wave": wav_seconds,
    "mp3": mp3_seconds,
    "mpeg": mp3_seconds,
    "ogg": ogg_seconds,
    "opus": ogg_seconds,
    "webm": webm_seconds,
}


def seconds(data: bytes, fmt: str) -> float | None:
    """The audio's duration in seconds, or None when it cannot be read from the bytes. The
    declared format is tried first, then the others (browsers label containers loosely)."""
    declared = _READERS.get(fmt.lower().removeprefix("audio/"))
    readers = [declared] if declared else []
    readers += [reader for reader in dict.fromkeys(_READERS.values()) if reader is not declared]
    for reader in readers:
        try:
            found = reader(data)
        except (struct.error, IndexError, ValueError, ZeroDivisionError):
            found = None
        if found is not None and found > 0:
            return round(found, 3)
    return None
