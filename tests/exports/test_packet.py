"""Exhibit packet: slip sheets, continuous Bates numbers, kept text layers, redactions that leave nothing."""

import io
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from PIL import Image, ImageDraw

from exports.document import bates_label
from exports.packet import (
    PacketExhibit,
    RedactionLeak,
    _check_no_leak,
    render_exhibit_packet,
)
from exports.privacy import find_private_data
from exports.redaction import redactions_from_findings

SAMPLE = Path(__file__).resolve().parents[2] / "demo" / "client-a"
KINDS = {".pdf": "pdf", ".docx": "docx", ".txt": "text"}
# Exhibit order as the narrative cites them (not the file order).
RECORDS = [
    ("A", "A05_psychological_evaluation", "Forensic Psychological Evaluation"),
    ("B", "A01_birth_hospital_record", "St. Aldric Newborn Record"),
    ("C", "A03_school_records", "Brennan County School Records"),
    ("D", "A06_substance_use_treatment_scan", "Crestline Treatment Records (scanned)"),
    ("E", "A08_shelter_case_notes", "Wexbridge Rescue Mission Case Notes"),
]


def page_texts(name: str) -> tuple[str, ...]:
    return tuple((SAMPLE / "gold" / f"{name}.txt").read_text().split("\f"))


def exhibits() -> list[PacketExhibit]:
    result = []
    for letter, name, description in RECORDS:
        path = next((SAMPLE / "records").glob(f"{name}.*"))
        result.append(PacketExhibit(letter, description, path, KINDS[path.suffix], page_texts(name)))
    return result


def all_page_text(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    return [document[i].get_textpage().get_text_range() for i in range(len(document))]


def flat(text: str) -> str:
    return " ".join(text.split())


def image_count(pdf: bytes, index: int) -> int:
    page = pdfium.PdfDocument(pdf)[index]
    return sum(1 for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]))


@pytest.fixture(scope="module")
def packet():
    return render_exhibit_packet(exhibits(), bates_prefix="ASHBY", start_number=101)


@pytest.fixture(scope="module")
def redacted():
    findings = [
        f
        for e in exhibits()
        for text in e.page_texts
        for f in find_private_data(text, known_dobs=["1995-06-11"], minors=["Maya Durant"])
    ]
    redactions = redactions_from_findings(findings)
    return redactions, render_exhibit_packet(exhibits(), bates_prefix="ASHBY", start_number=101, redactions=redactions)


def test_bates_label_format():
    assert bates_label("ASHBY", 123) == "ASHBY-000123"
    assert bates_label("ASHBY-", 7) == "ASHBY-000007"


def test_bates_numbers_are_continuous_across_exhibits_and_skip_slip_sheets(packet):
    expected_pages = [("A", 3), ("B", 2), ("C", 1), ("D", 2), ("E", 1)]
    keys = [(letter, n) for letter, count in expected_pages for n in range(1, count + 1)]

    assert list(packet.bates) == keys
    assert list(packet.bates.values()) == [f"ASHBY-{n:06d}" for n in range(101, 101 + len(keys))]
    assert packet.page_count == len(keys) + len(expected_pages)


def test_every_record_page_is_stamped_and_slip_sheets_are_not(packet):
    texts = [flat(t) for t in all_page_text(packet.pdf)]
    stamps = iter(packet.bates.items())
    for text in texts:
        if text.startswith("EXHIBIT "):
            assert "ASHBY-" not in text.split("pages")[0].split("page")[0]
            assert "·" not in text
            continue
        (letter, _number), label = next(stamps)
        assert text.count(f"Ex. {letter} · {label}") == 1, text[-200:]
    assert next(stamps, None) is None
    slips = [t for t in texts if t.startswith("EXHIBIT ")]
    assert slips[2] == "EXHIBIT C Brennan County School Records 1 page ASHBY-000106 – ASHBY-000106"


def test_one_bookmark_per_exhibit_at_its_slip_sheet(packet):
    reader = pypdf.PdfReader(io.BytesIO(packet.pdf))
    bookmarks = [(item.title, reader.get_destination_page_number(item)) for item in reader.outline]

    assert bookmarks == [
        ("Exhibit A — Forensic Psychological Evaluation", 0),
        ("Exhibit B — St. Aldric Newborn Record", 4),
        ("Exhibit C — Brennan County School Records", 7),
        ("Exhibit D — Crestline Treatment Records (scanned)", 9),
        ("Exhibit E — Wexbridge Rescue Mission Case Notes", 12),
    ]


def test_pdf_records_keep_their_own_pages_and_text_layer(packet):
    original = pdfium.PdfDocument(SAMPLE / "records" / "A01_birth_hospital_record.pdf")
    original_text = flat(original[0].get_textpage().get_text_range())
    packet_text = flat(all_page_text(packet.pdf)[5])

    assert original_text and original_text in packet_text
    assert packet.redacted == ()


def test_scanned_pages_get_the_ocr_text_as_an_invisible_layer(packet):
    texts = all_page_text(packet.pdf)

    assert "ADMISSION ASSESSMENT - INTAKE SUMMARY" in texts[10]
    assert image_count(packet.pdf, 10) >= 1  # the scan itself is still there


def test_docx_and_text_records_are_copied_from_their_rendition(packet):
    texts = [flat(t) for t in all_page_text(packet.pdf)]

    assert "WEXBRIDGE UNIFIED SCHOOL DISTRICT" in texts[8]
    assert "Drawn from the text of the Word document" in texts[8]
    assert "WEXBRIDGE RESCUE MISSION" in texts[13] and "(text file)" in texts[13]


def test_no_redacted_string_survives_in_any_page_text_layer(redacted):
    redactions, result = redacted
    texts = [flat(t) for t in all_page_text(result.pdf)]

    assert "06/11/1995" in redactions and "66 Larch Street" in redactions
    for number, text in enumerate(texts, 1):
        for private in redactions:
            assert flat(private) not in text, (number, private)
    assert any("DOB: 1995" in text for text in texts)  # the label takes the reduced words' place
    assert any("apartment at [street address omitted] in April 2016" in text for text in texts)


def _pictures(pdf: bytes, index: int, dpi: int = 100):
    from PIL import ImageFilter

    page = pdfium.PdfDocument(pdf)[index]
    # Softened a little: a page drawn from its picture and the same page drawn from its vectors differ by
    # anti-aliasing along every edge, which is not a difference a reader sees.
    return page.render(scale=dpi / 72).to_pil().convert("L").filter(ImageFilter.GaussianBlur(1.5))


def test_a_redacted_page_is_its_original_picture_except_inside_the_boxes(packet, redacted):
    from PIL import ImageChops, ImageDraw

    _redactions, result = redacted
    assert {("A", 1), ("B", 2), ("C", 1), ("D", 1), ("E", 1)} <= set(result.redacted)
    assert list(result.bates) == list(packet.bates)
    sealed_texts = all_page_text(packet.pdf)
    for key in result.redacted:
        index = next(i for i, t in enumerate(sealed_texts) if f"Ex. {key[0]} · {packet.bates[key]}" in t)
        original, public = _pictures(packet.pdf, index), _pictures(result.pdf, index)
        difference = ImageChops.difference(original, public)
        outside = difference.copy()
        draw = ImageDraw.Draw(outside)
        for box in result.boxes[key]:
            corners = (box.x0 * public.width, box.top * public.height, box.x1 * public.width, box.bottom * public.height)
            draw.rectangle((corners[0] - 3, corners[1] - 3, corners[2] + 3, corners[3] + 3), fill=0)
            inside = public.crop(tuple(int(v) for v in corners))
            assert inside.getextrema()[0] < 60, key  # an opaque box is burned in
        assert outside.getextrema()[1] < 48, key  # and nothing else changed


def test_no_record_page_is_retyped(redacted):
    _redactions, result = redacted
    texts = [flat(t) for t in all_page_text(result.pdf)]

    assert not any("Reproduced from the text" in t for t in texts)
    scanned_first_page = 10
    assert image_count(result.pdf, scanned_first_page) == 1  # the scan, boxes burned in
    assert "INTAKE SUMMARY" in texts[scanned_first_page]  # and its searchable words


def test_pages_without_private_data_stay_original(redacted):
    _redactions, result = redacted
    clean = [
        key
        for e in exhibits()
        if e.kind == "pdf"
        for key in ((e.letter, n) for n in range(1, len(e.page_texts) + 1))
        if key not in result.redacted
    ]

    assert clean == [("D", 2)]  # every other PDF page shows the DOB in its header or an address
    assert image_count(result.pdf, 11) == 1


def test_the_stamp_sits_inside_a_half_inch_margin(packet):
    document = pdfium.PdfDocument(packet.pdf)
    for index in range(len(document)):
        page = document[index]
        textpage = page.get_textpage()
        text = textpage.get_text_range()
        start = text.find("Ex. ")
        if start < 0 or "ASHBY-" not in text[start:]:
            continue
        width, height = page.get_size()
        for offset in range(start, start + len("Ex. A · ASHBY-000101")):
            left, bottom, right, top = textpage.get_charbox(offset)
            assert left >= 36 and bottom >= 36 and right <= width - 36 and top <= height - 36


def test_every_font_in_the_packet_is_embedded(packet, redacted):
    _redactions, public = redacted
    for pdf in (packet.pdf, public.pdf):
        reader = pypdf.PdfReader(io.BytesIO(pdf))
        for number, page in enumerate(reader.pages, 1):
            for font in _fonts_of(page.get("/Resources")):
                if font.get("/Subtype") == "/Type3":
                    continue  # drawn by the PDF itself
                descriptor = font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                descriptor = descriptor.get_object()
                assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), (number, font["/BaseFont"])


def _fonts_of(resources, seen=None):
    """Every font a page draws with, its forms' (the stamp overlay, pictures) included."""
    seen = set() if seen is None else seen
    if resources is None:
        return
    resources = resources.get_object()
    for font in (resources.get("/Font") or {}).values():
        yield font.get_object()
    for xobject in (resources.get("/XObject") or {}).values():
        xobject = xobject.get_object()
        key = id(xobject)
        if xobject.get("/Subtype") == "/Form" and key not in seen:
            seen.add(key)
            yield from _fonts_of(xobject.get("/Resources"), seen)


def test_packet_properties_are_ours(packet):
    info = pypdf.PdfReader(io.BytesIO(packet.pdf)).metadata

    assert info.title == "Exhibits" and info.producer == info.creator == "Mitigation Narrative Builder"
    assert info.creation_date is not None and info.author is None


def test_descriptions_are_redacted_too():
    exhibit = PacketExhibit(
        "A",
        "Records of Maya Durant",
        SAMPLE / "records" / "A08_shelter_case_notes.txt",
        "text",
        page_texts("A08_shelter_case_notes"),
    )

    result = render_exhibit_packet([exhibit], bates_prefix="ASHBY", redactions={"Maya Durant": "M.D."})

    assert flat(all_page_text(result.pdf)[0]).startswith("EXHIBIT A Records of M.D.")
    assert result.outline == (("Exhibit A — Records of M.D.", 0),)


def test_the_final_check_refuses_a_packet_that_still_holds_a_redacted_string(packet):
    with pytest.raises(RedactionLeak):
        _check_no_leak(packet.pdf, {"WEXBRIDGE UNIFIED SCHOOL DISTRICT": "[district]"}, [])
    with pytest.raises(RedactionLeak):
        _check_no_leak(packet.pdf, {"Maya": "M.D."}, [("Exhibit A — Maya's letter", 0)])
    _check_no_leak(packet.pdf, {"Mayan": "x"}, [])  # nothing to find: no error


def test_image_records_keep_the_image_with_an_ocr_layer(tmp_path):
    path = tmp_path / "letter.png"
    image = Image.new("RGB", (850, 1100), "white")
    ImageDraw.Draw(image).text((60, 60), "Handwritten letter of support", fill="black")
    image.save(path)

    result = render_exhibit_packet(
        [PacketExhibit("A", "Letter", path, "image", ("Handwritten letter of support",))],
        bates_prefix="ASHBY",
    )

    texts = all_page_text(result.pdf)
    assert len(texts) == 2 and "Handwritten letter of support" in texts[1] and "ASHBY-000001" in texts[1]
    assert image_count(result.pdf, 1) == 1


def test_redaction_matches_whole_words_across_line_breaks(tmp_path):
    path = tmp_path / "note.txt"
    texts = ("Maya's school called. Mayan art class.\nMaya\nDurant was absent.",)
    path.write_text(texts[0])

    result = render_exhibit_packet(
        [PacketExhibit("A", "Note", path, "text", texts)],
        bates_prefix="ASHBY",
        redactions={"Maya Durant": "M.D.", "Maya": "M.D."},
    )

    text = flat(all_page_text(result.pdf)[1])
    assert "Mayan art class." in text and "Maya" not in text.replace("Mayan", "")
    assert text.count("M.D.") == 2 and ("A", 1) in result.redacted
