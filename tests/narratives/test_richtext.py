"""The narrative's rich text is read once, into blocks and runs: the editor's warnings and the court export both
read a section this way, and a citation has one markup (the stored link)."""

import pytest

from narratives.richtext import (
    BlockQuote,
    CitationRun,
    Cite,
    Heading,
    LineBreak,
    ListBlock,
    Paragraph,
    TextRun,
    citation_link,
    cited_event_ids,
    parse_html_blocks,
    uncited_paragraphs,
)

SCHOOL = Cite("C", "Brennan County School Records", (4,))


def cite(event_id: int) -> str:
    return citation_link(event_id=event_id, href=f"/cases/1/timeline/events/{event_id}/", label="(note.pdf, p. 1)")


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


def test_a_citation_is_resolved_and_its_label_ignored():
    calls = []

    def resolve(event_id):
        calls.append(event_id)
        return [("C", "Brennan County School Records", [4]), SCHOOL]

    (paragraph,) = parse_html_blocks(
        '<p>He repeated fourth grade <a class="citation" data-event="12" href="/x">(Ex. Z, <em>stale</em> preview)</a>.'
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
        f"<p>{cite(3)}</p>",
        resolve_citation=lambda e: [("A", "Newborn Record", (1, 2), ("ASHBY-000002", "ASHBY-000003"))],
    )

    (run,) = paragraph.runs
    assert run == CitationRun(3, (Cite("A", "Newborn Record", (1, 2), ("ASHBY-000002", "ASHBY-000003")),))


def test_deleted_event_and_bad_ids_give_visible_missing_citations():
    (paragraph,) = parse_html_blocks(
        f'<p>a {cite(99)} b <a class="citation" data-event="x1" href="/x">(label)</a></p>',
        resolve_citation=lambda e: [],
    )

    citations = [run for run in paragraph.runs if isinstance(run, CitationRun)]
    assert citations == [CitationRun(99, ()), CitationRun(None, ())]  # printed as missing citations


def test_malformed_html_loses_no_text_and_runs_nothing():
    html = (
        "text before any tag<p>open <b>bold never closed<p>next</li></ul>"
        '<script>alert("x")</script><style>p{}</style>'
        '<p>cite <a class="citation" data-event="5">unclosed preview<p>kept after it</p>'
        "<li>stray item"
    )

    blocks = parse_html_blocks(html, resolve_citation=lambda e: [SCHOOL])

    flat = " ".join(texts(b.runs) if hasattr(b, "runs") else texts(b.items[0].runs) for b in blocks)
    assert "text before any tag" in flat and "bold never closed" in flat and "kept after it" in flat
    assert "stray item" in flat
    assert "alert" not in flat and "p{}" not in flat and "unclosed preview" not in flat


def test_cited_event_ids_in_order_of_first_citation_and_only_from_the_one_markup():
    html = (
        f'<p>{cite(7)} x <a class="other" data-event="8" href="/x">not a citation</a>'
        '<span class="citation" data-event="9"></span></p>'  # not the stored markup: no citation
        "<ul><li>" + cite(3) + "</li></ul><p>" + cite(7) + "</p>"
    )

    assert cited_event_ids(html) == [7, 3]
    assert cited_event_ids(f"<p>{cite(4)}</p><p>{cite(2)}{cite(3)}</p>") == [4, 2, 3]  # reordered text, new order


def test_the_editors_warnings_read_the_same_blocks():
    html = (
        "<h2>A heading that states nothing cited</h2><p>An uncited claim about his whole life.</p>"
        f"<p>A cited claim about his school. {cite(1)}</p><blockquote><p>A quotation from a letter of support.</p>"
        "</blockquote><ul><li>A list item without any citation</li><li>short</li></ul>"
        "<p>He was <b>retai</b>ned in fourth<br>grade again.</p>"
    )

    assert uncited_paragraphs(html) == [
        "An uncited claim about his whole life.", "A list item without any citation", "He was retained in fourth grade again."
    ]
