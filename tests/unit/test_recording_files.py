"""What a recording upload may declare, and the container its first bytes show."""

import pytest

from shared.errors import PayloadTooLarge, ValidationFailed
from shared.services.recording_files import MAX_RECORDING_BYTES, check_declared, detect_type, storage_path

WEBM = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08\x42\x82\x84webm\x42\x87\x81\x04"
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (WEBM, "video/webm"),  # EBML header with DocType webm
        (MP4, "video/mp4"),  # ftyp box first
        (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  ", None),  # QuickTime is not MP4
        (b"\x1a\x45\xdf\xa3\x9f\x42\x82\x88matroska", None),  # Matroska is not WebM
        (b"%PDF-1.7", None),
        (b"", None),
        (b"\x00\x00\x00", None),  # too short for a box header
    ],
)
def test_the_container_is_read_from_the_first_bytes(head, expected):
    assert detect_type(head) == expected


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [("video/webm", "video/webm"), ("video/webm;codecs=vp9,opus", "video/webm"), (" Video/MP4 ", "video/mp4")],
)
def test_declared_types_are_mp4_or_webm_with_codec_parameters_dropped(content_type, expected):
    assert check_declared(content_type, 10).content_type == expected


@pytest.mark.parametrize(
    ("content_type", "size", "error", "field"),
    [
        ("video/quicktime", 10, ValidationFailed, "content_type"),
        ("application/pdf", 10, ValidationFailed, "content_type"),
        ("video/webm", 0, ValidationFailed, "file_size"),
        ("video/mp4", MAX_RECORDING_BYTES + 1, PayloadTooLarge, None),
    ],
)
def test_other_types_empty_and_oversized_recordings_are_refused(content_type, size, error, field):
    with pytest.raises(error) as raised:
        check_declared(content_type, size)
    if field:
        assert raised.value.details == {"field": field}


def test_a_recording_is_stored_under_its_candidate_and_interview_with_a_fresh_name():
    first, second = (storage_path("c-1", "i-1", "video/webm") for _ in range(2))
    assert first.startswith("c-1/i-1/") and first.endswith(".webm") and first != second
