"""Reading units: sentences cut where English joins clauses, tables and headings kept whole."""

from __future__ import annotations

import pytest

from extraction.pipeline.units import CONTEXT, reading_units, subclauses


def pieces(sentence: str) -> list[str]:
    return [sentence[s:e] for s, e in subclauses(sentence, 0, len(sentence))]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "The trial court revoked his probation and committed him to the youth authority.",
            ["The trial court revoked his probation", "committed him to the youth authority"],
        ),
        (
            "He had an IQ of 75, had a fourth-grade reading level, had been prescribed medication.",
            ["He had an IQ of 75", "had a fourth-grade reading level", "had been prescribed medication"],
        ),
        (
            "He was placed at a residential program, from which he absconded.",
            ["He was placed at a residential program", "from which he absconded"],
        ),
        (
            "The court stayed execution of the sentence, placing him on five years probation.",
            ["The court stayed execution of the sentence", "placing him on five years probation"],
        ),
        ("She dropped out; she was sixteen.", ["She dropped out", "she was sixteen"]),
    ],
)
def test_subclauses_cut_coordinated_and_relative_clauses(sentence, expected):
    assert pieces(sentence) == expected


def test_subclauses_never_cut_inside_parentheses_or_quotes():
    sentence = 'She lived with her aunt (who drank, and beat her) and said "I was scared, and alone" then.'
    assert "(who drank, and beat her)" in pieces(sentence)[0]
    assert any('"I was scared, and alone"' in p for p in pieces(sentence))


def test_subclauses_keep_a_one_word_piece_with_its_neighbour():
    assert pieces("He drank, and smoked.") == ["He drank, and smoked"]


def test_reading_units_keep_rows_whole_and_headings_as_context():
    text = "SCHOOL HISTORY\nYear\tSchool\tNotes\n2009\tLincoln Elementary\tRetained in grade 3\n"
    units = reading_units(text)
    shapes = [(u.shape, text[u.start : u.end]) for u in units]
    assert (CONTEXT, "SCHOOL HISTORY") in shapes
    assert ("row", "2009\tLincoln Elementary\tRetained in grade 3") in shapes
    assert all(not (u.shape == "row" and "Notes" in text[u.start : u.end]) for u in units)  # the header row


def test_pieces_of_one_sentence_share_a_group_and_sentences_do_not():
    text = "He was arrested in 2003 and was detained. He enrolled in school."
    units = [u for u in reading_units(text) if not u.context_only]
    assert [text[u.start : u.end] for u in units] == [
        "He was arrested in 2003", "was detained", "He enrolled in school"
    ]
    assert units[0].group == units[1].group != units[2].group
