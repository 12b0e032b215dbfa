"""Interview recording files: what may be uploaded (MP4 or WebM, up to 100 MB), the object key a
recording is stored under, and the container a file really is, read from its first bytes. Pure
functions; no I/O beyond the bytes handed in."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from shared.errors import PayloadTooLarge, ValidationFailed

MAX_RECORDING_BYTES = 100 * 1024 * 1024
MP4_TYPE = "video/mp4"
WEBM_TYPE = "video/webm"
EXTENSIONS = {MP4_TYPE: "mp4", WEBM_TYPE: "webm"}
HEAD_BYTES = 64  # enough for an MP4's ftyp box header and a WebM's EBML header with its DocType
_EBML_MAGIC = b"\x1a\x45\xdf\xa3"
_EBML_DOCTYPE_WEBM = b"\x42\x82\x84webm"  # DocType element (0x4282), size 4, "webm"


@dataclass(frozen=True)
class DeclaredRecording:
    content_type: str
    size: int


def check_declared(content_type: str, size: int) -> DeclaredRecording:
    """Validate what the client declares before the upload URL is handed out (parameters such as
    `;codecs=vp9` are allowed and dropped)."""
    base = content_type.split(";", 1)[0].strip().lower()
    if base not in EXTENSIONS:
        raise ValidationFailed("Recordings must be MP4 (video/mp4) or WebM (video/webm).", details={"field": "content_type"})
    if size <= 0:
        raise ValidationFailed("The recording is empty.", details={"field": "file_size"})
    if size > MAX_RECORDING_BYTES:
        raise PayloadTooLarge("Recordings are limited to 100 MB.")
    return DeclaredRecording(content_type=base, size=size)


def storage_path(candidate_id: str, interview_id: str, content_type: str) -> str:
    """`<candidate>/<interview>/<random>.<mp4|webm>`: the owner folder is what Storage RLS and the
    upload trigger check, the interview folder groups its recordings, the random name is never
    reused (a withdrawn consent's URL cannot overwrite a later recording)."""
    return f"{candidate_id}/{interview_id}/{uuid.uuid4().hex}.{EXTENSIONS[content_type]}"


def detect_type(head: bytes) -> str | None:
    """The container from the first bytes: an ISO base media file (MP4) starts with an `ftyp`
    box, a WebM with the EBML magic and a `webm` DocType; anything else is None."""
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] != b"qt  ":
        return MP4_TYPE
    if head.startswith(_EBML_MAGIC) and _EBML_DOCTYPE_WEBM in head[:HEAD_BYTES]:
        return WEBM_TYPE
    return None
