"""Resume files: what may be uploaded (name, extension, declared type, magic bytes, size, and for
a DOCX what its archive expands to), the object key a resume is stored under, and the text inside
a PDF or DOCX, read within limits (PDF pages, archive size and ratio, text length) so a hostile
file costs little. Pure functions; no I/O beyond the bytes handed in."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass

from shared.errors import PayloadTooLarge, ValidationFailed
from shared.settings import get_settings
from shared.storage_keys import key_segment

MAX_RESUME_BYTES = 10 * 1024 * 1024
PDF_TYPE = "application/pdf"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TYPES_BY_EXTENSION = {"pdf": PDF_TYPE, "docx": DOCX_TYPE}
MAX_NAME_LENGTH = 200
# What a file name may not hold (besides `..`): path separators, control characters (C0, DEL, C1,
# line and paragraph separators), the bidirectional controls that make a name display as another
# one, and lone surrogates (bytes that were not UTF-8).
# Everything else is a real-world name (`résumé [final].pdf`, `CV #2, 2026.docx`): the name is
# kept as data and only a storage-safe form of it goes into the object key.
_REFUSED_IN_NAME = re.compile(r"[/\\\x00-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
MAX_ARCHIVE_MEMBERS = 1000  # a Word document has a few dozen parts
READABLE_COMPRESSION = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}  # what Word writes; the only ones read


class UnreadableResume(ValueError):
    """The file passed the upload checks but its text cannot be extracted."""


class UnsafeArchive(UnreadableResume):
    """A DOCX whose archive is refused before it is opened (too large once expanded, compressed
    beyond any real document, encrypted, too many parts): refused at upload, unreadable later."""


@dataclass(frozen=True)
class ResumeFile:
    file_name: str
    extension: str
    content_type: str
    size: int


def check_resume_name(file_name: str, declared_type: str | None, size: int) -> ResumeFile:
    """Validate what the client declares before any byte is stored (also used for signed uploads)."""
    name = unicodedata.normalize("NFC", (file_name or "").strip())
    if not name or len(name) > MAX_NAME_LENGTH:
        raise ValidationFailed(f"The file name must be 1 to {MAX_NAME_LENGTH} characters long.", details={"field": "file_name"})
    if _REFUSED_IN_NAME.search(name) or ".." in name:
        raise ValidationFailed("The file name may not contain path separators, '..' or control characters.", details={"field": "file_name"})
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in TYPES_BY_EXTENSION:
        raise ValidationFailed("Only PDF and DOCX resumes are accepted.", details={"field": "file_name"})
    expected = TYPES_BY_EXTENSION[extension]
    if declared_type and declared_type.split(";")[0].strip().lower() not in {expected, "application/octet-stream"}:
        raise ValidationFailed("The declared content type does not match the file extension.", details={"field": "content_type"})
    if size <= 0:
        raise ValidationFailed("The file is empty.", details={"field": "file"})
    if size > MAX_RESUME_BYTES:
        raise PayloadTooLarge("Resumes are limited to 10 MB.")
    return ResumeFile(file_name=name, extension=extension, content_type=expected, size=size)


def storage_path(candidate_id: str, file_name: str, folder: str) -> str:
    """The object key of a resume: `<candidate id>/<folder>/<storage-safe form of the name>`. The
    owner folder is what Storage RLS and the upload trigger check, the (random) folder keeps
    versions with the same name apart, and the last segment stays readable."""
    return f"{candidate_id}/{folder}/{key_segment(file_name, fallback='resume')}"


def detect_type(data: bytes) -> str | None:
    """The real type from the magic bytes: PDF, DOCX (a zip with word/document.xml), or None."""
    if data.startswith(b"%PDF-"):
        return PDF_TYPE
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "word/document.xml" in archive.namelist():
                    return DOCX_TYPE
        except zipfile.BadZipFile:
            return None
    return None


def check_archive(data: bytes) -> None:
    """Refuse a DOCX (zip) before anything decompresses it: the sizes its directory declares (which
    the zip reader also enforces while reading) must stay under the size and ratio caps, and every
    part must be unencrypted and stored or deflated. Raises UnsafeArchive with a readable reason."""
    settings = get_settings()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise UnsafeArchive("The DOCX is damaged and its text cannot be read.") from exc
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise UnsafeArchive("The DOCX holds too many parts to be a resume.")
    if any(member.flag_bits & 0x1 for member in members):
        raise UnsafeArchive("The DOCX is password protected.")
    if any(member.compress_type not in READABLE_COMPRESSION for member in members):
        raise UnsafeArchive("The DOCX uses a compression method that is not supported.")
    expanded = sum(member.file_size for member in members)
    if expanded > settings.resume_max_uncompressed_bytes:
        limit_mb = settings.resume_max_uncompressed_bytes // (1024 * 1024)
        raise UnsafeArchive(f"The DOCX expands to more than {limit_mb} MB, which a resume never needs.")
    if expanded > settings.resume_max_compression_ratio * max(len(data), 1):
        raise UnsafeArchive(f"The DOCX is compressed more than {settings.resume_max_compression_ratio:g}:1, which a real document never is.")


def check_resume_bytes(file_name: str, declared_type: str | None, data: bytes) -> ResumeFile:
    """Validate an uploaded resume: the name checks, content that really is what it claims, and
    for a DOCX an archive that is safe to open."""
    checked = check_resume_name(file_name, declared_type, len(data))
    if detect_type(data) != checked.content_type:
        raise ValidationFailed(f"The file content is not a valid {checked.extension.upper()} document.", details={"field": "file"})
    if checked.content_type == DOCX_TYPE:
        try:
            check_archive(data)
        except UnsafeArchive as exc:
            raise ValidationFailed(str(exc), details={"field": "file"}) from exc
    return checked


def extract_text(data: bytes) -> str:
    """Plain text of a PDF or DOCX, at most RESUME_MAX_TEXT_CHARS characters (read from at most
    RESUME_MAX_PDF_PAGES pages); raises UnreadableResume with a readable reason."""
    max_chars = get_settings().resume_max_text_chars
    kind = detect_type(data)
    if kind == PDF_TYPE:
        text = _pdf_text(data, max_chars)
    elif kind == DOCX_TYPE:
        check_archive(data)
        text = _docx_text(data, max_chars)
    else:
        raise UnreadableResume("The file is neither a PDF nor a DOCX document.")
    text = re.sub(r"[ \t]+", " ", text[:max_chars])
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    if len(text) < 20:
        raise UnreadableResume("No readable text was found in the document (is it a scanned image?).")
    return text


class _CappedText:
    """Text parts collected up to `limit` characters; readers stop asking once it is full."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[str] = []
        self.length = 0

    @property
    def full(self) -> bool:
        return self.length >= self.limit

    def add(self, text: str) -> None:
        part = text[: max(0, self.limit - self.length)]
        self.parts.append(part)
        self.length += len(part) + 1

    def text(self) -> str:
        return "\n".join(self.parts)


def _pdf_text(data: bytes, max_chars: int) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError, PyPdfError

    collected = _CappedText(max_chars)
    max_pages = get_settings().resume_max_pdf_pages
    try:
        reader = PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
        if not encrypted:
            for number, page in enumerate(reader.pages):
                if number >= max_pages or collected.full:
                    break
                collected.add(page.extract_text() or "")
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError, zlib.error) as exc:
        raise UnreadableResume("The PDF is damaged and its text cannot be read.") from exc
    if encrypted:
        raise UnreadableResume("The PDF is password protected.")
    return collected.text()


def _docx_text(data: bytes, max_chars: int) -> str:
    import docx
    from docx.exceptions import PythonDocxError
    from docx.opc.exceptions import OpcError
    from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type information

    collected = _CappedText(max_chars)
    try:
        document = docx.Document(io.BytesIO(data))
        for paragraph in document.paragraphs:
            if collected.full:
                break
            collected.add(paragraph.text)
        for table in document.tables:
            for row in table.rows:
                if collected.full:
                    break
                collected.add(" | ".join(cell.text for cell in row.cells))
    except (OpcError, PythonDocxError, zipfile.BadZipFile, KeyError, ValueError, AttributeError, etree.LxmlError, zlib.error, EOFError) as exc:
        # lxml's XMLSyntaxError (malformed XML, or a text node over its 10 MB limit) lands here too.
        raise UnreadableResume("The DOCX is damaged and its text cannot be read.") from exc
    return collected.text()
