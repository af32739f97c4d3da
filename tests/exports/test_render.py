"""DOCX and PDF renderings of one narrative value: styles, spacing, fonts, footer fields, same words."""

import io
import re
import zipfile
from dataclasses import replace

import pypdf
import pypdfium2 as pdfium
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Inches, Pt
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from exports.document import (
    PUBLIC_LABEL,
    SEALED_LABEL,
    Caption,
    Exhibit,
    NarrativeDocument,
    Section,
    SignatureBlock,
    StyleSettings,
    exhibit_letter,
)
from exports.render import render_docx, render_pdf
from narratives.richtext import cited_event_ids, parse_html_blocks

EVENT_DOCUMENT = {1: "birth", 2: "dcfs", 3: "school", 4: "court"}
DESCRIPTIONS = {
    "birth": "St. Aldric Newborn Record",
    "dcfs": "Brennan County DCFS Records",
    "school": "Brennan County School Records",
    "court": "Juvenile Court Record",
}
EARLY = """<p>Devon Ashby was born at thirty-five weeks, <strong>already withdrawing</strong> from cocaine
<a class="citation" data-event="1" href="/e/1/">(record, p. 1)</a>. His mother was nineteen.</p>
<h2>Neglect and foster care</h2>
<p>At four he and his brother were left alone for <em>two days</em> without food
<a class="citation" data-event="2" href="/e/2/">(record, p. 1)</a>.</p>
<ol><li>Emergency shelter care, November 1999;</li><li>Foster home, where he was <u>struck with a belt</u>;
<ul><li>reported by his teacher</li><li>substantiated</li></ul></li>
<li>Kinship care with his grandmother.</li></ol>
<blockquote><p>"Devon is a quiet child who tries very hard."</p></blockquote>
<h3>School</h3>
<p>The school recorded this <a class="citation" data-event="3" href="/e/3/">(record, p. 1)</a>, and the juvenile court saw the
consequences
<a class="citation" data-event="4" href="/e/4/">(record, p. 1)</a>.</p>"""
RECOVERY = (
    "<p>"
    + "Since his release he has held a job and cared for his daughter. " * 30
    + "</p><ul><li>GED classes</li></ul>"
)


def narrative(*, citation_style="inline", sealed=False, early=EARLY, certificate=True) -> NarrativeDocument:
    html = early + RECOVERY
    letters: dict[str, str] = {}  # exhibit letters by first citation, as exports.assemble gives them
    for event_id in cited_event_ids(html):
        letters.setdefault(EVENT_DOCUMENT[event_id], exhibit_letter(len(letters)))

    def resolve(event_id):
        document = EVENT_DOCUMENT[event_id]
        return [(letters[document], DESCRIPTIONS[document], [event_id + 1])]

    exhibits = tuple(
        Exhibit(letter, DESCRIPTIONS[doc], "Record", "Brennan County", 2)
        for doc, letter in sorted(letters.items(), key=lambda item: item[1])
    )
    return NarrativeDocument(
        caption=Caption(
            court="IN THE SUPERIOR COURT OF THE STATE OF ARDEN\nIN AND FOR THE COUNTY OF BRENNAN",
            parties="STATE OF ARDEN v. DEVON M. ASHBY",
            docket_number="23-CF-00417",
            document_title="DEFENDANT'S SENTENCING MEMORANDUM",
        ),
        title="MITIGATION NARRATIVE",
        sections=(
            Section("I. Early Childhood", parse_html_blocks(early, resolve_citation=resolve)),
            Section("II. Recovery", parse_html_blocks(RECOVERY, resolve_citation=resolve)),
        ),
        exhibits=exhibits,
        signature=SignatureBlock(
            name="Elaine Kroft",
            bar_number="027431",
            title="Assistant Public Defender",
            office="Brennan County Office of the Public Defender",
            address_lines=("410 Courthouse Square, Suite 300", "Wexbridge, AD 40910"),
            date="May 6, 2024",
        ),
        certificate_of_service="I certify that I served this memorandum on the prosecuting attorney."
        if certificate
        else None,
        sealed=sealed,
        style=StyleSettings(citation_style=citation_style),
    )


@pytest.fixture(scope="module")
def docx_inline():
    return Document(io.BytesIO(render_docx(narrative())))


@pytest.fixture(scope="module")
def pdf_inline():
    return render_pdf(narrative())


def effective(paragraph, attribute):
    """A paragraph-format value as Word resolves it: the paragraph, then its style chain."""
    value = getattr(paragraph.paragraph_format, attribute)
    style = paragraph.style
    while value is None and style is not None:
        value = getattr(style.paragraph_format, attribute)
        style = style.base_style
    return value


def paragraphs_with_style(document, name):
    return [p for p in document.paragraphs if p.style.name == name]


# DOCX ----------------------------------------------------------------------------------------------


def test_docx_page_is_letter_with_one_inch_margins(docx_inline):
    section = docx_inline.sections[0]

    assert (section.page_width, section.page_height) == (Inches(8.5), Inches(11))
    assert {section.left_margin, section.right_margin, section.top_margin, section.bottom_margin} == {
        Inches(1)
    }


def test_docx_fonts_are_liberation_serif_12_on_styles_and_every_run(docx_inline):
    normal = docx_inline.styles["Normal"]
    assert normal.font.name == "Liberation Serif" and normal.font.size == Pt(12)
    defaults = docx_inline.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = defaults.find(qn("w:rFonts"))
    assert {fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "eastAsia", "cs")} == {"Liberation Serif"}
    assert fonts.get(qn("w:asciiTheme")) is None
    for name in ("Heading 1", "Heading 2", "Heading 3", "Body Text", "Block Quote", "List Bullet", "Title"):
        assert docx_inline.styles[name].font.name == "Liberation Serif", name
        assert docx_inline.styles[name].font.size == Pt(12), name
    runs = [run for p in docx_inline.paragraphs for run in p.runs if run.text.strip()]
    runs += [
        run
        for t in docx_inline.tables
        for row in t.rows
        for c in row.cells
        for p in c.paragraphs
        for run in p.runs
    ]
    assert len(runs) > 40
    for run in runs:
        rfonts = run._r.rPr.find(qn("w:rFonts"))
        assert {rfonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "eastAsia", "cs")} == {
            "Liberation Serif"
        }
        assert run.font.size == Pt(12)


def test_docx_spacing_double_body_single_quotes_and_headings(docx_inline):
    body = paragraphs_with_style(docx_inline, "Body Text")
    assert len(body) >= 4
    assert {effective(p, "line_spacing") for p in body} == {2.0}
    assert {effective(p, "line_spacing") for p in paragraphs_with_style(docx_inline, "Block Quote")} == {1.0}
    for level in (1, 2, 3):
        headings = paragraphs_with_style(docx_inline, f"Heading {level}")
        assert headings and {effective(p, "line_spacing") for p in headings} == {1.0}
    quote = paragraphs_with_style(docx_inline, "Block Quote")[0]
    assert effective(quote, "left_indent") == Inches(0.5)


def test_docx_headings_use_word_heading_styles(docx_inline):
    headings = [(p.style.name, p.text) for p in docx_inline.paragraphs if p.style.name.startswith("Heading")]

    assert headings == [
        ("Heading 1", "I. Early Childhood"),
        ("Heading 2", "Neglect and foster care"),
        ("Heading 3", "School"),
        ("Heading 1", "II. Recovery"),
        ("Heading 1", "INDEX OF EXHIBITS"),
        ("Heading 1", "CERTIFICATE OF SERVICE"),
    ]


def test_docx_bold_italic_underline_are_real_runs(docx_inline):
    runs = [run for p in docx_inline.paragraphs for run in p.runs]

    assert any(run.text == "already withdrawing" and run.bold for run in runs)
    assert any(run.text == "two days" and run.italic and not run.bold for run in runs)
    assert any(run.text == "struck with a belt" and run.underline for run in runs)


def test_docx_lists_use_list_styles_levels_and_restart(docx_inline):
    items = [
        (p.style.name, p.text, p._p.pPr.numPr)
        for p in docx_inline.paragraphs
        if p.style.name.startswith("List")
    ]

    assert [(style, text) for style, text, _ in items] == [
        ("List Number", "Emergency shelter care, November 1999;"),
        ("List Number", "Foster home, where he was struck with a belt;"),
        ("List Bullet 2", "reported by his teacher"),
        ("List Bullet 2", "substantiated"),
        ("List Number", "Kinship care with his grandmother."),
        ("List Bullet", "GED classes"),
    ]
    levels = [numpr.ilvl.val for _, _, numpr in items]
    assert levels == [0, 0, 1, 1, 0, 0]
    num_ids = [numpr.numId.val for _, _, numpr in items]
    assert num_ids[0] == num_ids[1] == num_ids[4] and len({num_ids[0], num_ids[2], num_ids[5]}) == 3
    numbering = docx_inline.part.numbering_part.element
    formats = {}
    for num in numbering.findall(qn("w:num")):
        abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
        abstract = next(
            a for a in numbering.findall(qn("w:abstractNum")) if a.get(qn("w:abstractNumId")) == abstract_id
        )
        formats[int(num.get(qn("w:numId")))] = (
            abstract.find(qn("w:lvl")).find(qn("w:numFmt")).get(qn("w:val"))
        )
    assert (formats[num_ids[0]], formats[num_ids[2]]) == ("decimal", "bullet")


def test_docx_footer_is_page_n_of_m_fields(docx_inline):
    footer = docx_inline.sections[0].footer.paragraphs[0]
    instructions = [el.text.strip() for el in footer._p.iter(qn("w:instrText"))]
    chars = [el.get(qn("w:fldCharType")) for el in footer._p.iter(qn("w:fldChar"))]

    assert instructions == ["PAGE", "NUMPAGES"]
    assert chars == ["begin", "separate", "end"] * 2
    assert footer.text.startswith("Page ") and " of " in footer.text


def test_docx_caption_label_signature_index_and_certificate(docx_inline):
    paragraphs = [p.text for p in docx_inline.paragraphs]
    caption, index = docx_inline.tables

    assert paragraphs[0] == PUBLIC_LABEL
    assert paragraphs[1:3] == [
        "IN THE SUPERIOR COURT OF THE STATE OF ARDEN",
        "IN AND FOR THE COUNTY OF BRENNAN",
    ]
    assert "STATE OF ARDEN," in caption.cell(0, 0).text and "DEVON M. ASHBY," in caption.cell(0, 0).text
    assert "No. 23-CF-00417" in caption.cell(0, 1).text
    assert "/s/ Elaine Kroft" in paragraphs and "Elaine Kroft, Bar No. 027431" in paragraphs
    assert [cell.text for cell in index.rows[0].cells] == [
        "Ex.",
        "Description",
        "Record type",
        "Source",
        "Pages",
        "Bates numbers",
    ]
    assert [row.cells[0].text for row in index.rows[1:]] == ["A", "B", "C", "D"]
    # Grid and cell widths agree (LibreOffice reads the grid, Word the cells).
    assert [column.width for column in index.columns] == [Inches(w) for w in (0.45, 1.85, 1.0, 1.45, 0.55, 1.2)]
    assert [cell.width for cell in index.rows[1].cells] == [column.width for column in index.columns]
    certificate = next(p for p in docx_inline.paragraphs if p.text == "CERTIFICATE OF SERVICE")
    assert certificate.paragraph_format.page_break_before


def test_docx_inline_citations_are_text():
    paragraphs = [p.text for p in Document(io.BytesIO(render_docx(narrative()))).paragraphs]

    assert any("from cocaine (Ex. A, St. Aldric Newborn Record, at 2). His mother" in p for p in paragraphs)


def test_sealed_label():
    document = Document(io.BytesIO(render_docx(narrative(sealed=True))))

    assert document.paragraphs[0].text == SEALED_LABEL
    assert SEALED_LABEL in _pdf_text(render_pdf(narrative(sealed=True)))[0]


def test_docx_footnote_citations_are_real_footnotes():
    data = render_docx(narrative(citation_style="footnote"))
    package = zipfile.ZipFile(io.BytesIO(data))
    footnotes = package.read("word/footnotes.xml").decode()
    body = package.read("word/document.xml").decode()

    assert "footnotes+xml" in package.read("[Content_Types].xml").decode()
    assert 'Target="footnotes.xml"' in package.read("word/_rels/document.xml.rels").decode()
    assert re.findall(r'w:footnoteReference w:id="(\d+)"', body) == ["1", "2", "3", "4"]
    assert 'w:id="-1"' in footnotes and 'w:id="0"' in footnotes
    assert "Ex. A, St. Aldric Newborn Record, at 2." in footnotes
    document = Document(io.BytesIO(data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "(Ex. A" not in text and "from cocaine. His mother" in text
    # rPr children in schema order: the style reference first.
    reference = next(document.element.body.iter(qn("w:footnoteReference"))).getparent()
    assert reference.rPr[0].tag == qn("w:rStyle")


# PDF -----------------------------------------------------------------------------------------------


def _pdf_text(data: bytes) -> list[str]:
    document = pdfium.PdfDocument(data)
    return [document[i].get_textpage().get_text_range() for i in range(len(document))]


MARKER = re.compile(r"^(?:[•◦▪]|\d+\.|[a-z]\.|[ivx]+\.)$")


def words(text: str) -> list[str]:
    return [w for w in text.replace("\u00a0", " ").split() if not MARKER.match(w)]


def test_pdf_pages_are_letter_with_page_n_of_m(pdf_inline):
    reader = pypdf.PdfReader(io.BytesIO(pdf_inline))
    pages = _pdf_text(pdf_inline)

    assert {(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages} == {(612.0, 792.0)}
    assert all(f"Page {n} of {len(pages)}" in text for n, text in enumerate(pages, 1))


def test_pdf_embeds_liberation_serif_from_the_repo(pdf_inline):
    reader = pypdf.PdfReader(io.BytesIO(pdf_inline))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = (
                font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            )
            fonts[str(font["/BaseFont"])] = "/FontFile2" in descriptor.get_object()

    # The CSS names only a private family backed by common/fonts/, so these can only come from there.
    assert fonts and all("LiberationSerif" in name.replace("-", "") for name in fonts), fonts
    assert all(fonts.values())
    assert any("Bold" in name for name in fonts) and any("Italic" in name for name in fonts)


def docx_text_in_body_order(document) -> str:
    """Paragraphs and table cells (row by row) in the order they stand in the document body."""
    parts = []
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            parts.append(DocxParagraph(element, document).text)
        elif element.tag == qn("w:tbl"):
            parts.extend(cell.text for row in DocxTable(element, document).rows for cell in row.cells)
    return " ".join(parts)


@pytest.mark.parametrize("sealed", [False, True])
def test_docx_and_pdf_say_the_same_words(sealed):
    """Label, caption, body, citations, signature, exhibit index and certificate: word for word."""
    document = narrative(sealed=sealed)
    docx_words = words(docx_text_in_body_order(Document(io.BytesIO(render_docx(document)))))
    pdf_words = words(
        " ".join(re.sub(r"Page \d+ of \d+", " ", text) for text in _pdf_text(render_pdf(document)))
    )

    assert len(docx_words) > 600
    assert docx_words == pdf_words


def test_pdf_caption_citations_and_exhibit_index(pdf_inline):
    pages = _pdf_text(pdf_inline)
    first = " ".join(pages[0].split())
    everything = " ".join(" ".join(pages).split())

    assert first.startswith(PUBLIC_LABEL)
    assert "STATE OF ARDEN," in first and "No. 23-CF-00417" in first
    assert "(Ex. C, Brennan County School Records, at 4)" in everything
    index_page = next(p for p in pages if "INDEX OF EXHIBITS" in p)
    assert all(letter in index_page.split() for letter in "ABCD")
    assert "CERTIFICATE OF SERVICE" in pages[-1]


def test_pdf_footnotes_hold_the_citations():
    pages = _pdf_text(render_pdf(narrative(citation_style="footnote")))
    text = " ".join(" ".join(pages).split())

    assert "Ex. A, St. Aldric Newborn Record, at 2." in text
    assert "(Ex. A" not in text


def test_exhibit_letters_follow_the_narrative_after_reordering():
    reordered = (
        EARLY.replace('data-event="1"', 'data-event="X"')
        .replace('data-event="3"', 'data-event="1"')
        .replace('data-event="X"', 'data-event="3"')
    )

    document = Document(io.BytesIO(render_docx(narrative(early=reordered, certificate=False))))
    text = "\n".join(p.text for p in document.paragraphs)

    assert "from cocaine (Ex. A, Brennan County School Records, at 4)" in text
    assert "The school recorded this (Ex. C, St. Aldric Newborn Record, at 2)" in text
    index = document.tables[1]
    assert [(r.cells[0].text, r.cells[1].text) for r in index.rows[1:3]] == [
        ("A", "Brennan County School Records"),
        ("B", "Brennan County DCFS Records"),
    ]


def test_renderers_take_only_the_value():
    document = narrative()

    assert replace(document, title="OTHER") != document  # a frozen value: the renderers cannot change it
    with pytest.raises(AttributeError):
        document.title = "x"  # type: ignore[misc]


def test_a_bare_document_renders_and_markup_in_text_stays_text():
    from exports.document import Paragraph, TextRun

    document = NarrativeDocument(
        caption=Caption(court="COURT", parties="STATE OF ARDEN", docket_number="1", document_title="T"),
        title="<b>Title & more</b>",
        sections=(Section("<script>x</script>", (Paragraph((TextRun("1 < 2 & 3 > 2"),)),)),),
    )

    docx_text = docx_text_in_body_order(Document(io.BytesIO(render_docx(document))))
    pdf_text = " ".join(_pdf_text(render_pdf(document)))
    for text in ("<b>Title & more</b>", "<script>x</script>", "1 < 2 & 3 > 2"):
        assert text in docx_text and text in pdf_text


def test_docx_settings_name_the_footnote_separators():
    package = zipfile.ZipFile(io.BytesIO(render_docx(narrative(citation_style="footnote"))))
    settings = package.read("word/settings.xml").decode()

    assert '<w:footnotePr><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>' in settings
    assert settings.index("w:footnotePr") < settings.index("<w:compat")


def test_both_files_carry_our_own_properties(docx_inline, pdf_inline):
    import io

    import pypdf

    info = pypdf.PdfReader(io.BytesIO(pdf_inline)).metadata
    app = next(p for p in docx_inline.part.package.parts if p.partname == "/docProps/app.xml")

    assert info.creator == "Mitigation Narrative Builder" and info.creation_date.year >= 2025
    assert b"<Application>Mitigation Narrative Builder</Application>" in app.blob
    assert docx_inline.core_properties.created.year >= 2025 and docx_inline.core_properties.revision == 1
