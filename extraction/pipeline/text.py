"""Read a record's text page by page, so every fact can be cited as "record, page N".

`check_record` runs inside the upload request: it decides a file's kind by its content (never its
name) and rejects what cannot or must not be read, with a message a paralegal can act on.
`iter_pages` streams a record one page at a time; `extract_text` collects it into an `ExtractedText`.

Reading order and layout: PDF text comes from pypdfium2 in content order (two-column pages read left
column first); lines wrapped inside a paragraph are joined, a wide gap between words on a line becomes a
tab (table cells), and a larger vertical gap becomes a blank line. DOCX bodies are read in document order,
paragraphs and tables interleaved, table rows one per line with cells joined by tabs. Plain text is kept
exactly. Pages with no usable text layer and image records are read by OCR (`ocr.py`, imported only then).

Nothing here imports Django, and nothing here logs or raises record text: the records are privileged.
"""

from __future__ import annotations

import codecs
import ctypes
import enum
import functools
import logging
import math
import re
import struct
import unicodedata
import warnings
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageOps

from .types import ExtractedText, PageText

if TYPE_CHECKING:
    from .ocr import OcrEngine

logger = logging.getLogger(__name__)

# Limits iter_pages applies on its own (check_record's limits come from settings, as arguments). They
# protect the worker process, so a record that reaches extraction without check_record cannot exhaust it.
# Reading a DOCX inflates only its XML (never its images), so this cap on the whole package only stops
# absurd archives; the XML cap bounds memory (lxml needs several times a part's size).
DEFAULT_MAX_UNZIPPED_BYTES = 1024 * 1024 * 1024
MAX_XML_PART_BYTES = 100 * 1024 * 1024
MAX_ZIP_MEMBERS = 10_000
MAX_COMPRESSION_RATIO = 200  # deflate tops out near 1,000:1 on zeros; real DOCX XML stays well under 100:1
MAX_RENDER_PIXELS = 25_000_000  # OCR images are scaled down to this (11 x 17 in at 300 dpi fits)

MAX_PAGE_CHARS = 100_000  # a dense real page has under 10,000; more is a text bomb, read only in part

OCR_MIN_CHARS = 10  # a text layer with fewer visible characters is as good as none
OCR_FEW_CHARS = 200  # ...and with fewer than this, over a page mostly covered by images, it is a scan
OCR_IMAGE_COVER = 0.5  # (a fax header or a stamped Bates number over a scanned image)
OCR_DEFAULT_DPI = 300

_READ_CHUNK = 1 << 20


class RecordKind(enum.StrEnum):
    """What a record is, decided from its content."""

    PDF = "pdf"
    DOCX = "docx"
    TEXT = "text"
    IMAGE = "image"


class UnreadableRecord(Exception):
    """A record that cannot be read; `.message` tells a person what to do, `.reason` is a slug for logs."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason  # never record text: safe to log


def _mb(n: int) -> str:
    mib = n / 1_048_576  # binary megabytes, as the upload limits are set
    return f"{mib:.0f} MB" if mib >= 10 else f"{mib:.1f} MB"


_ACCEPTED = (
    "Upload a PDF, a Word document (.docx), a plain-text file (.txt) or a scan or photo (PNG, JPEG or TIFF)."
)
MESSAGES = {
    "empty": (
        "This file is empty (0 bytes), so the upload or the export probably failed. Save the record "
        "again and upload the new copy."
    ),
    "not_a_record": "This file is not a kind of record we can read. " + _ACCEPTED,
    "program": "This file is a program, not a record. Check that you picked the right file. " + _ACCEPTED,
    "pdf_encrypted": (
        "This PDF is password-protected. Remove the password (or ask the sender for an unprotected "
        "copy) and upload it again."
    ),
    "pdf_damaged": (
        "This PDF is damaged or incomplete and cannot be opened. Download or export it again (an "
        "interrupted download often causes this) and upload the new copy."
    ),
    "pdf_too_complex": "This PDF's pages are built in a way that would take the reader far too long (a sign of a "
    "damaged or hostile file). Print it to a new PDF, or ask the sender for another copy, and upload that file.",
    "pdf_no_pages": ("This PDF has no pages. Export it again from the source and upload the new copy."),
    "pdf_xfa": (
        "This PDF is a dynamic (XFA) form that only Adobe Reader can display. Open it in Adobe "
        "Reader, print it to PDF, and upload that PDF."
    ),
    "doc_legacy": (
        "This is an old-format Word document (.doc). Open it in Word, save it as .docx (File > Save "
        "As) or as PDF, and upload that file."
    ),
    "office_encrypted": (
        "This Office document is password-protected. Open it, remove the password (File > Info > "
        "Protect Document > Encrypt with Password), save it, and upload it again, or ask the sender "
        "for an unprotected copy."
    ),
    "office_legacy": (
        "This is an older Microsoft Office file (such as .xls, .ppt or an Outlook .msg), not a Word "
        "document. Save or print it as PDF and upload the PDF."
    ),
    "rtf": (
        "This is a Rich Text (.rtf) file. Open it in Word, save it as .docx or PDF, and upload that file."
    ),
    "heic": (
        "This is an iPhone (HEIC) photo, which we cannot read. Export or share it as JPEG or PDF and "
        "upload that file."
    ),
    "xlsx": (
        "This is an Excel spreadsheet, not a Word document. Save or print it as PDF and upload the PDF."
    ),
    "pptx": (
        "This is a PowerPoint presentation, not a Word document. Save or print it as PDF and upload the PDF."
    ),
    "odt": (
        "This is an OpenDocument (LibreOffice) file. Open it, save it as .docx or PDF, and upload that file."
    ),
    "zip": (
        "This is a ZIP archive, not a Word document. Unzip it and upload the records inside one at a time."
    ),
    "docx_template": (
        "This is a Word template (.dotx), not a document. Open it in Word, save it as a Word Document"
        " (.docx) or PDF, and upload that file."
    ),
    "docx_damaged": (
        "This Word file is damaged or incomplete (parts every .docx has are missing or unreadable). "
        "Open it in Word and save it again, or ask the sender for a new copy or a PDF."
    ),
    "docx_macros": (
        "This Word file contains macros, which we do not open for security reasons. Open it in Word, "
        "save it as a plain Word Document (.docx) or as PDF, and upload that file."
    ),
    "docx_doctype": (
        "This Word file contains XML declarations that Word never writes, so we did not open it for "
        "security reasons. Ask the sender for a PDF copy, or open it in Word, save it again and "
        "upload it."
    ),
    "docx_too_large": (
        "This Word file holds more text than we can read in one document. Split it into smaller "
        "documents (or save it as PDF) and upload those."
    ),
    "image_damaged": (
        "This image is damaged or incomplete and cannot be read. Scan or export it again and upload "
        "the new copy."
    ),
}


def _reject(reason: str, message: str | None = None) -> UnreadableRecord:
    return UnreadableRecord(message or MESSAGES[reason], reason=reason)


# --------------------------------------------------------------------------------------------------
# Deciding the kind and checking a record
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Inspection:
    kind: RecordKind
    encoding: str | None = None  # plain text only


def check_record(path: str | Path, *, max_bytes: int, max_pages: int, max_unzipped_bytes: int) -> RecordKind:
    """Return the record's kind, judged by its content; raise UnreadableRecord if it must not be read.

    Fast enough for the upload request: reads headers, the PDF cross-reference table and DOCX XML parts,
    but renders nothing and never loads a large file whole.
    """
    return _inspect(
        Path(path), max_bytes=max_bytes, max_pages=max_pages, max_unzipped_bytes=max_unzipped_bytes
    ).kind


def _inspect(
    path: Path, *, max_bytes: int | None, max_pages: int | None, max_unzipped_bytes: int
) -> _Inspection:
    size = path.stat().st_size
    if size == 0:
        raise _reject("empty")
    if max_bytes is not None and size > max_bytes:
        raise _reject(
            "too_large",
            f"This file is {_mb(size)}, over the {_mb(max_bytes)} limit. Split it into smaller files "
            "(for example by date range) or save it with smaller images, then upload the parts.",
        )
    with path.open("rb") as f:
        head = f.read(64 * 1024)

    if _looks_like_pdf(head):
        _check_pdf(path, max_pages)
        return _Inspection(RecordKind.PDF)
    if head.startswith(b"PK\x03\x04"):
        _check_docx(path, max_unzipped_bytes)
        return _Inspection(RecordKind.DOCX)
    if head.startswith((b"PK\x05\x06", b"PK\x07\x08")):
        raise _reject("zip")
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise _reject(_ole_reason(path, head))
    if head.startswith(b"{\\rtf"):
        raise _reject("rtf")
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftyphevc", b"ftypmsf1"):
        raise _reject("heic")
    if _looks_like_program(head):
        raise _reject("program")
    if _looks_like_image(head):
        _check_image(path, max_pages)
        return _Inspection(RecordKind.IMAGE)
    encoding = _text_encoding(path, head)
    if max_pages is not None:
        pages = sum(chunk.count("\f") for chunk in _iter_decoded(path, encoding)) + 1
        if pages > max_pages:
            raise _reject("too_many_pages", _too_many_pages(pages, max_pages))
    return _Inspection(RecordKind.TEXT, encoding)


def _looks_like_pdf(head: bytes) -> bool:
    """A PDF header at the start, or after up to 1 KB of binary junk or blank space (readers allow both)."""
    at = head.find(b"%PDF-", 0, 1024)
    if at < 0:
        return False
    prefix = head[:at]
    return not prefix.strip() or any(b < 9 or b > 126 for b in prefix)  # not a text note quoting "%PDF-"


def _too_many_pages(pages: int, max_pages: int) -> str:
    return (
        f"This file has {pages:,} pages, over the {max_pages:,} page limit. Split it into parts of at most "
        f"{max_pages:,} pages and upload each part."
    )


def _check_pdf(path: Path, max_pages: int | None) -> None:
    pdf = _open_pdf(path)
    try:
        if pdf.get_formtype() == pdfium_c.FORMTYPE_XFA_FULL:
            raise _reject("pdf_xfa")
        pages = len(pdf)
        if max_pages is not None and pages > max_pages:
            raise _reject("too_many_pages", _too_many_pages(pages, max_pages))
    finally:
        pdf.close()
    _check_form_fan_out(path)


MAX_FORM_DRAWS = 10_000  # a real page draws a logo or a header form a few times, not thousands
_DRAW = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s+Do\b")


_OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm\b[^>]*>>\s*stream\r?\n")
FORM_SCAN_MAX_BYTES = 64 * 1024 * 1024  # above this, skip the shortcut and always measure


def _may_hold_forms(path: Path) -> bool:
    """False only when neither the file's bytes nor its compressed object streams mention a form XObject:
    most PDFs, which then skip the slower parse below. Anything unclear counts as "may"."""
    if path.stat().st_size > FORM_SCAN_MAX_BYTES:
        return True
    data = path.read_bytes()
    if b"/Form" in data:
        return True
    for match in _OBJECT_STREAM.finditer(data):
        end = data.find(b"endstream", match.end())
        if end < 0:
            return True
        try:
            inflated = zlib.decompressobj().decompress(data[match.end():end], FORM_SCAN_MAX_BYTES)
        except zlib.error:
            return True  # not Flate, or damaged: let the full check decide
        if b"/Form" in inflated:
            return True
    return False


def _check_form_fan_out(path: Path) -> None:
    """Refuse PDFs whose form XObjects draw each other in a loop or in an exploding tree.

    pdfium expands such a page completely when it loads it (doubling time and memory per level), which no
    limit inside the call can stop; so the drawing graph is measured first, without loading any page."""
    if not _may_hold_forms(path):
        return  # (pypdf is imported only for a PDF that needs the parse: most never do)
    import pypdf
    from pypdf.generic import IndirectObject

    try:
        reader = pypdf.PdfReader(str(path), strict=False)
        pages = list(reader.pages)
    except Exception:  # pypdf cannot parse it: pdfium decides, as before
        return
    memo: dict[int, int] = {}
    active: set[int] = set()

    def xobjects(holder) -> dict:
        try:
            resources = holder.get("/Resources")
            resources = resources.get_object() if resources is not None else None
            found = resources.get("/XObject") if resources is not None else None
            return found.get_object() if found is not None else {}
        except Exception:
            return {}

    def draws(reference, inherited: dict) -> int:
        key = reference.idnum if isinstance(reference, IndirectObject) else id(reference)
        if key in memo:
            return memo[key]
        if key in active:
            raise _reject("pdf_too_complex")
        form = reference.get_object()
        if form.get("/Subtype") != "/Form":
            return 1
        active.add(key)
        try:
            own = xobjects(form)
            total = 1
            for name in _DRAW.findall(form.get_data() or b""):
                key_name = "/" + name.decode("latin-1")
                # Like pdfium: a name the form's own resources lack is looked up in the page's.
                target = own.get(key_name) if key_name in own else inherited.get(key_name)
                if target is not None:
                    total += draws(target, inherited)
                if total > MAX_FORM_DRAWS:
                    raise _reject("pdf_too_complex")
        except UnreadableRecord:
            raise
        except Exception:
            total = 1
        finally:
            active.discard(key)
        memo[key] = total
        return total

    for page in pages:
        resources = xobjects(page)
        for reference in resources.values():
            draws(reference, resources)


def _open_pdf(path: Path) -> pdfium.PdfDocument:
    """Open a PDF (pdfium reads it from disk, not into memory); its failures become UnreadableRecord."""
    try:
        return pdfium.PdfDocument(path)
    except pdfium.PdfiumError as error:
        if error.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise _reject("pdf_encrypted") from None
        if error.err_code == pdfium_c.FPDF_ERR_SUCCESS:  # it opened, but has no pages
            raise _reject("pdf_no_pages") from None
        raise _reject("pdf_damaged") from None


def _ole_reason(path: Path, head: bytes) -> str:
    """Tell an old Word .doc from a password-protected .docx (both OLE containers) or other Office file."""
    # Directory entries hold UTF-16 stream names; the first directory sector is named in the header, and
    # small files keep the whole directory near the start, so these reads settle nearly every case.
    names = head
    try:
        sector_size = 1 << int.from_bytes(head[30:32], "little")
        first_dir = int.from_bytes(head[48:52], "little")
        with path.open("rb") as f:
            f.seek((first_dir + 1) * sector_size)
            names += f.read(sector_size * 8)
    except (OSError, ValueError, OverflowError):
        pass
    if "EncryptedPackage".encode("utf-16-le") in names:
        return "office_encrypted"
    if "WordDocument".encode("utf-16-le") in names:
        return "doc_legacy"
    return "office_legacy"


def _looks_like_program(head: bytes) -> bool:
    # (A note starting "MZ" is text: a Windows program has NUL bytes right after its signature.)
    return (head.startswith(b"MZ") and b"\x00" in head[:64]) or head.startswith(
        (b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa\xcf")
    )


def _looks_like_image(head: bytes) -> bool:
    return (
        head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF87a", b"GIF89a"))
        or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
        or (head[:2] == b"BM" and head[6:10] == b"\x00\x00\x00\x00")  # not a note starting "BMI: 24"
    )


# ---- DOCX ----------------------------------------------------------------------------------------

_CT_TEMPLATE = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_DOCTYPE_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")


def _check_docx(path: Path, max_unzipped_bytes: int) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise _reject("zip_bomb", _zip_bomb_message(max_unzipped_bytes))
            names = {m.filename for m in members}
            if "mimetype" in names and _read_part(zf, "mimetype").startswith(b"application/vnd.oasis.opendocument"):
                raise _reject("odt")
            total = 0
            for member in members:
                if member.compress_size > _deflate_bound(member.file_size):
                    raise _reject("docx_damaged")  # more data than its declared size: a lying header
                total += member.file_size
                ratio = member.file_size / max(member.compress_size, 1)
                if total > max_unzipped_bytes or (
                    member.file_size > 1_000_000 and ratio > MAX_COMPRESSION_RATIO
                ):
                    raise _reject("zip_bomb", _zip_bomb_message(max_unzipped_bytes))
                if (
                    member.filename.lower().endswith((".xml", ".rels"))
                    and member.file_size > MAX_XML_PART_BYTES
                ):
                    raise _reject("docx_too_large")
            wordish = any(name.startswith("word/") for name in names)
            if "[Content_Types].xml" not in names:
                raise _reject("docx_damaged" if wordish else "zip")
            if any(m.filename.lower().endswith("vbaproject.bin") for m in members):
                raise _reject("docx_macros")
            # Word never writes a DOCTYPE; one in a part is an XML-entity attack (XXE, "billion laughs") or
            # junk. python-docx's parser does not resolve entities (resolve_entities=False), but the part
            # never reaches it: the check is ours and does not depend on a library default.
            for member in members:
                if member.filename.lower().endswith((".xml", ".rels")):
                    _check_xml_member(zf, member)
            content_types = _safe_xml(_read_part(zf, "[Content_Types].xml"))
            main_type = _main_content_type(content_types)
            all_types = " ".join(el.get("ContentType", "") for el in content_types.iter()).lower()
            if "macroenabled" in all_types or "vbaproject" in all_types:
                raise _reject("docx_macros")
            if main_type is None:
                if "spreadsheetml" in all_types:
                    raise _reject("xlsx")
                if "presentationml" in all_types:
                    raise _reject("pptx")
                raise _reject("docx_damaged" if wordish else "zip")
            part_name, content_type = main_type
            if content_type == _CT_TEMPLATE:
                raise _reject("docx_template")
            if part_name not in names:
                raise _reject("docx_damaged")
    except _ZIP_ERRORS:
        raise _reject("docx_damaged") from None


# A damaged or odd archive: bad structure, bad deflate data, an encrypted or unsupported member, bad XML
# (lxml's XMLSyntaxError is a SyntaxError).
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OSError,
    KeyError,
    ValueError,
    SyntaxError,
    NotImplementedError,
    RuntimeError,
)


def _zip_bomb_message(max_unzipped_bytes: int) -> str:
    return (
        f"This Word file expands to more than {_mb(max_unzipped_bytes)} when opened, far more than a real "
        "document, so it may be damaged or malicious. Ask the sender for a PDF copy instead."
    )


def _check_xml_member(zf: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Reject a part carrying a DOCTYPE or ENTITY declaration; reading it whole also verifies its CRC."""
    with zf.open(member) as stream:
        first = stream.read(_READ_CHUNK)
        if first.startswith((b"\xff\xfe\x00\x00", b"<\x00\x00\x00")):
            markers = tuple(m.decode().encode("utf-32-le") for m in _DOCTYPE_MARKERS)
        elif first.startswith((b"\x00\x00\xfe\xff", b"\x00\x00\x00<")):
            markers = tuple(m.decode().encode("utf-32-be") for m in _DOCTYPE_MARKERS)
        elif first.startswith((b"\xff\xfe", b"<\x00")):
            markers = tuple(m.decode().encode("utf-16-le") for m in _DOCTYPE_MARKERS)
        elif first.startswith((b"\xfe\xff", b"\x00<")):
            markers = tuple(m.decode().encode("utf-16-be") for m in _DOCTYPE_MARKERS)
        else:
            markers = _DOCTYPE_MARKERS
        from lxml import etree

        parser = etree.XMLPullParser(
            events=("end",), resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
        )
        tail = b""
        chunk = first
        while chunk:
            window = tail + chunk
            if any(marker in window for marker in markers):
                raise _reject("docx_doctype")
            tail = window[-32:]
            parser.feed(chunk)
            for _, element in parser.read_events():
                element.clear()
                while element.getprevious() is not None:
                    del element.getparent()[0]
            chunk = stream.read(_READ_CHUNK)
        root = parser.close()
        if root.getroottree().docinfo.internalDTD is not None:  # declared in an encoding the scan missed
            raise _reject("docx_doctype")


def _deflate_bound(size: int) -> int:
    """The most bytes an honest member of `size` bytes can take zipped (zlib's deflateBound, rounded up)."""
    return size + (size >> 10) + 64


def _read_part(zf: zipfile.ZipFile, name: str) -> bytes:
    """A member's bytes, inflating at most MAX_XML_PART_BYTES (zf.read() inflates all its data in one go)."""
    with zf.open(name) as stream:
        data = stream.read(MAX_XML_PART_BYTES + 1)
    if len(data) > MAX_XML_PART_BYTES:
        raise _reject("docx_too_large")
    return data


def _safe_xml(data: bytes):
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    return etree.fromstring(data, parser)


def _main_content_type(content_types) -> tuple[str, str] | None:
    """The (zip member name, content type) of the package's main document part, if it is a Word one."""
    for el in content_types:
        content_type = el.get("ContentType", "")
        if el.get("PartName") and "wordprocessingml" in content_type and content_type.endswith(".main+xml"):
            return el.get("PartName").lstrip("/"), content_type
    return None


# ---- Images --------------------------------------------------------------------------------------

_IMAGE_FORMATS = {"PNG", "JPEG", "MPO", "TIFF", "GIF", "BMP", "WEBP"}


def _open_image(path: Path) -> Image.Image:
    """Open an image lazily (header only), refusing decompression bombs; the caller closes it."""
    limit = Image.MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(path)
            _check_pixels(image.size, limit)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise _reject("image_too_large", _image_too_large_message(limit)) from None
    except (OSError, ValueError, SyntaxError, struct.error):
        raise _reject("image_damaged") from None
    if image.format not in _IMAGE_FORMATS:
        image.close()
        raise _reject("not_a_record")
    return image


def _check_pixels(size: tuple[int, int], limit: int | None) -> None:
    if limit and size[0] * size[1] > limit:
        raise Image.DecompressionBombError("too many pixels")


def _image_too_large_message(limit: int | None) -> str:
    millions = f"{(limit or 0) / 1_000_000:.0f} million"
    return (
        f"This image is too large to read safely (over {millions} pixels). Scan it again at 300 dpi, "
        "or save it as a PDF, and upload it again."
    )


def _frame_count(image: Image.Image) -> int:
    """Pages in an image file: a multi-page TIFF has several; a photo's extra frames are previews."""
    return getattr(image, "n_frames", 1) if image.format == "TIFF" else 1


def _check_image(path: Path, max_pages: int | None) -> None:
    image = _open_image(path)
    try:
        frames = _frame_count(image)
        if max_pages is not None and frames > max_pages:
            raise _reject("too_many_pages", _too_many_pages(frames, max_pages))
        if image.format == "JPEG":
            # Decoding at 1/8 scale reads the whole stream cheaply, so a truncated photo is caught now.
            image.draft("L", (max(1, image.width // 8), max(1, image.height // 8)))
            image.load()
        elif image.format == "PNG":
            image.verify()  # chunk CRCs: catches truncation and corruption without decoding pixels
        else:
            for index in range(min(frames, 1_000)):
                image.seek(index)
                _check_pixels(image.size, Image.MAX_IMAGE_PIXELS)
    except Image.DecompressionBombError:
        raise _reject("image_too_large", _image_too_large_message(Image.MAX_IMAGE_PIXELS)) from None
    except (OSError, ValueError, SyntaxError, EOFError, struct.error):
        raise _reject("image_damaged") from None
    finally:
        image.close()


# ---- Plain text ----------------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\f\v\x1a\x1b")


def _text_encoding(path: Path, head: bytes) -> str:
    """Return the encoding a plain-text record decodes with, or reject it as binary."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding if _decodes(path, encoding) else _reject_binary()
    if b"\x00" in head:
        # UTF-16 without a byte-order mark (some Windows exports): one NUL in every pair of bytes.
        even, odd = head[0::2], head[1::2]
        if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
            encoding = "utf-16-le"
        elif even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
            encoding = "utf-16-be"
        else:
            _reject_binary()
        if not _decodes(path, encoding):
            _reject_binary()
        return _check_text_sample(head[: len(head) // 2 * 2].decode(encoding, "replace"), encoding)
    if len(head) - len(head.translate(None, _CONTROL_BYTES)) > 0.05 * len(head):
        _reject_binary()
    if _decodes(path, "utf-8"):
        return "utf-8"
    # Not UTF-8: a Windows export. cp1252 leaves five bytes undefined; a file using them is read as Latin-1.
    return "cp1252" if _decodes(path, "cp1252") else "latin-1"


def _reject_binary() -> str:
    raise _reject("not_a_record")


def _check_text_sample(sample: str, encoding: str) -> str:
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if "\x00" in sample or controls > 0.05 * max(len(sample), 1):
        _reject_binary()
    return encoding


def _decodes(path: Path, encoding: str) -> bool:
    try:
        for _ in _iter_decoded(path, encoding):
            pass
    except UnicodeDecodeError:
        return False
    return True


def _iter_decoded(path: Path, encoding: str) -> Iterator[str]:
    """Decode a file in 1 MB chunks, so a large text record is never all in memory."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    with path.open("rb") as f:
        while chunk := f.read(_READ_CHUNK):
            yield decoder.decode(chunk)
    yield decoder.decode(b"", final=True)


# --------------------------------------------------------------------------------------------------
# Reading pages
# --------------------------------------------------------------------------------------------------


def page_count(path: str | Path) -> int:
    """Return how many pages iter_pages yields: PDF pages, image frames, DOCX hard pages, TXT feeds + 1."""
    path = Path(path)
    found = _inspect(path, max_bytes=None, max_pages=None, max_unzipped_bytes=DEFAULT_MAX_UNZIPPED_BYTES)
    if found.kind is RecordKind.PDF:
        pdf = _open_pdf(path)
        try:
            return len(pdf)
        finally:
            pdf.close()
    if found.kind is RecordKind.IMAGE:
        with _open_image(path) as image:
            return _frame_count(image)
    if found.kind is RecordKind.TEXT:
        return sum(chunk.count("\f") for chunk in _iter_decoded(path, found.encoding or "utf-8")) + 1
    return sum(1 for _ in _docx_pages(path))


def iter_pages(path: str | Path, *, ocr: bool = True, ocr_dpi: int = OCR_DEFAULT_DPI) -> Iterator[PageText]:
    """Yield the record's pages in order, one at a time (a long PDF is never all in memory).

    Raises UnreadableRecord (at the first `next()`) for a record check_record would refuse on content
    grounds. With `ocr=False`, pages that would need OCR are yielded with whatever text layer they have.
    """
    path = Path(path)
    found = _inspect(path, max_bytes=None, max_pages=None, max_unzipped_bytes=DEFAULT_MAX_UNZIPPED_BYTES)
    if found.kind is RecordKind.PDF:
        yield from _pdf_pages(path, ocr=ocr, ocr_dpi=ocr_dpi)
    elif found.kind is RecordKind.DOCX:
        for number, text in enumerate(_docx_pages(path), start=1):
            yield PageText(number, text)
    elif found.kind is RecordKind.TEXT:
        for number, text in enumerate(_text_pages(path, found.encoding or "utf-8"), start=1):
            yield PageText(number, text)
    else:
        yield from _image_pages(path, ocr=ocr, ocr_dpi=ocr_dpi)


def extract_text(
    path: str | Path,
    *,
    ocr: bool = True,
    on_page: Callable[[int, int], None] | None = None,
    ocr_dpi: int = OCR_DEFAULT_DPI,
) -> ExtractedText:
    """Return the whole record as pages; on_page(done, total) is called after each page for progress."""
    total = page_count(path) if on_page is not None else 0
    pages: list[str] = []
    ocr_pages: set[int] = set()
    for page in iter_pages(path, ocr=ocr, ocr_dpi=ocr_dpi):
        pages.append(page.text)
        if page.ocr_used:
            ocr_pages.add(page.number)
        if on_page is not None:
            on_page(page.number, max(total, page.number))
    return ExtractedText(path=str(path), pages=tuple(pages), ocr_pages=frozenset(ocr_pages))


class _LazyOcr:
    """One OCR engine per record, started only if a page needs it (most text PDFs never do)."""

    def __init__(self, dpi: int) -> None:
        self.dpi = dpi
        self._engine: OcrEngine | None = None

    def read(self, image: Image.Image, *, dpi: int | None = None) -> tuple[str, float]:
        if self._engine is None:
            from .ocr import OcrEngine  # tesserocr loads only when a page needs OCR

            self._engine = OcrEngine()
        return self._engine.read(image, dpi=dpi or self.dpi)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()
            self._engine = None


# ---- Plain text ----------------------------------------------------------------------------------


def _text_pages(path: Path, encoding: str) -> Iterator[str]:
    """Yield the text between form feeds, exactly as written (a byte-order mark is not text)."""
    pending: list[str] = []
    for chunk in _iter_decoded(path, encoding):
        chunk = chunk.replace("\x00", "")  # a stray NUL cannot be stored (PostgreSQL text) or shown
        *done, rest = chunk.split("\f")
        for piece in done:
            pending.append(piece)
            yield "".join(pending)
            pending = []
        pending.append(rest)
    yield "".join(pending)


# ---- Images --------------------------------------------------------------------------------------


def _image_pages(path: Path, *, ocr: bool, ocr_dpi: int) -> Iterator[PageText]:
    reader = _LazyOcr(ocr_dpi)
    image = _open_image(path)
    try:
        for index in range(_frame_count(image)):
            if not ocr:
                yield PageText(index + 1, "")
                continue
            try:
                image.seek(index)
                _check_pixels(image.size, Image.MAX_IMAGE_PIXELS)
                gray = _to_gray(image, upright=index == 0)
            except Image.DecompressionBombError:
                raise _reject("image_too_large", _image_too_large_message(Image.MAX_IMAGE_PIXELS)) from None
            except (OSError, ValueError, SyntaxError, EOFError, struct.error):
                raise _reject("image_damaged") from None
            dpi = _image_dpi(image)
            pixels = gray.width * gray.height
            if pixels > MAX_RENDER_PIXELS:  # Tesseract keeps several copies of the page: bound them
                scale = math.sqrt(MAX_RENDER_PIXELS / pixels)
                smaller = gray.resize(
                    (int(gray.width * scale), int(gray.height * scale)), Image.Resampling.BOX
                )
                gray.close()
                gray, dpi = smaller, round(dpi * scale) if dpi else None
            text, confidence = reader.read(gray, dpi=dpi)
            gray.close()
            yield PageText(index + 1, text, ocr_used=True, ocr_confidence=confidence)
    finally:
        image.close()
        reader.close()


def _to_gray(image: Image.Image, *, upright: bool) -> Image.Image:
    """A greyscale copy for OCR: turned as the camera recorded, transparency laid over white paper."""
    frame = ImageOps.exif_transpose(image) if upright else image  # phone photos are often stored sideways
    if frame.mode in ("RGBA", "LA", "PA") or "transparency" in frame.info:
        rgba = frame.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, "white")
        paper.alpha_composite(rgba)
        return paper.convert("L")
    return frame.convert("L")


def _image_dpi(image: Image.Image) -> int | None:
    """The scan resolution the file records, if believable (Tesseract sizes its expectations by it)."""
    try:
        dpi = round(float(image.info.get("dpi", (0, 0))[0]))
    except (TypeError, ValueError, IndexError):
        return None
    return dpi if 70 <= dpi <= 1200 else None


# ---- PDF -----------------------------------------------------------------------------------------


def _pdf_pages(path: Path, *, ocr: bool, ocr_dpi: int) -> Iterator[PageText]:
    """The pages of a PDF that `_inspect` has checked (form fan-out included: not measured twice)."""
    pdf = _open_pdf(path)
    reader = _LazyOcr(ocr_dpi)
    loaded = False
    try:
        for index in range(len(pdf)):
            number = index + 1
            try:
                page = pdf[index]
            except pdfium.PdfiumError:
                logger.warning("extraction.pdf_page_unreadable", extra={"page": number})
                yield PageText(number, "")
                continue
            loaded = True
            try:
                textpage = page.get_textpage()
                try:
                    text, visible = _pdf_page_text(textpage)
                finally:
                    textpage.close()
                if ocr and _needs_ocr(page, text, visible):
                    image = _render_gray(page, ocr_dpi)
                    try:
                        ocr_text, confidence = reader.read(image)
                    finally:
                        image.close()
                    yield PageText(number, ocr_text, ocr_used=True, ocr_confidence=confidence)
                else:
                    yield PageText(number, text)
            finally:
                page.close()
        if not loaded:
            raise _reject("pdf_damaged")
    finally:
        reader.close()
        pdf.close()


def _needs_ocr(page: pdfium.PdfPage, text: str, visible: int) -> bool:
    """True for a page whose text layer is missing, a few stray characters over a scan, or unreadable."""
    if visible < OCR_MIN_CHARS:
        return pdfium_c.FPDFPage_CountObjects(page.raw) > 0  # a page with nothing drawn has nothing to read
    if _garbled(text):
        return True
    if visible < OCR_FEW_CHARS:
        return _image_cover(page) >= OCR_IMAGE_COVER
    return False


def _garbled(text: str) -> bool:
    """A text layer of replacement, private-use or control characters (fonts without a Unicode map)."""
    sample = _SPACES.sub("", text[:4000])  # re's \s is str.isspace()
    if not sample:
        return False
    bad = len(_ASCII_CONTROLS.findall(sample))
    if not sample.isascii():
        bad += sum(
            1 for ch in _NON_ASCII.findall(sample) if ch == "\ufffd" or unicodedata.category(ch) in ("Co", "Cc", "Cn")
        )
    return bad > 0.3 * len(sample)


_SPACES = re.compile(r"\s+")
_ASCII_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _image_cover(page: pdfium.PdfPage) -> float:
    """The share of the page covered by its largest image (a scan fills most of its page)."""
    width, height = page.get_size()
    area = max(width * height, 1.0)
    best = 0.0
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3):
        left, bottom, right, top = obj.get_bounds()
        best = max(best, abs(right - left) * abs(top - bottom) / area)
    return min(best, 1.0)


def _render_gray(page: pdfium.PdfPage, dpi: int) -> Image.Image:
    width, height = page.get_size()
    scale = dpi / 72
    if width * height * scale * scale > MAX_RENDER_PIXELS:  # a poster-sized page must not exhaust memory
        scale = math.sqrt(MAX_RENDER_PIXELS / max(width * height, 1.0))
    bitmap = page.render(scale=scale, grayscale=True, may_draw_forms=True)
    try:
        return bitmap.to_pil().copy()  # copied: the bitmap's buffer is freed below
    finally:
        bitmap.close()


# Layout constants, in multiples of the font size unless noted.
_TAB_GAP = 1.0  # a gap between words wider than this is a column gap (table cell), not a space
_SAME_LINE = 0.3  # baselines closer than this are one visual line
_BLANK_PITCH = 1.2  # a line pitch over this many normal pitches leaves a blank line
_ALIGN_TOL = 3.0  # points: left edges this close are aligned
_COLUMN_WINDOW = 36.0  # points: lines whose left edges are this close share a right margin estimate
# A word that starts a list item: a bullet, "1." "(2)" "a)" "(iv)"; not "A.", an initial ("D. Fairbanks").
_LIST_MARKER = re.compile(r"^(?:[•·▪■●◦‣∙*–—-]|\(?[0-9]{1,3}[.)]|\(?[a-z][.)]|\(?[A-Z]\)|\([ivxIVX]{1,4}\))$")
_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
                            "\ufb05": "st", "\ufb06": "st", "\xa0": " ", "\u2002": " ", "\u2003": " ",
                            "\u2009": " ", "\u202f": " "})  # fmt: skip


class _Word:
    __slots__ = ("text", "x0", "x1", "base", "size")

    def __init__(self, text: str, x0: float, x1: float, base: float, size: float) -> None:
        self.text, self.x0, self.x1, self.base, self.size = text, x0, x1, base, size


class _Line:
    __slots__ = ("words", "size", "base", "regular", "cells", "right")

    def __init__(self, words: list[_Word]) -> None:
        self.words = words
        self.right = 0.0  # the right margin of this line's column, set later
        self._measure()

    def _measure(self) -> None:
        words = self.words
        first = words[0]
        if len(words) == 1:
            self.size = max(round(first.size * 2) / 2, 1.0)
            self.base = first.base
            self.regular = True
            self.cells = [(first.x0, first.text)]
            return
        sizes = [round(w.size * 2) / 2 for w in words]
        common = sizes[0] if sizes.count(sizes[0]) == len(sizes) else Counter(sizes).most_common(1)[0][0]
        size = self.size = max(common, 1.0)
        base = self.base = first.base
        # Left to right on one baseline; rotated or vertical text is joined with plain spaces and left alone.
        tolerance = _SAME_LINE * size
        regular = True
        a = first
        for b in words[1:]:
            if not (b.x0 >= a.x0 and abs(b.base - base) <= tolerance):
                regular = False
                break
            a = b
        self.regular = regular
        if not regular:
            self.cells = [(first.x0, " ".join([w.text for w in words]))]
            return
        # Cells: (left edge, text). A wide gap starts a new cell; "Label:   value" is one field, not two.
        gap = _TAB_GAP * size
        cells = []
        x0, texts = first.x0, [first.text]
        a = first
        for b in words[1:]:
            if b.x0 - a.x1 > gap and not a.text.endswith(":"):
                cells.append((x0, " ".join(texts)))
                x0, texts = b.x0, [b.text]
            else:
                texts.append(b.text)
            a = b
        cells.append((x0, " ".join(texts)))
        self.cells = cells

    @property
    def tabbed(self) -> bool:
        return len(self.cells) > 1

    @property
    def text(self) -> str:
        return "\t".join(text for _, text in self.cells)

    def absorb(self, other: _Line) -> None:
        self.words.extend(other.words)
        self._measure()

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1


def _pdf_page_text(textpage: pdfium.PdfTextPage) -> tuple[str, int]:
    """Return a page's text laid out as lines, and how many visible characters its text layer has."""
    lines = _pdf_lines(textpage)
    visible = sum(len(w.text) for line in lines for w in line.words)
    if not lines:
        return "", 0
    return _layout(lines), visible


# A separator ends a word: line ends, blanks and controls (pdfium marks a line-ending hyphen with \x02),
# and the wide spaces; a soft hyphen (\xad) is only a line-break opportunity and stays inside the word.
_WORD_OR_BREAK = re.compile(r"[\r\n]|[^\x00-\x20\xa0\u2002\u2003\u2009\u202f\u3000\ufeff\ufffe\uffff]+")
_NOT_BMP_TEXT = re.compile(r"[\ud800-\udfff\U00010000-\U0010ffff]")


def _page_chars(textpage: pdfium.PdfTextPage, count: int) -> str:
    """The page's characters, one str character per pdfium character index.

    One FPDFText_GetText call reads them all; pdfium's text buffer matches its character list unless the
    page has control characters (left out of the buffer) or characters outside the BMP (two UTF-16 units),
    so then the characters are read one by one. A lone surrogate or an out-of-range code would make the
    text unstorable: it becomes U+FFFD.
    """
    raw = textpage.raw
    if count <= 0:
        return ""
    buffer = (ctypes.c_ushort * (count + 1))()
    written = pdfium_c.FPDFText_GetText(raw, 0, count, buffer)
    text = ctypes.string_at(buffer, 2 * max(written - 1, 0)).decode("utf-16-le", "surrogatepass")
    get_unicode = pdfium_c.FPDFText_GetUnicode
    if (
        len(text) == count
        and not _NOT_BMP_TEXT.search(text)
        and all(get_unicode(raw, i) == ord(text[i]) for i in {0, count // 2, count - 1})  # in step
    ):
        return text
    return "".join(
        chr(code) if code < 0xD800 or 0xDFFF < code < 0x110000 else "\ufffd"
        for code in (get_unicode(raw, i) for i in range(count))
    )


@functools.cache
def _char_geometry_calls() -> tuple[Callable[..., int], Callable[..., int], Callable[..., float]]:
    """FPDFText_GetCharBox, GetCharOrigin and GetFontSize, called with ready-made ctypes arguments.

    The bindings' declared argument types make ctypes convert every argument on every call, which costs
    more than pdfium's work on a character; these prototypes without declared arguments take the page
    handle as a ``c_void_p``, the index as an ``int`` and the outputs as ``c_void_p`` addresses of doubles.
    """
    def bare(function, restype):
        call = ctypes.CFUNCTYPE(restype)(ctypes.cast(function, ctypes.c_void_p).value)
        call.argtypes = None
        return call

    return (
        bare(pdfium_c.FPDFText_GetCharBox, ctypes.c_int),
        bare(pdfium_c.FPDFText_GetCharOrigin, ctypes.c_int),
        bare(pdfium_c.FPDFText_GetFontSize, ctypes.c_double),
    )


def _pdf_lines(textpage: pdfium.PdfTextPage) -> list[_Line]:
    """Group the page's characters, in content order, into words and lines (pdfium marks the line ends).

    The text comes in one call and is split into words with a regex; pdfium is asked for positions once
    per word, not per character: the first glyph gives the word's left edge, baseline and font size, and
    its right edge is the farther of its first and last glyphs' (in a left-to-right word the last).
    """
    raw = textpage.raw
    count = min(pdfium_c.FPDFText_CountChars(raw), MAX_PAGE_CHARS)
    chars = _page_chars(textpage, count)
    get_box, get_origin, get_size = _char_geometry_calls()
    handle = ctypes.c_void_p(ctypes.cast(raw, ctypes.c_void_p).value)
    out = (ctypes.c_double * 4)()  # left, right, bottom, top; the origin's x and y reuse the first two
    at = ctypes.addressof(out)
    box = (ctypes.c_void_p(at), ctypes.c_void_p(at + 8), ctypes.c_void_p(at + 16), ctypes.c_void_p(at + 24))
    origin = box[:2]

    lines: list[_Line] = []
    words: list[_Word] = []
    new_word = _Word
    ligatures = _LIGATURES
    for match in _WORD_OR_BREAK.finditer(chars):
        token = match.group()
        if token == "\n" or token == "\r":
            if words:
                lines.append(_Line(words))
                words = []
            continue
        start, end = match.span()
        if "\xad" in token:  # a soft hyphen has no glyph of its own here
            first = start + len(token) - len(token.lstrip("\xad"))
            last = start + len(token.rstrip("\xad")) - 1
            token = token.replace("\xad", "")
            if not token:
                continue
        else:
            first, last = start, end - 1
        if end < count and chars[end] == "\x02":  # pdfium's mark for a hyphen that ended a line
            token += "-"
        text = token if token.isascii() else token.translate(ligatures).strip()  # ASCII: nothing to map
        if not text:
            continue
        get_box(handle, first, *box)
        x0, x1 = out[0], out[1]
        get_origin(handle, first, *origin)
        base = out[1]
        size = get_size(handle, first)
        if last != first:
            get_box(handle, last, *box)
            if out[1] > x1:
                x1 = out[1]
        words.append(new_word(text, x0, x1, base, size))
    if words:
        lines.append(_Line(words))
    return _merge_same_baseline(lines)


def _merge_same_baseline(lines: list[_Line]) -> list[_Line]:
    """Join consecutive pdfium lines that sit on one baseline, left to right (cells drawn one by one)."""
    merged: list[_Line] = []
    for line in lines:
        last = merged[-1] if merged else None
        if (
            last is not None
            and last.regular
            and line.regular
            and abs(last.base - line.base) <= _SAME_LINE * min(last.size, line.size)
            and line.x0 >= last.x1
        ):
            last.absorb(line)
        else:
            merged.append(line)
    return merged


def _normal_pitches(lines: list[_Line]) -> dict[float, float]:
    """For each font size, the median distance between consecutive baselines: its usual line spacing."""
    seen: dict[float, list[float]] = {}
    for a, b in pairwise(lines):
        pitch = a.base - b.base
        if a.size == b.size and 0.8 * a.size < pitch < 2.5 * a.size:
            seen.setdefault(a.size, []).append(pitch)
    return {size: sorted(found)[len(found) // 2] for size, found in seen.items()}


def _set_column_rights(lines: list[_Line]) -> tuple[float, float]:
    """Estimate each line's right margin: the farthest right any plain line of its size and left edge reaches.

    Returns the page's text area (left, right). A margin seen on fewer than three lines is no evidence
    (two short lines of a signature would each look full), so such lines get the page's right edge.
    """
    regular = [line for line in lines if line.regular] or lines
    area = (min(line.x0 for line in regular), max(line.x1 for line in regular))
    groups: dict[float, list[_Line]] = {}
    for line in lines:
        if line.regular and not line.tabbed:
            groups.setdefault(line.size, []).append(line)
    for line in lines:
        line.right = area[1]
    for group in groups.values():
        group.sort(key=lambda ln: ln.x0)
        starts = [ln.x0 for ln in group]
        lo = 0
        for line in group:
            while starts[lo] < line.x0 - _COLUMN_WINDOW:
                lo += 1
            hi = lo
            best = line.x1
            while hi < len(group) and starts[hi] <= line.x0 + _COLUMN_WINDOW:
                best = max(best, group[hi].x1)
                hi += 1
            if hi - lo >= 3:
                line.right = best
    return area


def _layout(lines: list[_Line]) -> str:
    """Lay lines out as text: a paragraph's wrapped lines joined, a blank line where the page leaves a gap."""
    pitches = _normal_pitches(lines)
    area = _set_column_rights(lines)
    _align_table_rows(lines, pitches)
    out: list[str] = [lines[0].text]
    first_of_paragraph = True
    for prev, line in pairwise(lines):
        drop = prev.base - line.base
        normal = pitches.get(prev.size, 1.2 * prev.size)
        if _continues(prev, line, drop, normal, first_of_paragraph, area):
            out[-1] = _join_wrapped(out[-1], line.text)
            first_of_paragraph = False
            continue
        if prev.size != line.size:  # a heading and its text: judged by single spacing of the larger type
            normal = 1.2 * max(prev.size, line.size)
        if drop < -_SAME_LINE * line.size or drop > _BLANK_PITCH * normal:
            out.append("")  # a gap, or a jump up to the next column
        out.append(line.text)
        first_of_paragraph = True
    return "\n".join(out) + "\n"


def _align_table_rows(lines: list[_Line], pitches: dict[float, float]) -> None:
    """Give a table row that lacks some cells empty ones, so each cell stays under its column's heading."""
    start = 0
    while start < len(lines):
        end = start + 1
        if lines[start].tabbed:
            size = lines[start].size
            normal = pitches.get(size, 1.2 * size)
            while (
                end < len(lines)
                and lines[end].tabbed
                and lines[end].size == size
                and 0 < lines[end - 1].base - lines[end].base <= _BLANK_PITCH * normal
            ):
                end += 1
        rows = lines[start:end]
        start = end
        if len(rows) < 2:
            continue
        columns = [x0 for x0, _ in max(rows, key=lambda row: len(row.cells)).cells]
        tolerance = rows[0].size
        for row in rows:
            if len(row.cells) == len(columns):
                continue
            slots = [
                max((k for k, x in enumerate(columns) if x <= x0 + tolerance), default=-1)
                for x0, _ in row.cells
            ]
            if slots[0] < 0 or any(b <= a for a, b in pairwise(slots)):
                continue  # cells do not fall under distinct columns: leave the row as read
            filled = [(x, "") for x in columns]
            for slot, cell in zip(slots, row.cells, strict=True):
                filled[slot] = cell
            row.cells = filled


def _continues(
    prev: _Line, line: _Line, drop: float, normal: float, first_of_paragraph: bool, area: tuple[float, float]
) -> bool:
    """True when `line` continues the paragraph `prev` wrapped out of (as opposed to starting a new one)."""
    if not (prev.regular and line.regular) or prev.tabbed or line.tabbed:
        return False
    if prev.size != line.size or not (0 < drop <= 1.15 * normal):
        return False
    if _LIST_MARKER.match(line.words[0].text):
        return False
    first_word = line.words[0]
    word_width = 0.25 * prev.size + (first_word.x1 - first_word.x0)
    aligned = abs(line.x0 - prev.x0) <= _ALIGN_TOL
    if not aligned and abs((line.x0 + line.x1) - (prev.x0 + prev.x1)) <= 2 * _ALIGN_TOL:
        # Centred lines: wrapped only if the next word would not have fitted across the page's text area.
        return (prev.x1 - prev.x0) + word_width > area[1] - area[0]
    if not aligned and first_of_paragraph:
        indent = prev.x0 - line.x0
        aligned = _ALIGN_TOL < indent <= 4 * prev.size  # the paragraph's first line was indented
        if not aligned and len(prev.words) > 1 and _LIST_MARKER.match(prev.words[0].text):
            aligned = abs(line.x0 - prev.words[1].x0) <= _ALIGN_TOL  # hanging indent after a list marker
    if not aligned:
        return False
    # The line was wrapped if the next line's first word would not have fitted at its end.
    return prev.x1 + word_width > prev.right - 0.5


def _join_wrapped(text: str, more: str) -> str:
    if text.endswith("-") and len(text) > 1 and text[-2].isalpha() and more[:1].islower():
        return text + more  # a word hyphenated across the line break keeps its hyphen, loses the break
    return text + " " + more


# ---- DOCX ----------------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_SKIP = {  # deleted (tracked) text, properties, field codes, note marks, duplicate drawings
    _W + "del", _W + "moveFrom", _W + "pPr", _W + "rPr", _W + "instrText", _W + "delText",
    _W + "footnoteReference", _W + "endnoteReference", _W + "commentReference", _MC + "Fallback",
}  # fmt: skip
_CONTAINERS = {_W + "sdt", _W + "sdtContent", _W + "customXml", _W + "smartTag", _W + "ins", _W + "moveTo"}


@dataclass(slots=True)
class _Block:
    text: str
    spaced: bool  # a blank line follows it (paragraph spacing after, or a table); a run of unspaced
    # paragraphs (an address, a signature, a list of fields) reads as one block


class _DocxStyles:
    """Paragraph spacing and page-break-before as Word resolves them: direct, style chain, defaults."""

    def __init__(self, styles_element) -> None:
        self.after: dict[str, tuple[int | None, str | None, bool]] = {}
        self.default_style: str | None = None
        self.default_after = 0
        if styles_element is None:
            return
        defaults = styles_element.find(f"{_W}docDefaults/{_W}pPrDefault/{_W}pPr")
        if defaults is not None:
            self.default_after = _spacing_after(defaults) or 0
        for style in styles_element.iter(_W + "style"):
            if style.get(_W + "type") != "paragraph":
                continue
            style_id = style.get(_W + "styleId")
            ppr = style.find(_W + "pPr")
            based = style.find(_W + "basedOn")
            page_break = ppr is not None and _on(ppr.find(_W + "pageBreakBefore"))
            self.after[style_id] = (
                _spacing_after(ppr) if ppr is not None else None,
                based.get(_W + "val") if based is not None else None,
                page_break,
            )
            if style.get(_W + "default") in ("1", "true"):
                self.default_style = style_id

    def resolve(self, ppr) -> tuple[int, bool]:
        """(spacing after in twentieths of a point, page break before) for a paragraph's properties."""
        direct_after = _spacing_after(ppr) if ppr is not None else None
        page_break = ppr is not None and _on(ppr.find(_W + "pageBreakBefore"))
        explicit_break = ppr is not None and ppr.find(_W + "pageBreakBefore") is not None
        style_el = ppr.find(_W + "pStyle") if ppr is not None else None
        style_id = style_el.get(_W + "val") if style_el is not None else self.default_style
        after = direct_after
        seen = set()
        while style_id and style_id not in seen and style_id in self.after:
            seen.add(style_id)
            style_after, based_on, style_break = self.after[style_id]
            if after is None:
                after = style_after
            if not explicit_break and style_break:
                page_break = explicit_break = True
            style_id = based_on
        return (self.default_after if after is None else after), page_break


def _on(el) -> bool:
    return el is not None and el.get(_W + "val", "true") not in ("0", "false", "off")


def _spacing_after(ppr) -> int | None:
    spacing = ppr.find(_W + "spacing")
    if spacing is None:
        return None
    if _on(spacing.find(_W + "afterAutospacing")) or spacing.get(_W + "afterAutospacing") in ("1", "true"):
        return 280  # "auto" spacing: Word uses 14 pt
    value = spacing.get(_W + "after") or spacing.get(_W + "afterLines")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _docx_pages(path: Path) -> Iterator[str]:
    """Yield a DOCX body as pages of text, in document order.

    Word has no fixed pages: where a page ends depends on fonts and printer. We split only at hard page
    breaks (a page-break character, "page break before", or a section that starts on a new page), which
    begin a new page in every rendering, so "page N" points at a real boundary the author made (such as the
    next letter in a packet). We ignore `w:lastRenderedPageBreak`: it is a cache of one machine's last
    layout, missing from generated files and stale after any edit. Long pages can still run over onto more
    printed pages. Headers, footers, comments and deleted (tracked) text are left out.
    """
    document, styles = _docx_xml(path)
    body = document.find(_W + "body")
    if body is None:
        raise _reject("docx_damaged")
    reader = _DocxReader(_DocxStyles(styles))
    reader.section_breaks = _section_break_paragraphs(body)
    yield from reader.pages(body)


def _docx_xml(path: Path):
    """Parse the main document part and its styles with python-docx's XML parser (entities never resolved).

    Only these two parts are inflated: `docx.Document()` would load every part, images included, into
    memory, and a record of embedded scans can hold hundreds of MB of them.
    """
    from docx.oxml.parser import parse_xml

    try:
        with zipfile.ZipFile(path) as zf:
            main = _main_content_type(_safe_xml(_read_part(zf, "[Content_Types].xml")))
            if main is None:
                raise _reject("docx_damaged")
            part = main[0]
            document = parse_xml(_read_part(zf, part))
            folder, _, name = part.rpartition("/")
            styles_part = f"{folder}/styles.xml" if folder else "styles.xml"
            rels_name = f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"
            if rels_name in zf.namelist():
                for rel in _safe_xml(_read_part(zf, rels_name)):
                    if rel.get("Type", "").endswith("/styles") and rel.get("TargetMode") != "External":
                        target = rel.get("Target", "")
                        styles_part = (
                            target.lstrip("/") if target.startswith("/") else f"{folder}/{target}".lstrip("/")
                        )
            styles = parse_xml(_read_part(zf, styles_part)) if styles_part in zf.namelist() else None
    except _ZIP_ERRORS:
        raise _reject("docx_damaged") from None
    return document, styles


def _section_break_paragraphs(body) -> set:
    """Paragraphs that end a section whose successor starts on a new page (the usual, default kind)."""
    paragraph_sections = [
        ppr.getparent() for ppr in body.iter(_W + "pPr") if ppr.find(_W + "sectPr") is not None
    ]
    all_sections = [el for el in body.iter(_W + "sectPr")]
    breaks = set()
    for index, paragraph in enumerate(paragraph_sections):
        following = all_sections[index + 1] if index + 1 < len(all_sections) else None
        kind = following.find(_W + "type") if following is not None else None
        if kind is None or kind.get(_W + "val") not in ("continuous", "nextColumn"):
            breaks.add(paragraph)
    return breaks


class _DocxReader:
    def __init__(self, styles: _DocxStyles) -> None:
        self.styles = styles
        self.section_breaks: set = set()
        self.page: list[_Block] = []
        self.done: list[str] = []

    def pages(self, body) -> Iterator[str]:
        self._blocks(body)
        self.done.append(_render_blocks(self.page))
        yield from self.done

    def _new_page(self) -> None:
        self.done.append(_render_blocks(self.page))
        self.page = []

    def _blocks(self, parent) -> None:
        for child in parent:
            tag = child.tag
            if tag == _W + "p":
                self._paragraph(child)
            elif tag == _W + "tbl":
                rows = _table_rows(child)
                if rows:
                    self.page.append(_Block("\n".join(rows), spaced=True))
            elif tag in _CONTAINERS:
                self._blocks(child)

    def _paragraph(self, p) -> None:
        after, break_before = self.styles.resolve(p.find(_W + "pPr"))
        if break_before and self.page:
            self._new_page()
        parts, boxes = _paragraph_parts(p, page_breaks=True)
        for index, part in enumerate(parts):
            if index:
                self._new_page()
            part = "\n".join(line.strip(" \t") for line in part.split("\n"))
            self.page.append(_Block(part, spaced=after > 0))
        for box in boxes:  # text boxes anchored in the paragraph, after it
            for box_part in box:
                self.page.append(_Block(box_part, spaced=True))
        if p in self.section_breaks:
            self._new_page()


def _paragraph_parts(p, *, page_breaks: bool) -> tuple[list[str], list[list[str]]]:
    """A paragraph's text, split at hard page breaks, and the text of any text boxes inside it."""
    parts: list[list[str]] = [[]]
    boxes: list[list[str]] = []

    def walk(el) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag == _W + "t":
                parts[-1].append(child.text or "")
            elif tag in (_W + "tab", _W + "ptab"):
                parts[-1].append("\t")
            elif tag == _W + "br":
                if child.get(_W + "type") == "page" and page_breaks:
                    parts.append([])
                else:
                    parts[-1].append("\n")
            elif tag == _W + "cr":
                parts[-1].append("\n")
            elif tag == _W + "noBreakHyphen":
                parts[-1].append("-")
            elif tag == _W + "txbxContent":
                box_lines = []
                for inner in child.iter(_W + "p"):
                    box_lines.extend(t for t in _paragraph_parts(inner, page_breaks=False)[0] if t.strip())
                if box_lines:
                    boxes.append(box_lines)
            elif tag != _W + "p":
                walk(child)

    walk(p)
    return ["".join(chunks) for chunks in parts], boxes


def _table_rows(tbl) -> list[str]:
    """A table's rows, one line each, cells joined by tabs; a vertically merged cell is given once."""
    rows = []
    for tr in _children(tbl, _W + "tr"):
        cells = []
        for tc in _children(tr, _W + "tc"):
            merge = tc.find(f"{_W}tcPr/{_W}vMerge")
            if merge is not None and merge.get(_W + "val", "continue") == "continue":
                cells.append("")  # continues the cell above, whose text was given there
                continue
            cells.append(_cell_text(tc))
        if any(cells):
            rows.append("\t".join(cells).rstrip(" "))
    return rows


def _children(parent, tag: str) -> Iterator:
    """Direct children with `tag`, looking through content controls and custom XML wrappers."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag in _CONTAINERS:
            yield from _children(child, tag)


def _cell_text(tc) -> str:
    """A cell on one line: its paragraphs joined by spaces, a nested table's rows by semicolons."""
    pieces = []
    for child in _iter_blocks(tc):
        if child.tag == _W + "p":
            parts, boxes = _paragraph_parts(child, page_breaks=False)
            pieces.extend(parts)
            pieces.extend(" ".join(box) for box in boxes)
        else:
            pieces.append("; ".join(row.replace("\t", " ") for row in _table_rows(child)))
    return " ".join(" ".join(piece.split()) for piece in pieces if piece.strip())


def _iter_blocks(parent) -> Iterator:
    for child in parent:
        if child.tag in (_W + "p", _W + "tbl"):
            yield child
        elif child.tag in _CONTAINERS:
            yield from _iter_blocks(child)


def _render_blocks(blocks: Iterable[_Block]) -> str:
    out: list[str] = []
    previous: _Block | None = None
    for block in blocks:
        if previous is not None:
            out.append("\n\n" if previous.spaced or block.spaced else "\n")
        out.append(block.text)
        previous = block
    lines = [line.rstrip(" ") for line in "".join(out).split("\n")]  # a row may end in an empty cell's tab
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return text + "\n" if text else ""
