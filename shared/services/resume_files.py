"""Resume files: what may be uploaded (name, extension, declared type, magic bytes, size) and the
text inside a PDF or DOCX. Pure functions; no I/O beyond the bytes handed in."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from shared.errors import PayloadTooLarge, ValidationFailed

MAX_RESUME_BYTES = 10 * 1024 * 1024
PDF_TYPE = "application/pdf"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TYPES_BY_EXTENSION = {"pdf": PDF_TYPE, "docx": DOCX_TYPE}
_SAFE_NAME = re.compile(r"^[\w.\- ()\[\]]+$", re.UNICODE)


class UnreadableResume(ValueError):
    """The file passed the upload checks but its text cannot be extracted."""


@dataclass(frozen=True)
class ResumeFile:
    file_name: str
    extension: str
    content_type: str
    size: int


def check_resume_name(file_name: str, declared_type: str | None, size: int) -> ResumeFile:
    """Validate what the client declares before any byte is stored (also used for signed uploads)."""
    name = (file_name or "").strip()
    if not name or len(name) > 200 or "/" in name or "\\" in name or ".." in name or "\x00" in name:
        raise ValidationFailed("The file name is not allowed.", details={"field": "file_name"})
    if not _SAFE_NAME.match(name):
        raise ValidationFailed("The file name contains characters that are not allowed.", details={"field": "file_name"})
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


def check_resume_bytes(file_name: str, declared_type: str | None, data: bytes) -> ResumeFile:
    """Validate an uploaded resume: the name checks plus content that really is what it claims."""
    checked = check_resume_name(file_name, declared_type, len(data))
    if detect_type(data) != checked.content_type:
        raise ValidationFailed(f"The file content is not a valid {checked.extension.upper()} document.", details={"field": "file"})
    return checked


def extract_text(data: bytes) -> str:
    """Plain text of a PDF or DOCX; raises UnreadableResume with a readable reason."""
    kind = detect_type(data)
    if kind == PDF_TYPE:
        text = _pdf_text(data)
    elif kind == DOCX_TYPE:
        text = _docx_text(data)
    else:
        raise UnreadableResume("The file is neither a PDF nor a DOCX document.")
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    if len(text) < 20:
        raise UnreadableResume("No readable text was found in the document (is it a scanned image?).")
    return text


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError, PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise UnreadableResume("The PDF is password protected.")
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise UnreadableResume("The PDF is damaged and its text cannot be read.") from exc


def _docx_text(data: bytes) -> str:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableResume("The DOCX is damaged and its text cannot be read.") from exc
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)
