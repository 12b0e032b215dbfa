"""Object keys Supabase Storage accepts. storage-api refuses with 400 `InvalidKey` every key holding
a character outside `[A-Za-z0-9_/!.*'() &$=@;:+,?-]` (`src/storage/limits.ts`), on upload and on
signing an upload URL. So text a person typed (a file name) never goes into a key as it is:
`key_segment` makes a readable ASCII form of it, and the text itself is kept as data. Pure
functions."""

from __future__ import annotations

import re
import unicodedata

# storage-api's own rule, verbatim: the whole key, separators included.
VALID_KEY = re.compile(r"^[A-Za-z0-9_/!.*'() &$=@;:+,?-]*$")
# What key_segment keeps: a conservative subset of VALID_KEY, with nothing that means something in
# a URL, a shell or a path (no spaces, `/`, `?`, `&`, quotes or dots outside the extension).
_UNSAFE_RUN = re.compile(r"[^A-Za-z0-9_-]+")
_EXTENSION = re.compile(r"[A-Za-z0-9]{1,10}")
MAX_SEGMENT_LENGTH = 100


def key_segment(text: str, fallback: str) -> str:
    """One key segment made from `text`: accents folded to ASCII (NFKD without the combining
    marks), every run of other characters replaced by one `_`, the extension kept (lowercased),
    at most MAX_SEGMENT_LENGTH characters; `fallback` (a safe ASCII word) stands in for the name
    when nothing readable is left. `résumé [final].pdf` becomes `resume_final.pdf`, `履歷.docx`
    becomes `<fallback>.docx`. The result always matches VALID_KEY and never holds `/` or is a
    `.` or `..` segment."""
    folded = "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))
    stem, dot, extension = folded.rpartition(".")
    if not dot or not _EXTENSION.fullmatch(extension):
        stem, extension = folded, ""
    suffix = f".{extension.lower()}" if extension else ""
    stem = _UNSAFE_RUN.sub("_", stem).strip("_") or _UNSAFE_RUN.sub("_", fallback).strip("_") or "file"
    return stem[: MAX_SEGMENT_LENGTH - len(suffix)] + suffix
