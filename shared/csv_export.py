"""CSV for spreadsheets and ATS imports: RFC 4180 rows (the csv module's quoting, CRLF line ends)
whose text cells cannot run as spreadsheet formulas. A cell starting with = + - @ (or a tab or
carriage return, which some spreadsheets skip before reading a formula) is prefixed with an
apostrophe, as OWASP's CSV injection advice says; numbers stay numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The cell text of `value`: empty for None, ISO 8601 for times, and text that a spreadsheet
    would take for a formula prefixed with an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def render(header: Sequence[str], rows: Iterable[Sequence[object]], max_bytes: int | None = None) -> tuple[str, int]:
    """The CSV text of a header row and `rows` (every cell through safe_cell), and the number of data
    rows written: rows stop before the text would pass `max_bytes` (UTF-8)."""
    line = io.StringIO()
    writer = csv.writer(line, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")

    def encoded(cells: Sequence[object]) -> str:
        line.seek(0)
        line.truncate()
        writer.writerow([safe_cell(value) for value in cells])
        return line.getvalue()

    parts = [encoded(header)]
    size = len(parts[0].encode())
    for row in rows:
        text = encoded(row)
        size += len(text.encode())
        if max_bytes is not None and size > max_bytes:
            break
        parts.append(text)
    return "".join(parts), len(parts) - 1
