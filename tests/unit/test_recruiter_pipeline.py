"""The recruiter pipeline's pure parts: CSV cells that cannot run as formulas, RFC 4180 quoting,
the opaque keyset cursor, and free text taken literally by LIKE."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime

import pytest

from shared.csv_export import render, safe_cell
from shared.errors import ValidationFailed
from shared.models.recruiter import PipelineQuery
from shared.repositories.pipeline import Position, like_pattern
from shared.services.recruiter import decode_cursor, encode_cursor


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+2", "'=1+2"),  # a formula
        ("+61 400 000 000", "'+61 400 000 000"),  # read as a formula by spreadsheets
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),  # some spreadsheets skip a leading tab or CR before reading a formula
        ("\r=1", "'\r=1"),
        ("Ann = Bob", "Ann = Bob"),  # only a leading sign matters
        ("O'Brien", "O'Brien"),
        (None, ""),
        (87, "87"),  # numbers stay numbers
        (-1, "-1"),
        (True, "true"),
        (datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), "2026-01-02T03:04:05+00:00"),
        (uuid.UUID(int=1), "00000000-0000-0000-0000-000000000001"),
    ],
)
def test_cells_never_start_a_formula(value, cell):
    assert safe_cell(value) == cell


def test_rows_are_quoted_as_rfc_4180():
    text, written = render(["name", "note"], [['Quote "Q"', "a,b"], ["line\nbreak", "=cmd"]])
    assert written == 2
    assert text.split("\r\n")[0] == "name,note"
    assert list(csv.reader(io.StringIO(text))) == [["name", "note"], ['Quote "Q"', "a,b"], ["line\nbreak", "'=cmd"]]
    assert text.endswith("\r\n")


def test_rows_stop_before_the_byte_budget():
    text, written = render(["name"], [["é" * 10]] * 5, max_bytes=len("name\r\n") + 3 * len(("é" * 10 + "\r\n").encode()))
    assert written == 3 and text.count("\r\n") == 4


@pytest.mark.parametrize(
    ("sort", "order", "key"),
    [
        ("score", "desc", 87),
        ("integrity", "asc", 101),  # the unscored sentinel
        ("date", "desc", datetime(2026, 11, 27, 9, 30, 1, 123456, tzinfo=UTC)),
    ],
)
def test_a_cursor_round_trips_for_its_own_sort_only(sort, order, key):
    query = PipelineQuery(sort=sort, order=order)
    position = Position(key=key, candidate_id=str(uuid.uuid4()))
    cursor = encode_cursor(query, position)
    assert cursor.replace("-", "").replace("_", "").isalnum()  # URL-safe, no padding
    assert decode_cursor(cursor, query) == position
    other = PipelineQuery(sort=sort, order="asc" if order == "desc" else "desc")
    with pytest.raises(ValidationFailed) as refused:
        decode_cursor(cursor, other)
    assert refused.value.details[0]["loc"] == ["query", "cursor"]


@pytest.mark.parametrize(
    "cursor",
    [
        "not-base64!",
        "e30",  # {}
        "eyJzIjoic2NvcmUiLCJvIjoiZGVzYyIsImsiOiIyMDI2LTAxLTAxVDAwOjAwOjAwKzAwOjAwIiwiaSI6IjEifQ",  # a date key and a bad id for a score sort
        "_w",  # not UTF-8
    ],
)
def test_a_tampered_cursor_is_a_422_naming_it(cursor):
    with pytest.raises(ValidationFailed) as refused:
        decode_cursor(cursor, PipelineQuery(sort="score"))
    assert refused.value.details[0]["loc"] == ["query", "cursor"]


def test_free_text_is_taken_literally_by_like():
    assert like_pattern("50%_off\\") == "%50\\%\\_off\\\\%"
