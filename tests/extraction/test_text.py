"""Reading records page by page: layout, DOCX order, OCR, plain text, and refusing what must not be read.

Plain functions: no database and no Django. Bad files are synthetic and made here, in tmp_path.
"""

from __future__ import annotations

import difflib
import inspect
import io
import random
import re
import shutil
import struct
import zipfile
import zlib
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image

from extraction.pipeline import text as reading
from extraction.pipeline.text import (
    RecordKind,
    UnreadableRecord,
    check_record,
    extract_text,
    iter_pages,
    page_count,
)

SAMPLES = Path(__file__).resolve().parents[2] / "demo" / "client-a"
RECORDS = SAMPLES / "records"
GOLD = SAMPLES / "gold"
LIMITS = {"max_bytes": 100 * 1024 * 1024, "max_pages": 5000, "max_unzipped_bytes": 300 * 1024 * 1024}


def _check(path: Path, **limits: int) -> RecordKind:
    return check_record(path, **{**LIMITS, **limits})


def _refusal(path: Path, **limits: int) -> UnreadableRecord:
    with pytest.raises(UnreadableRecord) as caught:
        _check(path, **limits)
    return caught.value


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# ---- Layout against the hand-made plain texts ----------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "A01_birth_hospital_record.pdf",
        "A02_cps_investigation_placement.pdf",
        "A04_juvenile_court_record.pdf",
        "A05_psychological_evaluation.pdf",
        "A10_advocate_service_records.pdf",
        "A03_school_records.docx",
        "A07_employment_letter.docx",
        "A09_letters_of_support.docx",
    ],
)
def test_text_records_read_close_to_their_plain_text(name):
    """Wrapped lines joined, table cells tab-separated, blank lines between blocks, as a person types it."""
    gold = (GOLD / name).with_suffix(".txt").read_text(encoding="utf-8")

    record = extract_text(RECORDS / name, ocr=False)

    assert not record.ocr_pages
    assert difflib.SequenceMatcher(None, record.text, gold, autojunk=False).ratio() > 0.99


def test_two_column_page_reads_left_column_then_right():
    page = extract_text(RECORDS / "A02_cps_investigation_placement.pdf", ocr=False).pages[0]

    left_end = page.index("no marks or bruises were observed on either child.")
    right_start = page.index("FAMILY HISTORY")
    assert page.index("REASON FOR REPORT") < left_end < right_start < page.index("Worker's note:")
    # wrapped column lines come back as one paragraph
    assert "a call from a neighbor in the Eastgate Apartments reporting that Keith (age 8) and Devon" in page


def test_pdf_table_rows_are_lines_with_tab_separated_cells():
    page = extract_text(RECORDS / "A02_cps_investigation_placement.pdf", ocr=False).pages[1]

    assert "Dates\tPlacement\tType\tReason for Leaving\n" in page
    assert "02/08/2000 - 09/14/2000\tGail & Vernon Pruitt\tLicensed foster home\tAbuse allegation\n" in page


def test_pdf_table_row_missing_a_cell_keeps_its_columns():
    page = extract_text(RECORDS / "A10_advocate_service_records.pdf", ocr=False).pages[1]

    assert "Total\t64\t60\t120.0\t\n" in page  # the empty "Instructor initials" cell stays a cell


def test_docx_tables_are_read_in_document_order_between_paragraphs():
    text = extract_text(RECORDS / "A03_school_records.docx").text

    heading = text.index("1. ENROLLMENT HISTORY")
    row = text.index("Pine Hollow Elementary\tK\t08/28/2000\t10/06/2000\tChange of foster placement\n")
    next_heading = text.index("2. ATTENDANCE AND ACADEMIC SUMMARY")
    assert heading < row < next_heading
    assert "\n2002-03\t2\t38\tU\tN\tRETAINED - repeat grade 2\n" in text


def test_docx_merged_cells_nested_tables_and_hard_page_breaks(tmp_path):
    """A merged cell is given once, a nested table stays in its cell's row, a page break starts a new page."""
    import docx

    document = docx.Document()
    document.add_paragraph("Before the table.")
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.text = f"r{r}c{c}"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "tall"  # vertical merge
    table.cell(0, 1).merge(table.cell(0, 2)).text = "wide"  # horizontal merge
    inner = table.cell(1, 2).add_table(rows=1, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "in1", "in2"
    document.add_paragraph("After the table.")
    document.add_page_break()
    document.add_paragraph("Second page.")
    path = tmp_path / "made.docx"
    document.save(path)

    pages = [page.text for page in iter_pages(path)]

    assert page_count(path) == len(pages) == 2
    first = pages[0].split("\n")
    assert first[first.index("Before the table.") + 2 : first.index("After the table.") - 1] == [
        "r0c0\twide",
        "tall\tr1c1\tr1c2 in1 in2",
        "\tr2c1\tr2c2",
    ]
    assert pages[1] == "Second page.\n"


def test_docx_letters_split_at_hard_page_breaks():
    pages = extract_text(RECORDS / "A09_letters_of_support.docx").pages

    assert len(pages) == page_count(RECORDS / "A09_letters_of_support.docx") == 3
    assert pages[1].startswith("GREATER HOPE FELLOWSHIP CHURCH\n") and pages[2].startswith(
        "August 28, 2023\n"
    )


# ---- Plain text ----------------------------------------------------------------------------------


def test_plain_text_record_is_kept_exactly():
    path = RECORDS / "A08_shelter_case_notes.txt"

    record = extract_text(path)

    assert _check(path) == RecordKind.TEXT
    assert record.text == (GOLD / "A08_shelter_case_notes.txt").read_text(encoding="utf-8")


def test_windows_text_that_is_not_utf8_is_decoded(tmp_path):
    path = _write(
        tmp_path, "notes.txt", "Caf\u00e9 \u201cintake\u201d \u2013 page one\r\n\fpage two".encode("cp1252")
    )

    assert _check(path) == RecordKind.TEXT
    assert extract_text(path).pages == ("Caf\u00e9 \u201cintake\u201d \u2013 page one\r\n", "page two")


def test_utf16_text_with_byte_order_mark_is_decoded(tmp_path):
    path = _write(tmp_path, "export.txt", "Client seen 03/02/2021.\n".encode("utf-16"))

    assert _check(path) == RecordKind.TEXT
    assert extract_text(path).text == "Client seen 03/02/2021.\n"


def test_kind_is_decided_by_content_not_by_name(tmp_path):
    renamed = tmp_path / "really_a_pdf.txt"
    shutil.copy(RECORDS / "A01_birth_hospital_record.pdf", renamed)

    assert _check(renamed) == RecordKind.PDF == "pdf"
    assert extract_text(renamed).pages[0].startswith("ST. ALDRIC REGIONAL MEDICAL CENTER\n")


# ---- Streaming and progress ----------------------------------------------------------------------


def test_iter_pages_reads_one_page_at_a_time(monkeypatch):
    read = []
    real = reading._pdf_page_text

    def counting(textpage):
        read.append(1)
        return real(textpage)

    monkeypatch.setattr(reading, "_pdf_page_text", counting)
    pages = iter_pages(RECORDS / "A05_psychological_evaluation.pdf")

    assert inspect.isgenerator(pages) and read == []
    first = next(pages)
    assert first.number == 1 and len(read) == 1  # the first page is out before the others are read
    assert [page.number for page in pages] == [2, 3] and len(read) == 3


def test_extract_text_reports_progress():
    seen = []

    extract_text(
        RECORDS / "A05_psychological_evaluation.pdf", on_page=lambda done, total: seen.append((done, total))
    )

    assert seen == [(1, 3), (2, 3), (3, 3)]


# ---- OCR -----------------------------------------------------------------------------------------


def _words(text: str) -> Counter:
    return Counter(re.findall(r"[a-z0-9]+", text.lower()))


def test_scanned_fax_is_read_by_ocr_with_flag_and_confidence():
    gold = (GOLD / "A06_substance_use_treatment_scan.txt").read_text(encoding="utf-8")

    pages = list(iter_pages(RECORDS / "A06_substance_use_treatment_scan.pdf"))
    text = "\f".join(page.text for page in pages)

    assert [page.number for page in pages] == [1, 2]
    assert all(page.ocr_used and 60 < page.ocr_confidence <= 100 for page in pages)
    for phrase in (
        "CRESTLINE RECOVERY SERVICES",
        "ADMISSION ASSESSMENT",
        "Opioid use disorder, severe",
        "buprenorphine/naloxone",
        "DISCHARGE SUMMARY",
        "positive for fentanyl",
        "42 CFR Part 2",
    ):
        assert phrase in text
    found, drawn = _words(text), _words(gold)
    assert sum((found & drawn).values()) / sum(drawn.values()) > 0.85


def test_scanned_pages_without_ocr_are_empty_and_unflagged():
    pages = list(iter_pages(RECORDS / "A06_substance_use_treatment_scan.pdf", ocr=False))

    assert [(p.text, p.ocr_used, p.ocr_confidence) for p in pages] == [("", False, None), ("", False, None)]


def test_scan_under_a_few_characters_of_text_is_read_by_ocr(tmp_path):
    """A fax header or Bates stamp over a scanned page is not a text layer: the page is still OCR'd."""
    import pypdfium2 as pdfium

    stamp = pdfium.PdfDocument(_write(tmp_path, "stamp.pdf", _PAGE_PDF + _TRAILER))
    scan = pdfium.PdfDocument(RECORDS / "A06_substance_use_treatment_scan.pdf")
    stamped = pdfium.PdfDocument.new()
    stamped.import_pages(scan, [0])
    stamped[0].insert_obj(stamp.page_as_xobject(0, stamped).as_pageobject())
    stamped[0].gen_content()
    stamped.save(tmp_path / "stamped.pdf")

    (page,) = iter_pages(tmp_path / "stamped.pdf", ocr_dpi=200)

    assert page.ocr_used and "ADMISSION ASSESSMENT" in page.text and "Opioid use disorder" in page.text


def test_multipage_tiff_frames_are_pages(tmp_path):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(RECORDS / "A01_birth_hospital_record.pdf")
    frames = [pdf[i].render(scale=120 / 72, grayscale=True).to_pil() for i in range(2)]
    pdf.close()
    path = tmp_path / "scan.tif"
    frames[0].save(path, save_all=True, append_images=frames[1:], dpi=(120, 120), compression="tiff_deflate")

    record = extract_text(path)

    assert _check(path) == RecordKind.IMAGE and page_count(path) == 2
    assert record.ocr_pages == {1, 2}
    assert "NEWBORN DELIVERY RECORD" in record.pages[0] and "NURSERY COURSE" in record.pages[1]


# ---- Refusals: each kind of file we must not or cannot read --------------------------------------


def test_empty_file_is_refused(tmp_path):
    refusal = _refusal(_write(tmp_path, "empty.pdf", b""))

    assert refusal.reason == "empty" and "empty" in refusal.message


def test_file_over_the_size_limit_is_refused():
    refusal = _refusal(RECORDS / "A01_birth_hospital_record.pdf", max_bytes=1000)

    assert refusal.reason == "too_large" and "limit" in refusal.message


def test_pdf_over_the_page_limit_is_refused():
    refusal = _refusal(RECORDS / "A05_psychological_evaluation.pdf", max_pages=2)

    assert refusal.reason == "too_many_pages" and "3 pages" in refusal.message


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (random.Random(7).randbytes(4096), "not_a_record"),
        (b"MZ\x90\x00\x03" + bytes(2000), "program"),
        (b"{\\rtf1\\ansi Intake notes}", "rtf"),
    ],
)
def test_binary_and_foreign_files_are_refused(tmp_path, data, reason):
    refusal = _refusal(_write(tmp_path, "record.txt", data))

    assert refusal.reason == reason


def test_old_word_doc_is_refused_with_save_as_advice(tmp_path):
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + bytes(22)
        + struct.pack("<H", 9)
        + bytes(16)
        + struct.pack("<I", 0)
    )
    directory = "Root Entry".encode("utf-16-le").ljust(128, b"\0") + "WordDocument".encode("utf-16-le")
    path = _write(tmp_path, "letter.doc", header.ljust(512, b"\0") + directory.ljust(512, b"\0"))

    refusal = _refusal(path)

    assert refusal.reason == "doc_legacy" and ".docx" in refusal.message


# Hand-made PDFs: one page of Helvetica text; the encrypted one needs a password pdfium cannot guess.
_PAGE_PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
    b"/Resources << /Font << /F1 5 0 R >> >> >> endobj\n"
    b"4 0 obj << /Length 58 >> stream\n"
    b"BT /F1 12 Tf 72 700 Td (Seen at the clinic in 2012.) Tj ET\nendstream endobj\n"
    b"5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n"
)


_TRAILER = b"trailer << /Root 1 0 R /Size 6 >>\n%%EOF\n"


def test_truncated_pdf_is_refused_as_damaged(tmp_path):
    data = (RECORDS / "A05_psychological_evaluation.pdf").read_bytes()
    refusal = _refusal(_write(tmp_path, "cut.pdf", data[: len(data) // 2]))

    assert refusal.reason == "pdf_damaged" and "damaged" in refusal.message


def test_password_protected_pdf_is_refused(tmp_path):
    rng = random.Random(3)
    encrypt = (
        b"6 0 obj << /Filter /Standard /V 1 /R 2 /P -4 /O <"
        + rng.randbytes(32).hex().encode()
        + b"> /U <"
        + rng.randbytes(32).hex().encode()
        + b"> >> endobj\n"
    )
    file_id = b"<00112233445566778899aabbccddeeff>"
    trailer = (
        b"trailer << /Root 1 0 R /Size 7 /Encrypt 6 0 R /ID [" + file_id + b" " + file_id + b"] >>\n%%EOF\n"
    )
    path = _write(tmp_path, "locked.pdf", _PAGE_PDF + encrypt + trailer)

    refusal = _refusal(path)

    assert refusal.reason == "pdf_encrypted" and "password" in refusal.message
    with pytest.raises(UnreadableRecord):
        next(iter_pages(path))  # extraction refuses it too, with the same message


def test_handmade_pdf_is_read(tmp_path):
    path = _write(tmp_path, "note", _PAGE_PDF + _TRAILER)

    assert _check(path) == RecordKind.PDF
    assert extract_text(path).pages == ("Seen at the clinic in 2012.\n",)


def _docx_members(**changes: bytes | None) -> dict[str, bytes]:
    with zipfile.ZipFile(RECORDS / "A07_employment_letter.docx") as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    for name, data in changes.items():
        name = name.replace("__", "/").replace("_xml", ".xml").replace("_bin", ".bin")
        if data is None:
            members.pop(name, None)
        else:
            members[name] = data
    return members


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_zip_that_is_not_a_word_document_is_refused(tmp_path):
    refusal = _refusal(_zip(tmp_path / "records.docx", {"notes.txt": b"hello"}))

    assert refusal.reason == "zip" and "Word" in refusal.message


def test_docx_missing_its_document_part_is_refused(tmp_path):
    refusal = _refusal(_zip(tmp_path / "broken.docx", _docx_members(word__document_xml=None)))

    assert refusal.reason == "docx_damaged"


def test_docx_zip_bomb_is_refused(tmp_path):
    members = _docx_members(word__media__fill_bin=bytes(8 * 1024 * 1024))  # 8 MB of zeros, a few KB zipped
    path = _zip(tmp_path / "bomb.docx", members)

    assert path.stat().st_size < 200_000
    assert _refusal(path).reason == "zip_bomb"
    assert "expand" in _refusal(RECORDS / "A07_employment_letter.docx", max_unzipped_bytes=10_000).message


def test_macro_enabled_docx_is_refused(tmp_path):
    path = _zip(tmp_path / "letter.docx", _docx_members(word__vbaProject_bin=b"\xd0\xcf\x11\xe0 macros"))

    refusal = _refusal(path)

    assert refusal.reason == "docx_macros" and "macros" in refusal.message


def test_docx_with_an_xml_entity_declaration_is_refused(tmp_path):
    """XXE: python-docx would not resolve the entity, but the part must never reach a parser at all."""
    with zipfile.ZipFile(RECORDS / "A07_employment_letter.docx") as archive:
        document = archive.read("word/document.xml")
    attack = b'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    document = document.replace(b"?>", b"?>" + attack, 1).replace(b"<w:t>", b"<w:t>&xxe;", 1)
    path = _zip(tmp_path / "xxe.docx", _docx_members(word__document_xml=document))

    assert _refusal(path).reason == "docx_doctype"
    with pytest.raises(UnreadableRecord):
        next(iter_pages(path))


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    "side", [10_000, 40_000]
)  # over Pillow's limit (a warning), and over twice it (an error)
def test_decompression_bomb_image_is_refused(tmp_path, side):
    refusal = _refusal(_write(tmp_path, "scan.png", _png(side, side)))

    assert refusal.reason == "image_too_large" and "too large" in refusal.message


def test_damaged_image_is_refused(tmp_path):
    buffer = io.BytesIO()
    Image.new("L", (400, 300), 255).save(buffer, "PNG")
    data = buffer.getvalue()

    refusal = _refusal(_write(tmp_path, "scan.png", data[: len(data) - 30]))

    assert refusal.reason == "image_damaged"


def test_messages_name_no_record_text(tmp_path):
    """A refusal is shown and logged; it must never carry the record's own words."""
    path = _write(tmp_path, "notes.txt", b"Client disclosed a 2009 overdose.\x00\x01\x02" * 200)

    refusal = _refusal(path)

    assert "overdose" not in refusal.message and "notes" not in refusal.message
