"""Small synthetic files that are not readable records, one per kind of bad input."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

MINIMAL_PDF = b"""%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >> endobj
4 0 obj << /Length 62 >> stream
BT /F1 12 Tf 72 700 Td (In 2009 he was retained in school.) Tj ET
endstream endobj
5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj
trailer << /Root 1 0 R /Size 6 >>
%%EOF
"""


def truncated_pdf() -> bytes:
    return MINIMAL_PDF[:90]


def encrypted_pdf() -> bytes:
    """A PDF whose trailer says it is encrypted (a password-protected record)."""
    return MINIMAL_PDF.replace(
        b"trailer << /Root 1 0 R /Size 6 >>",
        b"6 0 obj << /Filter /Standard /V 2 /R 3 /Length 128 /P -3904 "
        b"/O <28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A> "
        b"/U <28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A> >> endobj\n"
        b"trailer << /Root 1 0 R /Size 7 /Encrypt 6 0 R /ID [<0123456789ABCDEF0123456789ABCDEF> <0123456789ABCDEF0123456789ABCDEF>] >>",
    )


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    b"</Types>"
)


def zip_not_docx() -> bytes:
    return _zip({"notes.txt": b"just a zip"})


def docx_zip_bomb(inflated_bytes: int = 400 * 1024 * 1024) -> bytes:
    """A .docx whose document part inflates to hundreds of MB from a few hundred KB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            block = b"\0" * (1024 * 1024)
            for _ in range(inflated_bytes // len(block)):
                part.write(block)
    return buffer.getvalue()


def random_binary() -> bytes:
    return bytes((i * 7919 + 13) % 256 for i in range(4096)) + b"\x00\x01\x02MZ"


def png_bomb() -> bytes:
    """A PNG header claiming 100,000 x 100,000 pixels: a decompression bomb."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b"")
