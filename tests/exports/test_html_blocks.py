"""The editor's HTML becomes document blocks; citations are resolved and lettered by first citation."""

import pytest

from exports.document import (
    BlockQuote,
    CitationRun,
    Cite,
    Heading,
    LineBreak,
    ListBlock,
    Paragraph,
    TextRun,
    citation_text,
    exhibit_letter,
    format_pages,
    runs_for_style,
)
from exports.html_blocks import assign_exhibit_letters, citation_event_ids, parse_html_blocks

SCHOOL = Cite("C", "Brennan County School Records", (4,))


def cite(event_id: int) -> str:
    return f'<span class="citation" data-event="{event_id}"></span>'


def texts(runs):
    return "".join(
        r.text if isinstance(r, TextRun) else "|" if isinstance(r, LineBreak) else "[cite]" for r in runs
    )


def test_paragraph_runs_keep_bold_italic_underline():
    (paragraph,) = parse_html_blocks(
        "<p>He was <strong>retained</strong>, <em>twice</em>, <b><i>and</i></b> <u>expelled</u>.</p>"
    )

    assert paragraph == Paragraph(
        (
            TextRun("He was "),
            TextRun("retained", bold=True),
            TextRun(", "),
            TextRun("twice", italic=True),
            TextRun(", "),
            TextRun("and", bold=True, italic=True),
            TextRun(" "),
            TextRun("expelled", underline=True),
            TextRun("."),
        )
    )


@pytest.mark.parametrize(("tag", "level"), [("h2", 2), ("h3", 3), ("h4", 3), ("h1", 2)])
def test_editor_headings_sit_below_the_section_title(tag, level):
    (heading,) = parse_html_blocks(f"<{tag}>Early years</{tag}>")

    assert heading == Heading(level, (TextRun("Early years"),))


def test_nested_lists_keep_their_kind_and_depth():
    html = (
        "<ol><li>Shelter care<ul><li>two nights</li><li><p>then <em>foster</em> care</p></li></ul></li>"
        "<li><p>Kinship care</p></li></ol>"
    )

    (block,) = parse_html_blocks(html)

    assert isinstance(block, ListBlock) and block.ordered
    first, second = block.items
    assert texts(first.runs) == "Shelter care"
    (nested,) = first.children
    assert not nested.ordered
    assert [texts(item.runs) for item in nested.items] == ["two nights", "then foster care"]
    assert texts(second.runs) == "Kinship care" and second.children == ()


def test_block_quote_holds_its_paragraphs_and_flattens_lists():
    html = "<blockquote><p>First.</p><p>Second.</p><ul><li>point</li></ul></blockquote><p>After.</p>"

    quote, after = parse_html_blocks(html)

    assert isinstance(quote, BlockQuote)
    assert [texts(p.runs) for p in quote.paragraphs] == ["First.", "Second.", "• point"]
    assert after == Paragraph((TextRun("After."),))


def test_line_breaks_and_whitespace():
    (paragraph,) = parse_html_blocks(
        "<p>  line one <br>\n   line&nbsp;two&amp;three  </p><p>&nbsp;</p><p></p>"
    )

    assert paragraph.runs == (TextRun("line one"), LineBreak(), TextRun("line two&three"))


def test_citation_placeholder_is_resolved_and_its_preview_text_ignored():
    calls = []

    def resolve(event_id):
        calls.append(event_id)
        return [("C", "Brennan County School Records", [4]), SCHOOL]

    (paragraph,) = parse_html_blocks(
        '<p>He repeated fourth grade <span class="citation" data-event="12">(Ex. Z, stale preview)</span>.'
        "</p>",
        resolve_citation=resolve,
    )

    assert calls == [12]
    assert paragraph.runs == (
        TextRun("He repeated fourth grade "),
        CitationRun(12, (SCHOOL, SCHOOL)),
        TextRun("."),
    )
    assert "stale preview" not in repr(paragraph)


def test_citation_with_bates_labels_from_tuples():
    (paragraph,) = parse_html_blocks(
        '<p><span class="citation" data-event="3"></span></p>',
        resolve_citation=lambda e: [("A", "Newborn Record", (1, 2), ("ASHBY-000002", "ASHBY-000003"))],
    )

    (run,) = paragraph.runs
    assert run == CitationRun(3, (Cite("A", "Newborn Record", (1, 2), ("ASHBY-000002", "ASHBY-000003")),))
    assert citation_text(run) == "(Ex. A, Newborn Record, at 1–2 [ASHBY-000002–ASHBY-000003])"


def test_deleted_event_and_bad_ids_give_visible_missing_citations():
    (paragraph,) = parse_html_blocks(
        '<p>a <span class="citation" data-event="99"></span> b '
        '<span class="citation" data-event="x1"></span></p>',
        resolve_citation=lambda e: [],
    )

    citations = [run for run in paragraph.runs if isinstance(run, CitationRun)]
    assert citations == [CitationRun(99, ()), CitationRun(None, ())]
    assert citation_text(citations[0]) == "[citation missing]"


def test_malformed_html_loses_no_text_and_runs_nothing():
    html = (
        "text before any tag<p>open <b>bold never closed<p>next</li></ul>"
        '<script>alert("x")</script><style>p{}</style>'
        '<p>cite <span class="citation" data-event="5">unclosed preview<p>kept after it</p>'
        "<li>stray item"
    )

    blocks = parse_html_blocks(html, resolve_citation=lambda e: [SCHOOL])

    flat = " ".join(texts(b.runs) if hasattr(b, "runs") else texts(b.items[0].runs) for b in blocks)
    assert "text before any tag" in flat and "bold never closed" in flat and "kept after it" in flat
    assert "stray item" in flat
    assert "alert" not in flat and "p{}" not in flat and "unclosed preview" not in flat


def test_citation_event_ids_in_document_order():
    html = (
        '<p><span class="citation" data-event="7"></span> x <span class="other" data-event="8"></span></p>'
        "<ul><li>" + cite(3) + "</li></ul><p>" + cite(7) + "</p>"
    )

    assert citation_event_ids(html) == [7, 3, 7]


def test_exhibit_letters_follow_first_citation_and_change_when_citations_are_reordered():
    event_document = {1: "school", 2: "dcfs", 3: "school", 4: "court"}
    first = f"<p>{cite(1)}{cite(2)}</p><p>{cite(4)}</p>"
    reordered = f"<p>{cite(4)}</p><p>{cite(2)}{cite(3)}</p>"

    letters = assign_exhibit_letters([event_document[e] for e in citation_event_ids(first)])
    letters_after = assign_exhibit_letters([event_document[e] for e in citation_event_ids(reordered)])

    assert letters == {"school": "A", "dcfs": "B", "court": "C"}
    assert letters_after == {"court": "A", "dcfs": "B", "school": "C"}


def test_letters_go_past_z():
    letters = assign_exhibit_letters(list(range(30)))

    assert [letters[i] for i in (0, 25, 26, 27, 29)] == ["A", "Z", "AA", "AB", "AD"]
    assert exhibit_letter(701) == "ZZ" and exhibit_letter(702) == "AAA"


@pytest.mark.parametrize(
    ("pages", "expected"), [((4,), "4"), ((5, 4, 6), "4–6"), ((7, 4, 8), "4, 7–8"), ((), "")]
)
def test_page_ranges(pages, expected):
    assert format_pages(pages) == expected


def test_citation_text_inline_and_footnote():
    run = CitationRun(1, (SCHOOL, Cite("D", "Juvenile Court Record", (1,))))

    assert citation_text(CitationRun(1, (SCHOOL,))) == "(Ex. C, Brennan County School Records, at 4)"
    assert (
        citation_text(run)
        == "(Ex. C, Brennan County School Records, at 4; Ex. D, Juvenile Court Record, at 1)"
    )
    assert (
        citation_text(run, "footnote")
        == "Ex. C, Brennan County School Records, at 4; Ex. D, Juvenile Court Record, at 1."
    )


def test_footnote_marker_hugs_the_word_and_follows_the_punctuation():
    runs = (TextRun("from cocaine "), CitationRun(1, (SCHOOL,)), TextRun(". His mother"))

    assert runs_for_style(runs, "footnote") == (
        TextRun("from cocaine."),
        CitationRun(1, (SCHOOL,)),
        TextRun(" His mother"),
    )
    assert runs_for_style(runs, "inline") == runs
