"""How a resolved citation is printed in a filing: exhibit letters, page ranges, inline text and footnotes."""

import pytest

from exports.document import CitationRun, Cite, TextRun, citation_text, exhibit_letter, format_pages, runs_for_style

SCHOOL = Cite("C", "Brennan County School Records", (4,))


def test_bates_labels_and_missing_citations():
    run = CitationRun(3, (Cite("A", "Newborn Record", (1, 2), ("ASHBY-000002", "ASHBY-000003")),))

    assert citation_text(run) == "(Ex. A, Newborn Record, at 1–2 [ASHBY-000002–ASHBY-000003])"
    assert citation_text(CitationRun(99, ())) == citation_text(CitationRun(None, ())) == "[citation missing]"


def test_letters_go_past_z():
    assert [exhibit_letter(i) for i in (0, 25, 26, 27, 29)] == ["A", "Z", "AA", "AB", "AD"]
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
