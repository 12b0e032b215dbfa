"""Object keys from user-supplied text (issue 22): storage-api refuses with `InvalidKey` every key
outside `^[A-Za-z0-9_/!.*'() &$=@;:+,?-]*$` (src/storage/limits.ts), so whatever a person names a
file, the key segment made from it must match that rule, and stay one readable segment."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from shared.storage_keys import MAX_SEGMENT_LENGTH, VALID_KEY, key_segment

# Copied from storage-api's src/storage/limits.ts (mustBeValidKey), not from our module.
STORAGE_API_KEY = re.compile(r"^[A-Za-z0-9_/!.*'() &$=@;:+,?-]*$")

NASTY = [
    "résumé [final].pdf",  # accents and brackets: the production bug
    "cv [1].pdf",
    "Lebenslauf_Müller_Jürgen.docx",
    "履歷表 2026.pdf",  # CJK only, plus a space
    "🚀 my CV 🎉.pdf",  # emoji
    "cv#1%20~final~.pdf",  # # % ~ (refused by storage-api)
    "..",
    "../../etc/passwd",
    "a/b\\c.pdf",
    ".pdf",
    "...",
    "",
    "   ",
    "con.pdf",
    "cv.PDF",
    "ＣＶ／ｆｉｎａｌ．ｐｄｆ",  # full-width letters and slash fold to ASCII under NFKD
    "ﬁnal ½ cv.pdf",  # ligature and fraction
    "cv\x00\x1f\x7f.pdf",
    "cv\u202efdp.exe",  # right-to-left override
    "Ελληνικά.docx",
    "x" * 500 + ".pdf",
    "name." + "é" * 20,  # an "extension" that is not one
    "a" * 300,
]


@pytest.mark.parametrize("text", NASTY)
def test_a_segment_from_any_name_is_a_key_storage_api_accepts(text):
    segment = key_segment(text, fallback="resume")
    assert STORAGE_API_KEY.match(segment), segment
    assert segment and "/" not in segment and segment not in {".", ".."}
    assert len(segment) <= MAX_SEGMENT_LENGTH


@given(st.text())
@example("résumé [final].pdf")
@example("\ud800.pdf")  # a lone surrogate
def test_every_text_gives_a_valid_nonempty_segment(text):
    segment = key_segment(text, fallback="resume")
    assert STORAGE_API_KEY.match(segment) and segment and "/" not in segment and segment not in {".", ".."}
    assert len(segment) <= MAX_SEGMENT_LENGTH


@given(st.text(alphabet=st.characters(codec="utf-8"), min_size=1), st.sampled_from(["pdf", "docx"]))
def test_the_extension_is_kept(stem, extension):
    assert key_segment(f"{stem}.{extension}", fallback="resume").endswith(f".{extension}")


@pytest.mark.parametrize(
    ("text", "segment"),
    [
        ("résumé [final].pdf", "resume_final.pdf"),  # accents folded, brackets and spaces collapsed
        ("cv.pdf", "cv.pdf"),  # a plain name is unchanged
        ("My CV (2026).docx", "My_CV_2026.docx"),
        ("履歷.pdf", "resume.pdf"),  # nothing readable left: the fallback
        ("cv.PDF", "cv.pdf"),  # the extension lowercased
        ("x" * 500 + ".pdf", "x" * (MAX_SEGMENT_LENGTH - 4) + ".pdf"),  # capped, extension kept
        ("notes", "notes"),  # no extension
    ],
)
def test_segments_stay_readable(text, segment):
    assert key_segment(text, fallback="resume") == segment


def test_our_copy_of_the_rule_is_storage_apis():
    assert VALID_KEY.pattern == STORAGE_API_KEY.pattern
