"""Real PDF and DOCX files built in memory for tests (no fixtures on disk)."""

from __future__ import annotations

import io

SAMPLE_RESUME = """Jordan Example
Senior Software Engineer - jordan@example.com
Summary: Full-stack engineer with 7 years of experience building React and Python products.
Skills: Python, Django, FastAPI, React, TypeScript, JavaScript, PostgreSQL, Docker, AWS, Git
Experience:
Senior Software Engineer, Acme Pty Ltd, 2020 - present
Software Engineer, Widgets Co, 2017 - 2020
Education:
Bachelor of Computer Science, University of Sydney, 2016
"""


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(text: str = SAMPLE_RESUME) -> bytes:
    """A one-page PDF whose text layer holds `text`, one line per text line."""
    lines = text.strip("\n").split("\n")
    stream_lines = ["BT", "/F1 10 Tf", "12 TL", "50 780 Td"]
    for line in lines:
        stream_lines.append(f"({_escape(line)}) Tj T*")
    stream_lines.append("ET")
    stream = "\n".join(stream_lines).encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def make_docx(text: str = SAMPLE_RESUME) -> bytes:
    """A DOCX with one paragraph per line of `text`."""
    import docx

    document = docx.Document()
    for line in text.strip("\n").split("\n"):
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def rebuild_docx(document_xml: bytes, base: bytes | None = None, compression: int | None = None) -> bytes:
    """A real DOCX (python-docx's package) whose word/document.xml is replaced by `document_xml`."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(base or make_docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in source.infolist():
            data = document_xml if info.filename == "word/document.xml" else source.read(info.filename)
            archive.writestr(info.filename, data, compress_type=compression)
    return out.getvalue()


def paragraphs_xml(paragraphs: list[str] | None = None, repeat: int = 1, text: str = "") -> bytes:
    """word/document.xml with the given paragraphs, or `repeat` copies of one paragraph of `text`."""
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in (paragraphs or [text] * repeat))
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    ).encode()


def make_zip_bomb_docx(paragraphs: int = 2560, paragraph_bytes: int = 8 * 1024) -> bytes:
    """A well-formed DOCX whose document.xml inflates to paragraphs x paragraph_bytes of text (the
    default: a ~55 KB file expanding to ~20 MB, about 380:1, as in the security review)."""
    return rebuild_docx(paragraphs_xml(repeat=paragraphs, text="A" * paragraph_bytes))
