import io
import os
import re

import pytest

from shared.errors import PayloadTooLarge, ValidationFailed
from shared.services import resume_files
from tests.documents import make_docx, make_pdf, make_zip_bomb_docx, paragraphs_xml, rebuild_docx


def test_pdf_text_is_extracted():
    text = resume_files.extract_text(make_pdf())
    assert "7 years of experience" in text
    assert "PostgreSQL" in text


def test_docx_text_is_extracted():
    text = resume_files.extract_text(make_docx())
    assert "University of Sydney" in text


def test_valid_uploads_pass_with_their_real_type():
    assert resume_files.check_resume_bytes("cv.pdf", "application/pdf", make_pdf()).content_type == resume_files.PDF_TYPE
    assert resume_files.check_resume_bytes("My CV (2026).docx", None, make_docx()).content_type == resume_files.DOCX_TYPE


@pytest.mark.parametrize(
    ("name", "declared", "data", "error"),
    [
        ("cv.txt", "text/plain", b"hello there", ValidationFailed),  # wrong extension
        ("cv.pdf", "application/pdf", b"MZ\x90\x00 not a pdf at all", ValidationFailed),  # a non-PDF named .pdf
        ("cv.docx", None, make_pdf(), ValidationFailed),  # a PDF named .docx
        ("cv.pdf", "application/pdf", b"", ValidationFailed),  # empty
        ("../../etc/passwd.pdf", "application/pdf", b"%PDF-1.4", ValidationFailed),  # traversal
        ("a/b.pdf", "application/pdf", b"%PDF-1.4", ValidationFailed),  # a folder in the name
        ("cv.pdf", "image/png", b"%PDF-1.4", ValidationFailed),  # declared type contradicts the name
        ("cv\x00.pdf", "application/pdf", b"%PDF-1.4", ValidationFailed),  # NUL byte
    ],
)
def test_bad_uploads_are_refused(name, declared, data, error):
    with pytest.raises(error):
        resume_files.check_resume_bytes(name, declared, data)


@pytest.mark.parametrize(
    "name",
    [
        "résumé [final].pdf",  # accents and brackets (issue 22)
        "Lebenslauf Müller.docx",
        "履歷表.pdf",
        "John's CV #2, 2026 (v3) & more.pdf",
        "🚀 CV.pdf",
    ],
)
def test_real_world_names_are_accepted_as_given(name):
    assert resume_files.check_resume_name(name, "application/pdf" if name.endswith(".pdf") else None, 10).file_name == name


def test_a_decomposed_name_is_kept_composed():
    assert resume_files.check_resume_name("re\u0301sume\u0301.pdf", None, 10).file_name == "résumé.pdf"


@pytest.mark.parametrize(
    "name",
    [
        "",  # empty
        "   ",  # blank
        "x" * 197 + ".pdf",  # longer than 200 characters
        "../cv.pdf",  # a path
        "..cv.pdf",  # what `..\cv.pdf` becomes in a multipart header (a quoted pair)
        "a\\b.pdf",  # a Windows path
        "cv\n.pdf",  # a control character
        "cv\x85.pdf",  # a C1 control
        "cv\u2028.pdf",  # a line separator
        "evil\u202efdp.docx",  # a right-to-left override, shown as another name
        "cv\udce9.pdf",  # a lone surrogate: bytes that were not UTF-8
    ],
)
def test_dangerous_names_are_refused_as_validation_errors(name):
    with pytest.raises(ValidationFailed) as refused:
        resume_files.check_resume_name(name, None, 10)
    assert refused.value.details == {"field": "file_name"}


def test_the_storage_key_of_any_accepted_name_is_valid_for_storage_api():
    """Issue 22: the key holds a storage-safe form of the name, under the candidate's folder."""
    storage_api_key = re.compile(r"^[A-Za-z0-9_/!.*'() &$=@;:+,?-]*$")  # src/storage/limits.ts
    candidate = "7d5e6a4c-9a0e-4c55-8a55-2f0b6f7f1a11"
    for name in ("résumé [final].pdf", "cv [1].pdf", "履歷表.docx", "CV #2 100%~.pdf"):
        path = resume_files.storage_path(candidate, resume_files.check_resume_name(name, None, 10).file_name, "f0")
        assert storage_api_key.match(path), path
        assert path.startswith(f"{candidate}/f0/") and path.count("/") == 2
    assert resume_files.storage_path(candidate, "résumé [final].pdf", "f0") == f"{candidate}/f0/resume_final.pdf"


def test_oversized_upload_is_refused_before_reading():
    with pytest.raises(PayloadTooLarge):
        resume_files.check_resume_name("cv.pdf", "application/pdf", resume_files.MAX_RESUME_BYTES + 1)


def test_corrupt_pdf_that_passes_the_magic_check_is_unreadable():
    with pytest.raises(resume_files.UnreadableResume):
        resume_files.extract_text(b"%PDF-1.4\n" + b"\x00garbage" * 50)


def test_pdf_without_text_is_unreadable():
    with pytest.raises(resume_files.UnreadableResume):
        resume_files.extract_text(make_pdf(" "))


@pytest.fixture
def limits(monkeypatch):
    """Set resume limits through the environment, as deployments do."""
    from shared.settings import get_settings

    def use(**values):
        for name, value in values.items():
            monkeypatch.setenv(name.upper(), str(value))
        get_settings.cache_clear()

    yield use
    get_settings.cache_clear()


def _understated(archive: bytes, name: bytes, size: int) -> bytes:
    """`archive` with the zip directory declaring `size` uncompressed bytes for member `name`."""
    data = bytearray(archive)
    entry = data.index(b"PK\x01\x02")
    while data[entry + 46 : entry + 46 + len(name)] != name:
        entry = data.index(b"PK\x01\x02", entry + 4)
    data[entry + 24 : entry + 28] = size.to_bytes(4, "little")
    return bytes(data)


def test_a_zip_bomb_docx_is_refused_at_upload_and_unreadable_when_parsed():
    """F8: a ~60 KB DOCX whose document.xml inflates to ~22 MB (~370:1) is refused before any part
    is inflated; and since the caps read the zip directory, a directory that understates the part
    lets nothing more through (the reader stops at the declared size and the checksum fails)."""
    bomb = make_zip_bomb_docx()
    assert len(bomb) < 100 * 1024
    with pytest.raises(ValidationFailed, match="compressed more than 100:1"):
        resume_files.check_resume_bytes("cv.docx", None, bomb)
    with pytest.raises(resume_files.UnreadableResume, match="compressed more than"):
        resume_files.extract_text(bomb)

    disguised = _understated(bomb, b"word/document.xml", 1000)
    resume_files.check_resume_bytes("cv.docx", None, disguised)
    with pytest.raises(resume_files.UnreadableResume, match="damaged"):
        resume_files.extract_text(disguised)


def test_a_docx_expanding_past_the_size_cap_is_refused_whatever_its_ratio(limits):
    """F8: the uncompressed total is capped on its own (here 1 MB), not only the ratio."""
    limits(resume_max_uncompressed_bytes=1024 * 1024)
    varied = [f"Role {n}: built {os.urandom(24).hex()} services" for n in range(20_000)]
    large = rebuild_docx(paragraphs_xml(varied))
    with pytest.raises(ValidationFailed, match="expands to more than 1 MB"):
        resume_files.check_resume_bytes("cv.docx", None, large)
    with pytest.raises(resume_files.UnreadableResume):
        resume_files.extract_text(large)


@pytest.mark.parametrize(
    "document_xml",
    [
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p>',  # unclosed tags
        b"<w:document><w:body/></w:document>",  # undeclared namespace prefix
        b"\xff\xfe<not xml at all>",  # not XML
        b"",  # an empty part
    ],
    ids=["unclosed", "undeclared-prefix", "not-xml", "empty"],
)
def test_malformed_xml_in_a_docx_is_an_unreadable_resume(document_xml):
    """F8: lxml's XMLSyntaxError is an unreadable resume (a permanent failure), not an unhandled error."""
    with pytest.raises(resume_files.UnreadableResume, match="damaged"):
        resume_files.extract_text(rebuild_docx(document_xml))


def test_only_the_first_pages_of_a_pdf_are_read():
    """F8: a PDF is read up to RESUME_MAX_PDF_PAGES pages (50)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for number in range(1, 61):
        writer.add_page(PdfReader(io.BytesIO(make_pdf(f"Resume page marker {number} with enough words"))).pages[0])
    out = io.BytesIO()
    writer.write(out)
    text = resume_files.extract_text(out.getvalue())
    assert "marker 50 " in text and "marker 51 " not in text


def test_extracted_text_is_capped_before_any_further_work(limits):
    """F8: at most RESUME_MAX_TEXT_CHARS characters of text leave the reader."""
    limits(resume_max_text_chars=5_000)
    long_resume = rebuild_docx(paragraphs_xml([f"Project {n}: Python, React and PostgreSQL work for client {n}" for n in range(3_000)]))
    text = resume_files.extract_text(long_resume)
    assert 4_000 < len(text) <= 5_000 and text.startswith("Project 0:")
