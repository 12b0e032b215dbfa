import pytest

from shared.errors import PayloadTooLarge, ValidationFailed
from shared.services import resume_files
from tests.documents import make_docx, make_pdf


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


def test_oversized_upload_is_refused_before_reading():
    with pytest.raises(PayloadTooLarge):
        resume_files.check_resume_name("cv.pdf", "application/pdf", resume_files.MAX_RESUME_BYTES + 1)


def test_corrupt_pdf_that_passes_the_magic_check_is_unreadable():
    with pytest.raises(resume_files.UnreadableResume):
        resume_files.extract_text(b"%PDF-1.4\n" + b"\x00garbage" * 50)


def test_pdf_without_text_is_unreadable():
    with pytest.raises(resume_files.UnreadableResume):
        resume_files.extract_text(make_pdf(" "))
