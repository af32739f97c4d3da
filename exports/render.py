"""Render a `NarrativeDocument` to DOCX (python-docx) and PDF (WeasyPrint): one value in, bytes out.

Both renderers walk the same value in the same order — first-page filing label, caption, title, sections,
signature block, exhibit index (new page), certificate of service (own page) — and print citations with
the same function (`document.citation_text`), so the two formats say the same words; a test compares
them.

Why WeasyPrint for the PDF, and not LibreOffice converting our DOCX:
- LibreOffice is not on this machine (`which soffice libreoffice` finds nothing), nor on a fresh one: it
  would be a several-hundred-MB system package that the project's own files must install. WeasyPrint is
  a PyPI package whose only system need, Pango, is already in the base image (libpango 1.50).
- A headless LibreOffice conversion starts an office process per document (seconds) and serialises
  on its user profile, so concurrent export workers contend; WeasyPrint renders in-process.
- CSS paged media gives what a filing needs directly: Letter pages with 1in margins, "Page N of M"
  (counter(page), counter(pages)), footnotes (float: footnote), headings as PDF bookmarks, and fonts
  embedded from files shipped in `common/fonts/`, so the PDF looks the same on any machine.
- The price is two layouts of one value: Word paginates the DOCX itself, so page breaks may differ
  slightly between the formats; the text and structure cannot, because both come from this module.

The DOCX has real Word styles ("Body Text", "Heading 1-3", "List Bullet"/"List Number" with nested
levels, "Block Quote", "Signature Block"), Liberation Serif 12 pt on the styles and on every run,
double-spaced body (line spacing 2.0), single-spaced quotes and headings, 1-inch margins on US Letter,
a "Page N of M" footer made of PAGE / NUMPAGES fields, and, for footnote citations, a footnotes part
written here (python-docx has no footnote API).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from html import escape

from docx import Document as new_docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Inches, Pt, RGBColor

from common.fonts import EMBEDDED_SERIF, FONTS_DIR, SERIF_FILES
from exports.document import (
    Block,
    BlockQuote,
    CitationRun,
    Heading,
    LineBreak,
    ListBlock,
    NarrativeDocument,
    Paragraph,
    Run,
    StyleSettings,
    TextRun,
    citation_text,
    needs_space_before,
    runs_for_style,
)

# Word's single line for Liberation Serif (metric-compatible with Times New Roman) is 1.15 em; CSS
# line-height multiplies the font size, so "double" is 2 x 1.15 em, as Word lays it out.
SINGLE_LINE_EM = 1.15

SIGNATURE_INDENT_IN = 3.25
QUOTE_INDENT_IN = 0.5
LIST_INDENT_IN = 0.5
BULLETS = ("•", "◦", "▪")
NUMBER_FORMATS = ("decimal", "lowerLetter", "lowerRoman")  # 1. a. i., as the PDF's CSS list styles


# DOCX ----------------------------------------------------------------------------------------------


@dataclass
class _DocxState:
    style: StyleSettings
    footnotes: list[str] = field(default_factory=list)
    bullet_abstract: int = 0
    number_abstract: int = 0


def render_docx(doc: NarrativeDocument) -> bytes:
    """The narrative as a Word document (bytes of a .docx)."""
    document = new_docx()
    state = _DocxState(doc.style)
    _docx_setup(document, state)
    if doc.draft:
        _docx_draft_header(document)

    _docx_paragraph(document, "Filing Label", [TextRun(doc.filing_label, bold=True)], state)
    _docx_caption(document, doc, state)
    _docx_paragraph(document, "Title", [TextRun(doc.title)], state)
    for section in doc.sections:
        _docx_paragraph(document, "Heading 1", [TextRun(section.title)], state)
        for block in section.blocks:
            _docx_block(document, block, state)
    if doc.signature is not None:
        _docx_signature(document, doc, state)
    if doc.exhibits:
        _docx_exhibit_index(document, doc, state)
    if doc.certificate_of_service:
        _docx_certificate(document, doc, state)
    if state.footnotes:
        _docx_footnotes_part(document, state)

    document.core_properties.title = doc.title
    # The template's own metadata ("python-docx", 2013) would otherwise describe the filing.
    document.core_properties.author = ""
    document.core_properties.last_modified_by = ""
    document.core_properties.comments = ""
    document.core_properties.keywords = ""
    document.core_properties.subject = ""
    # Dates and application are ours too: the template says 2013 and "Microsoft Macintosh Word".
    now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    document.core_properties.created = document.core_properties.modified = now
    document.core_properties.last_printed = now
    document.core_properties.revision = 1
    document.core_properties.category = "Court filing"
    _docx_application(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _set_fonts(rpr_parent, style: StyleSettings, size_pt: float | None = None) -> None:
    """rFonts ascii/hAnsi/eastAsia/cs = the family (no theme fonts) on a run, a style or the defaults."""
    rpr = rpr_parent.get_or_add_rPr() if hasattr(rpr_parent, "get_or_add_rPr") else rpr_parent
    for old in rpr.findall(qn("w:rFonts")):
        rpr.remove(old)
    fonts = OxmlElement("w:rFonts")
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), style.font_family)
    _insert_in_rpr(rpr, fonts)
    if size_pt is not None:
        for tag in ("w:sz", "w:szCs"):
            for old in rpr.findall(qn(tag)):
                rpr.remove(old)
        size = OxmlElement("w:sz")
        size.set(qn("w:val"), str(round(size_pt * 2)))
        size_cs = OxmlElement("w:szCs")
        size_cs.set(qn("w:val"), str(round(size_pt * 2)))
        _insert_in_rpr(rpr, size)
        _insert_in_rpr(rpr, size_cs)


# The children of w:rPr in the order the schema requires.
_RPR_ORDER = tuple(
    "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof "
    "snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd fitText "
    "vertAlign rtl cs em lang eastAsianLayout specVanish oMath".split()
)


def _insert_in_rpr(rpr, element) -> None:
    """Insert `element` into w:rPr at its schema position (Word rejects out-of-order children)."""
    name = element.tag.split("}")[1]
    later = _RPR_ORDER[_RPR_ORDER.index(name) + 1 :]
    for child in rpr:
        if child.tag.split("}")[1] in later:
            child.addprevious(element)
            return
    rpr.append(element)


def _style_font(
    style_obj,
    settings: StyleSettings,
    *,
    size_pt: float | None = None,
    bold: bool | None = None,
    italic: bool | None = None,
) -> None:
    element = style_obj.element
    rpr = element.get_or_add_rPr()
    _set_fonts(rpr, settings, size_pt if size_pt is not None else settings.font_size_pt)
    for color in rpr.findall(qn("w:color")):
        rpr.remove(color)
    style_obj.font.color.rgb = RGBColor(0, 0, 0)
    if bold is not None:
        style_obj.font.bold = bold
    if italic is not None:
        style_obj.font.italic = italic


def _paragraph_style(
    document,
    name: str,
    settings: StyleSettings,
    *,
    line_spacing: float,
    base: str = "Normal",
    space_before: float = 0,
    space_after: float = 0,
    bold: bool | None = None,
    italic: bool | None = None,
    size_pt: float | None = None,
):
    styles = document.styles
    try:
        style_obj = styles[name]
    except KeyError:
        style_obj = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style_obj.quick_style = True
    if name != "Normal":
        style_obj.base_style = styles[base]
    ppr = style_obj.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)
    for contextual in ppr.findall(qn("w:contextualSpacing")):
        ppr.remove(contextual)
    fmt = style_obj.paragraph_format
    fmt.line_spacing = line_spacing
    fmt.space_before = Pt(space_before)
    fmt.space_after = Pt(space_after)
    _style_font(style_obj, settings, size_pt=size_pt, bold=bold, italic=italic)
    return style_obj


def _docx_setup(document, state: _DocxState) -> None:
    settings = state.style
    section = document.sections[0]
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Inches(settings.margin_in))
    section.header_distance = section.footer_distance = Inches(0.5)

    # Document defaults: the template's theme fonts (Calibri/Cambria) must not show through anywhere.
    styles_element = document.styles.element
    defaults = styles_element.find(qn("w:docDefaults"))
    default_rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(default_rpr, settings, settings.font_size_pt)
    default_ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    for spacing in default_ppr.findall(qn("w:spacing")):
        default_ppr.remove(spacing)

    body, single = settings.body_line_spacing, 1.0
    _paragraph_style(document, "Normal", settings, line_spacing=body)
    _paragraph_style(
        document, "Body Text", settings, line_spacing=body
    ).paragraph_format.first_line_indent = Inches(0.5)
    for level, (align, bold, italic) in enumerate(
        (
            (WD_ALIGN_PARAGRAPH.CENTER, True, False),
            (WD_ALIGN_PARAGRAPH.LEFT, True, False),
            (WD_ALIGN_PARAGRAPH.LEFT, True, True),
        ),
        1,
    ):
        heading = _paragraph_style(
            document,
            f"Heading {level}",
            settings,
            line_spacing=settings.heading_line_spacing,
            space_before=12,
            space_after=12,
            bold=bold,
            italic=italic,
        )
        heading.paragraph_format.alignment = align
        heading.paragraph_format.keep_with_next = True
    title = _paragraph_style(
        document, "Title", settings, line_spacing=single, space_before=12, space_after=12, bold=True
    )
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    rpr = title.element.get_or_add_rPr()
    for tag in ("w:spacing", "w:kern"):
        for old in rpr.findall(qn(tag)):
            rpr.remove(old)
    label = _paragraph_style(
        document, "Filing Label", settings, line_spacing=single, space_after=12, bold=True
    )
    label.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    court = _paragraph_style(document, "Court Name", settings, line_spacing=single)
    court.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph_style(document, "Caption Text", settings, line_spacing=single)
    quote = _paragraph_style(
        document, "Block Quote", settings, line_spacing=settings.quote_line_spacing, space_after=12
    )
    quote.paragraph_format.left_indent = quote.paragraph_format.right_indent = Inches(QUOTE_INDENT_IN)
    signature = _paragraph_style(document, "Signature Block", settings, line_spacing=single)
    signature.paragraph_format.left_indent = Inches(SIGNATURE_INDENT_IN)
    signature.paragraph_format.keep_with_next = True
    _paragraph_style(
        document, "Signature Date", settings, line_spacing=single, space_before=24, space_after=12
    ).paragraph_format.keep_with_next = True
    _paragraph_style(document, "Table Text", settings, line_spacing=single)
    _paragraph_style(
        document, "Footer", settings, line_spacing=single
    ).paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph_style(document, "Footnote Text", settings, line_spacing=single, size_pt=10)
    try:
        reference = document.styles["Footnote Reference"]
    except KeyError:
        reference = document.styles.add_style("Footnote Reference", WD_STYLE_TYPE.CHARACTER)
    reference.font.superscript = True

    _docx_numbering(document, state)
    for kind in ("Bullet", "Number"):
        for level in range(3):
            name = f"List {kind}" if level == 0 else f"List {kind} {level + 1}"
            list_style = _paragraph_style(document, name, settings, line_spacing=body)
            ppr = list_style.element.get_or_add_pPr()
            for numbering in ppr.findall(qn("w:numPr")):
                ppr.remove(numbering)  # paragraphs carry their own numPr, one w:num per list (restarts)
            list_style.paragraph_format.left_indent = Inches(LIST_INDENT_IN * (level + 1))
            list_style.paragraph_format.first_line_indent = Inches(-0.25)

    _docx_footer(document, section, settings)


def _docx_draft_header(document) -> None:
    """A draft's every page says so, in the header Word repeats on each page."""
    paragraph = document.sections[0].header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run("DRAFT — NOT FOR FILING")
    run.bold = True
    run.font.size = Pt(20)
    run.font.color.rgb = RGBColor(0xA0, 0x00, 0x00)


def _docx_numbering(document, state: _DocxState) -> None:
    """Two multilevel definitions of our own: bullets (• ◦ ▪) and numbers (1. a. i.)."""
    numbering = document.part.numbering_part.element
    existing = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
    state.bullet_abstract = max(existing, default=-1) + 1
    state.number_abstract = state.bullet_abstract + 1
    font = escape(state.style.font_family, quote=True)
    for abstract_id, ordered in ((state.bullet_abstract, False), (state.number_abstract, True)):
        levels = []
        for level in range(9):
            if ordered:
                number_format, text = NUMBER_FORMATS[level % 3], f"%{level + 1}."
            else:
                number_format, text = "bullet", BULLETS[level % 3]
            left = round(1440 * LIST_INDENT_IN * (level + 1))
            levels.append(
                f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{number_format}"/>'
                f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
                f'<w:pPr><w:ind w:left="{left}" w:hanging="360"/></w:pPr>'
                f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" '
                f'w:cs="{font}"/></w:rPr>'
                f"</w:lvl>"
            )
        abstract = parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
            f'<w:multiLevelType w:val="multilevel"/>{"".join(levels)}</w:abstractNum>'
        )
        first_num = numbering.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(abstract)  # every abstractNum must precede every num
        else:
            numbering.append(abstract)


def _docx_new_num(document, abstract_id: int, level: int) -> int:
    """A new w:num for one list, starting at 1, so every list restarts its numbering."""
    numbering = document.part.numbering_part.element
    num_id = max((int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))), default=0) + 1
    numbering.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>'
            f'<w:lvlOverride w:ilvl="{level}"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
        )
    )
    return num_id


def _docx_footer(document, section, settings: StyleSettings) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.style = document.styles["Footer"]
    _add_text_run(paragraph, "Page ", settings)
    _add_field(paragraph, "PAGE", settings)
    _add_text_run(paragraph, " of ", settings)
    _add_field(paragraph, "NUMPAGES", settings)


def _add_field(paragraph, instruction: str, settings: StyleSettings) -> None:
    """A complex field (begin / instrText / separate / result / end) that Word and LibreOffice update."""
    for kind, payload in (
        ("begin", None),
        ("instr", f" {instruction} "),
        ("separate", None),
        ("text", "1"),
        ("end", None),
    ):
        run = paragraph.add_run()
        _set_fonts(run._r, settings, settings.font_size_pt)
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = payload
            run._r.append(instr)
        elif kind == "text":
            run.text = payload
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)


def _add_text_run(
    paragraph,
    text: str,
    settings: StyleSettings,
    *,
    bold=False,
    italic=False,
    underline=False,
    size_pt: float | None = None,
):
    run = paragraph.add_run(text)
    _set_fonts(run._r, settings, size_pt or settings.font_size_pt)
    if bold:
        run.bold = True
    if italic:
        run.italic = True
    if underline:
        run.underline = True
    return run


def _docx_paragraph(container, style_name: str, runs, state: _DocxState, *, size_pt: float | None = None):
    paragraph = container.add_paragraph(style=style_name)
    _docx_runs(paragraph, runs, state, size_pt=size_pt)
    return paragraph


def _docx_runs(paragraph, runs, state: _DocxState, *, size_pt: float | None = None) -> None:
    settings = state.style
    previous = ""
    for run in runs_for_style(runs, settings.citation_style):
        if isinstance(run, TextRun):
            _add_text_run(
                paragraph,
                run.text,
                settings,
                bold=run.bold,
                italic=run.italic,
                underline=run.underline,
                size_pt=size_pt,
            )
            previous = run.text
        elif isinstance(run, LineBreak):
            _add_text_run(paragraph, "", settings, size_pt=size_pt).add_break()
            previous = " "
        elif isinstance(run, CitationRun):
            if settings.citation_style == "footnote":
                state.footnotes.append(citation_text(run, "footnote"))
                reference = paragraph.add_run()
                reference.style = paragraph.part.document.styles["Footnote Reference"]
                _set_fonts(reference._r, settings, size_pt)
                ref = OxmlElement("w:footnoteReference")
                ref.set(qn("w:id"), str(len(state.footnotes)))
                reference._r.append(ref)
                previous = "1"
            else:
                text = citation_text(run, "inline")
                if needs_space_before(previous):
                    text = " " + text
                _add_text_run(paragraph, text, settings, size_pt=size_pt)
                previous = text


def _docx_block(document, block: Block, state: _DocxState) -> None:
    if isinstance(block, Paragraph):
        _docx_paragraph(document, "Body Text", block.runs, state)
    elif isinstance(block, Heading):
        _docx_paragraph(document, f"Heading {min(max(block.level, 1), 3)}", block.runs, state)
    elif isinstance(block, ListBlock):
        _docx_list(document, block, 0, state)
    elif isinstance(block, BlockQuote):
        for index, paragraph in enumerate(block.paragraphs):
            quoted = _docx_paragraph(document, "Block Quote", paragraph.runs, state)
            if index == 0:
                quoted.paragraph_format.space_before = Pt(12)


def _docx_list(document, block: ListBlock, level: int, state: _DocxState) -> None:
    abstract = state.number_abstract if block.ordered else state.bullet_abstract
    num_id = _docx_new_num(document, abstract, level)
    kind = "Number" if block.ordered else "Bullet"
    style_name = f"List {kind}" if level == 0 else f"List {kind} {min(level, 2) + 1}"
    for item in block.items:
        paragraph = _docx_paragraph(document, style_name, item.runs, state)
        ppr = paragraph._p.get_or_add_pPr()
        ppr.get_or_add_numPr().get_or_add_ilvl().val = level
        ppr.get_or_add_numPr().get_or_add_numId().val = num_id
        for child in item.children:
            _docx_list(document, child, level + 1, state)


def _no_borders_table(document, rows: int, cols: int):
    table = document.add_table(rows=rows, cols=cols)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    return table


def _cell_borders(cell, **sides: str) -> None:
    """Set single borders on the named sides of one cell ("right", "bottom", ...)."""
    tcpr = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    for side in ("top", "left", "bottom", "right"):
        if side in sides:
            edge = OxmlElement(f"w:{side}")
            edge.set(qn("w:val"), sides[side])
            edge.set(qn("w:sz"), "6")
            edge.set(qn("w:space"), "0")
            edge.set(qn("w:color"), "000000")
            borders.append(edge)
    tcpr.insert_element_before(
        borders, "w:shd", "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark"
    )


def _cell_lines(
    cell, lines: list[tuple[str, bool, float]], state: _DocxState, style: str = "Caption Text"
) -> None:
    """Fill a cell with one paragraph per (text, bold, left indent in inches)."""
    first = True
    for text, bold, indent in lines:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        paragraph.style = cell.part.document.styles[style]
        if indent:
            paragraph.paragraph_format.left_indent = Inches(indent)
        if text:
            _add_text_run(paragraph, text, state.style, bold=bold)


def _caption_lines(
    doc: NarrativeDocument,
) -> tuple[list[tuple[str, bool, float]], list[tuple[str, bool, float]]]:
    """The left (parties) and right (number, title) halves of the caption, line by line, for both formats."""
    plaintiff, defendant = doc.caption.party_names
    left = [
        (f"{plaintiff},", False, 0.0),
        ("", False, 0.0),
        (f"{doc.caption.plaintiff_role},", False, 1.5),
        ("", False, 0.0),
        ("v.", False, 0.75),
        ("", False, 0.0),
    ]
    if defendant:
        left += [
            (f"{defendant},", False, 0.0),
            ("", False, 0.0),
            (f"{doc.caption.defendant_role}.", False, 1.5),
        ]
    right = [
        (f"No. {doc.caption.docket_number}", False, 0.0),
        ("", False, 0.0),
        (doc.caption.document_title, True, 0.0),
    ]
    return left, right


def _docx_caption(document, doc: NarrativeDocument, state: _DocxState) -> None:
    for line in doc.caption.court.splitlines() or [""]:
        _docx_paragraph(document, "Court Name", [TextRun(line.strip())], state)
    _docx_paragraph(document, "Caption Text", [], state)
    table = _no_borders_table(document, 1, 2)
    left_lines, right_lines = _caption_lines(doc)
    left, right = table.rows[0].cells
    left.width = right.width = Inches(3.25)
    for column in table.columns:  # LibreOffice lays tables out from w:gridCol, Word from w:tcW: set both
        column.width = Inches(3.25)
    _cell_lines(left, left_lines, state)
    _cell_lines(right, right_lines, state)
    _cell_borders(left, right="single", bottom="single")
    right.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    for paragraph in right.paragraphs:
        paragraph.paragraph_format.left_indent = Inches(0.2)


def _docx_signature(document, doc: NarrativeDocument, state: _DocxState) -> None:
    signature = doc.signature
    assert signature is not None
    if document.paragraphs:
        # Some body text stays on the signature's page: some clerks refuse a signature alone on a page.
        document.paragraphs[-1].paragraph_format.keep_with_next = True
    if signature.date:
        _docx_paragraph(document, "Signature Date", [TextRun(f"Dated: {signature.date}")], state)
    first = _docx_paragraph(document, "Signature Block", [TextRun("Respectfully submitted,")], state)
    if not signature.date:
        first.paragraph_format.space_before = Pt(24)
    _docx_paragraph(document, "Signature Block", [], state)
    _docx_paragraph(document, "Signature Block", [TextRun(f"/s/ {signature.name}")], state)
    lines = signature.lines()
    for index, line in enumerate(lines):
        paragraph = _docx_paragraph(document, "Signature Block", [TextRun(line)], state)
        if index == len(lines) - 1:
            paragraph.paragraph_format.keep_with_next = False


EXHIBIT_COLUMNS = ("Ex.", "Description", "Record type", "Source", "Pages", "Bates numbers")
EXHIBIT_WIDTHS_IN = (0.45, 1.85, 1.0, 1.45, 0.55, 1.2)


def _exhibit_rows(doc: NarrativeDocument) -> list[tuple[str, ...]]:
    return [
        (e.letter, e.description, e.record_type, e.source, str(e.page_count), e.bates_range or "—")
        for e in doc.exhibits
    ]


APPLICATION = "Mitigation Narrative Builder"


def _docx_application(document) -> None:
    """Replace the template's extended properties (docProps/app.xml) with ours."""
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f"<Application>{APPLICATION}</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
        "<Company></Company><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
        "<HyperlinksChanged>false</HyperlinksChanged><AppVersion>1.0000</AppVersion></Properties>"
    ).encode()
    package = document.part.package
    for rel in package.rels.values():
        if rel.reltype == RT.EXTENDED_PROPERTIES:
            rel.target_part._blob = xml
            return
    part = Part(PackURI("/docProps/app.xml"), CT.OFC_EXTENDED_PROPERTIES, xml, package)
    package.relate_to(part, RT.EXTENDED_PROPERTIES)


def _docx_exhibit_index(document, doc: NarrativeDocument, state: _DocxState) -> None:
    heading = _docx_paragraph(document, "Heading 1", [TextRun("INDEX OF EXHIBITS")], state)
    heading.paragraph_format.page_break_before = True
    rows = _exhibit_rows(doc)
    table = document.add_table(rows=1 + len(rows), cols=len(EXHIBIT_COLUMNS))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for row_index, values in enumerate([EXHIBIT_COLUMNS, *rows]):
        row = table.rows[row_index]
        for column, (value, width) in enumerate(zip(values, EXHIBIT_WIDTHS_IN, strict=True)):
            cell = row.cells[column]
            cell.width = Inches(width)
            _cell_lines(cell, [(value, row_index == 0, 0.0)], state, style="Table Text")
    for column, width in zip(table.columns, EXHIBIT_WIDTHS_IN, strict=True):
        column.width = Inches(width)  # LibreOffice reads w:gridCol, Word w:tcW
    header = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")  # the header row repeats on every page of a long index
    header.append(repeat)


def _docx_certificate(document, doc: NarrativeDocument, state: _DocxState) -> None:
    heading = _docx_paragraph(document, "Heading 1", [TextRun("CERTIFICATE OF SERVICE")], state)
    heading.paragraph_format.page_break_before = True
    for text in _certificate_paragraphs(doc):
        _docx_paragraph(document, "Body Text", [TextRun(text)], state)
    if doc.signature is not None:
        first = _docx_paragraph(document, "Signature Block", [TextRun(f"/s/ {doc.signature.name}")], state)
        first.paragraph_format.space_before = Pt(24)
        for line in _certificate_signer(doc):
            _docx_paragraph(document, "Signature Block", [TextRun(line)], state)


def _certificate_paragraphs(doc: NarrativeDocument) -> list[str]:
    text = doc.certificate_of_service or ""
    return [" ".join(part.split()) for part in text.split("\n\n") if part.strip()]


def _certificate_signer(doc: NarrativeDocument) -> list[str]:
    signature = doc.signature
    assert signature is not None
    return [line for line in (signature.name, signature.office) if line]


def _docx_footnotes_part(document, state: _DocxState) -> None:
    """word/footnotes.xml, its relationship and content type (added on save), built by hand."""
    font = escape(state.style.font_family, quote=True)
    fonts = f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:cs="{font}"/>'
    separator_ppr = '<w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
    notes = [
        (
            f'<w:footnote w:type="separator" w:id="-1"><w:p>{separator_ppr}'
            "<w:r><w:separator/></w:r></w:p></w:footnote>"
        ),
        (
            f'<w:footnote w:type="continuationSeparator" w:id="0"><w:p>{separator_ppr}'
            f"<w:r><w:continuationSeparator/></w:r></w:p></w:footnote>"
        ),
    ]
    for number, text in enumerate(state.footnotes, 1):
        notes.append(
            f'<w:footnote w:id="{number}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr>'
            f'<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/>{fonts}'
            '<w:vertAlign w:val="superscript"/></w:rPr>'
            f"<w:footnoteRef/></w:r>"
            f'<w:r><w:rPr>{fonts}<w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr>'
            f'<w:t xml:space="preserve"> {escape(text, quote=False)}</w:t></w:r></w:p></w:footnote>'
        )
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes {nsdecls("w", "r")}>'
        f"{''.join(notes)}</w:footnotes>"
    )
    part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, xml.encode("utf-8"), document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)
    # settings.xml names the separator footnotes, as Word writes it, at its place in the schema's sequence.
    settings = document.settings.element
    footnote_pr = parse_xml(
        f'<w:footnotePr {nsdecls("w")}><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>'
    )
    later = {
        qn(f"w:{tag}")
        for tag in (
            "endnotePr",
            "compat",
            "docVars",
            "rsids",
            "attachedSchema",
            "themeFontLang",
            "clrSchemeMapping",
            "doNotIncludeSubdocsInStats",
            "doNotAutoCompressPictures",
            "forceUpgrade",
            "captions",
            "readModeInkLockDown",
            "smartTagType",
            "shapeDefaults",
            "doNotEmbedSmartTags",
            "decimalSymbol",
            "listSeparator",
        )
    }
    later.add("{http://schemas.openxmlformats.org/officeDocument/2006/math}mathPr")
    later.add("{http://schemas.openxmlformats.org/schemaLibrary/2006/main}schemaLibrary")
    successor = next((child for child in settings if child.tag in later), None)
    if successor is not None:
        successor.addprevious(footnote_pr)
    else:
        settings.append(footnote_pr)
    # Style ids the footnotes refer to: python-docx derives "FootnoteText" from "Footnote Text".
    ids = {s.style_id for s in document.styles}
    assert {"FootnoteText", "FootnoteReference"} <= ids, ids


# PDF -----------------------------------------------------------------------------------------------


def render_pdf(doc: NarrativeDocument) -> bytes:
    """The narrative as a PDF (bytes), with Liberation Serif embedded from `common/fonts/`."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    stylesheet = CSS(string=pdf_css(doc.style), font_config=font_config)
    html = HTML(string=pdf_html(doc), base_url=str(FONTS_DIR))
    return html.write_pdf(stylesheets=[stylesheet], font_config=font_config)


def _font_stack(settings: StyleSettings) -> str:
    if settings.font_family == "Liberation Serif":
        return f'"{EMBEDDED_SERIF}"'
    return f'"{settings.font_family}", "{EMBEDDED_SERIF}"'


def pdf_css(settings: StyleSettings) -> str:
    """The paged-media stylesheet: Letter, margins, "Page N of M", the embedded serif, the spacing."""
    faces = "\n".join(
        f'@font-face {{ font-family: "{EMBEDDED_SERIF}"; font-weight: {weight}; font-style: {style}; '
        f'src: url("{(FONTS_DIR / filename).as_uri()}"); }}'
        for (weight, style), filename in SERIF_FILES.items()
    )
    font = _font_stack(settings)
    size = settings.font_size_pt
    body = settings.body_line_spacing * SINGLE_LINE_EM
    quote = settings.quote_line_spacing * SINGLE_LINE_EM
    heading = settings.heading_line_spacing * SINGLE_LINE_EM
    margin = settings.margin_in
    return f"""
{faces}
@page {{
  size: letter; margin: {margin}in;
  @bottom-center {{ content: "Page " counter(page) " of " counter(pages);
                   font-family: {font}; font-size: {size}pt; vertical-align: middle; }}
  @footnote {{ border-top: 0.5pt solid black; padding-top: 4pt; margin-top: 12pt; }}
}}
html {{ font-family: {font}; font-size: {size}pt; color: black; }}
body {{ margin: 0; line-height: {SINGLE_LINE_EM}; }}
p {{ margin: 0; }}
.label {{ text-align: center; font-weight: bold; margin-bottom: 12pt; }}
.court {{ text-align: center; }}
.court-gap {{ height: {SINGLE_LINE_EM}em; }}
table.caption {{ width: 6.5in; border-collapse: collapse; margin: 0 auto; }}
table.caption td {{ width: 50%; vertical-align: top; padding: 0 0.08in 0 0; }}
table.caption td.parties {{ border-right: 0.75pt solid black; border-bottom: 0.75pt solid black; }}
table.caption td.case {{ vertical-align: middle; padding-left: 0.28in; }}
table.caption p {{ min-height: {SINGLE_LINE_EM}em; }}
.title {{ text-align: center; font-weight: bold; margin: 12pt 0; }}
.draft-watermark {{ position: fixed; top: 3.2in; left: 0; width: 6.5in; text-align: center; font-size: 120pt;
  font-weight: bold; color: rgba(160, 0, 0, 0.13); transform: rotate(-35deg); z-index: -1; }}
p.body {{ line-height: {body}; text-indent: 0.5in; }}
h1, h2, h3 {{ font-size: {size}pt; font-weight: bold; line-height: {heading}; margin: 12pt 0;
             break-after: avoid; }}
h1 {{ text-align: center; }}
h3 {{ font-style: italic; }}
blockquote {{ margin: 12pt {QUOTE_INDENT_IN}in 0 {QUOTE_INDENT_IN}in; line-height: {quote}; }}
blockquote p {{ margin-bottom: 12pt; }}
ul, ol {{ margin: 0; padding-left: {LIST_INDENT_IN}in; line-height: {body}; }}
ul.l0 {{ list-style-type: "{BULLETS[0]}  "; }}
ul.l1 {{ list-style-type: "{BULLETS[1]}  "; }}
ul.l2 {{ list-style-type: "{BULLETS[2]}  "; }}
ol.l0 {{ list-style-type: decimal; }}
ol.l1 {{ list-style-type: lower-alpha; }}
ol.l2 {{ list-style-type: lower-roman; }}
li {{ padding-left: 0.03in; }}
.signature-block {{ break-inside: avoid; break-before: avoid; margin-top: 24pt; }}
.signature-date {{ margin-bottom: 12pt; }}
.signature {{ margin-left: {SIGNATURE_INDENT_IN}in; }}
.certificate-signer {{ margin-top: 24pt; }}
.signature p {{ min-height: {SINGLE_LINE_EM}em; }}
.new-page {{ break-before: page; }}
table.exhibits {{ width: 100%; border-collapse: collapse; }}
table.exhibits th, table.exhibits td {{ border: 0.5pt solid black; padding: 1pt 4pt; text-align: left;
                                       vertical-align: top; }}
table.exhibits thead {{ display: table-header-group; }}
.fn {{ float: footnote; font-size: 10pt; line-height: {SINGLE_LINE_EM}; text-indent: 0; font-weight: normal;
       font-style: normal; text-decoration: none; }}
::footnote-call {{ content: counter(footnote); vertical-align: super; font-size: 8pt; line-height: 0; }}
::footnote-marker {{ content: counter(footnote) " "; }}
"""


def _html_runs(runs: tuple[Run, ...] | list[Run], settings: StyleSettings) -> str:
    parts: list[str] = []
    previous = ""
    for run in runs_for_style(runs, settings.citation_style):
        if isinstance(run, TextRun):
            text = escape(run.text, quote=False)
            if run.underline:
                text = f"<u>{text}</u>"
            if run.italic:
                text = f"<em>{text}</em>"
            if run.bold:
                text = f"<strong>{text}</strong>"
            parts.append(text)
            previous = run.text
        elif isinstance(run, LineBreak):
            parts.append("<br>")
            previous = " "
        elif isinstance(run, CitationRun):
            if settings.citation_style == "footnote":
                parts.append(f'<span class="fn">{escape(citation_text(run, "footnote"), quote=False)}</span>')
                previous = "1"
            else:
                text = citation_text(run, "inline")
                if needs_space_before(previous):
                    text = " " + text
                parts.append(f'<span class="cite">{escape(text, quote=False)}</span>')
                previous = text
    return "".join(parts)


def _html_lines(lines: list[tuple[str, bool, float]]) -> str:
    out = []
    for text, bold, indent in lines:
        content = escape(text, quote=False)
        if bold:
            content = f"<strong>{content}</strong>"
        style = f' style="margin-left: {indent}in"' if indent else ""
        out.append(f"<p{style}>{content}</p>")
    return "".join(out)


def _html_block(block: Block, settings: StyleSettings) -> str:
    if isinstance(block, Paragraph):
        return f'<p class="body">{_html_runs(block.runs, settings)}</p>'
    if isinstance(block, Heading):
        level = min(max(block.level, 1), 3)
        return f"<h{level}>{_html_runs(block.runs, settings)}</h{level}>"
    if isinstance(block, ListBlock):
        return _html_list(block, settings)
    if isinstance(block, BlockQuote):
        inner = "".join(f"<p>{_html_runs(p.runs, settings)}</p>" for p in block.paragraphs)
        return f"<blockquote>{inner}</blockquote>"
    return ""


def _html_list(block: ListBlock, settings: StyleSettings, level: int = 0) -> str:
    """Markers by depth, not by the parent's kind, as the DOCX numbering levels: • ◦ ▪ and 1. a. i."""
    tag = "ol" if block.ordered else "ul"
    items = "".join(
        f"<li>{_html_runs(item.runs, settings)}"
        f"{''.join(_html_list(child, settings, level + 1) for child in item.children)}</li>"
        for item in block.items
    )
    return f'<{tag} class="l{level % 3}">{items}</{tag}>'


def pdf_html(doc: NarrativeDocument) -> str:
    """The HTML the PDF is laid out from, in the same order as the DOCX."""
    settings = doc.style
    parts = [f'<p class="label">{escape(doc.filing_label, quote=False)}</p>']
    for line in doc.caption.court.splitlines() or [""]:
        parts.append(f'<p class="court">{escape(line.strip(), quote=False)}</p>')
    parts.append('<p class="court-gap"></p>')
    left, right = _caption_lines(doc)
    parts.append(
        f'<table class="caption"><tr><td class="parties">{_html_lines(left)}</td>'
        f'<td class="case">{_html_lines(right)}</td></tr></table>'
    )
    parts.append(f'<p class="title">{escape(doc.title, quote=False)}</p>')
    for section in doc.sections:
        parts.append(f"<h1>{escape(section.title, quote=False)}</h1>")
        parts.extend(_html_block(block, settings) for block in section.blocks)
    if doc.signature is not None:
        signature = doc.signature
        date = (
            f'<p class="signature-date">Dated: {escape(signature.date, quote=False)}</p>'
            if signature.date
            else ""
        )
        lines = ["Respectfully submitted,", "", f"/s/ {signature.name}", *signature.lines()]
        parts.append(
            f'<div class="signature-block">{date}<div class="signature">'
            f"{_html_lines([(line, False, 0.0) for line in lines])}</div></div>"
        )
    if doc.exhibits:
        header = "".join(f"<th>{escape(c, quote=False)}</th>" for c in EXHIBIT_COLUMNS)
        widths = "".join(f'<col style="width: {w}in">' for w in EXHIBIT_WIDTHS_IN)
        rows = "".join(
            "<tr>" + "".join(f"<td>{escape(v, quote=False)}</td>" for v in row) + "</tr>"
            for row in _exhibit_rows(doc)
        )
        parts.append(
            '<div class="new-page"><h1>INDEX OF EXHIBITS</h1>'
            f'<table class="exhibits"><colgroup>{widths}</colgroup><thead><tr>{header}</tr></thead>'
            f"<tbody>{rows}</tbody></table></div>"
        )
    if doc.certificate_of_service:
        body = "".join(f'<p class="body">{escape(t, quote=False)}</p>' for t in _certificate_paragraphs(doc))
        signer = ""
        if doc.signature is not None:
            lines = [f"/s/ {doc.signature.name}", *_certificate_signer(doc)]
            signer_lines = _html_lines([(line, False, 0.0) for line in lines])
            signer = f'<div class="signature certificate-signer">{signer_lines}</div>'
        parts.append(f'<div class="new-page"><h1>CERTIFICATE OF SERVICE</h1>{body}{signer}</div>')
    if doc.draft:
        # position: fixed repeats an element on every page in paged media: the watermark no page can lose.
        parts.insert(0, '<div class="draft-watermark" aria-hidden="true">DRAFT</div>')
    title = escape(doc.title, quote=False)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        # The PDF's own properties: the application and dates are ours, not a template's.
        f'<meta name="generator" content="{APPLICATION}">'
        f'<meta name="dcterms.created" content="{now}"><meta name="dcterms.modified" content="{now}"></head>'
        f"<body>{''.join(parts)}</body></html>"
    )


__all__ = ["EMBEDDED_SERIF", "FONTS_DIR", "pdf_css", "pdf_html", "render_docx", "render_pdf"]
