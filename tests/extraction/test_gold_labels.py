"""Labels the model learns from: the unit a gold event overlaps most starts it, the rest of it goes on."""

from __future__ import annotations

from extraction.training.gold import B, CATEGORIES, I, IGNORE, O, GoldDocument, label_document


def labels_of(text: str, events: list[dict]) -> dict[str, dict[str, int]]:
    doc = label_document(GoldDocument("t", text, tuple(events)))
    return {
        text[u.start : u.end]: {c: doc.labels[i][k] for k, c in enumerate(CATEGORIES) if doc.labels[i][k] != O}
        for i, u in enumerate(doc.units)
    }


def span(text: str, words: str, **fields) -> dict:
    start = text.index(words)
    return {"start": start, "end": start + len(words), **fields}


TEXT = "He was arrested in 2003 and was charged with theft. His mother drank."


def test_an_event_over_two_pieces_starts_on_one_and_goes_on_over_the_other():
    ev = span(TEXT, "He was arrested in 2003 and was charged with theft", kind="life_event",
              category="justice_involvement")
    got = labels_of(TEXT, [ev])
    assert got["He was arrested in 2003"] == {"justice_involvement": B}
    assert got["was charged with theft"] == {"justice_involvement": I}
    assert got["His mother drank"] == {}


def test_two_events_of_one_category_in_one_sentence_are_two_starts():
    events = [
        span(TEXT, "He was arrested in 2003", kind="life_event", category="justice_involvement"),
        span(TEXT, "was charged with theft", kind="life_event", category="justice_involvement"),
    ]
    got = labels_of(TEXT, events)
    assert got["He was arrested in 2003"]["justice_involvement"] == B
    assert got["was charged with theft"]["justice_involvement"] == B


def test_a_piece_an_event_only_grazes_is_left_out_of_the_loss():
    ev = span(TEXT, "was charged with theft. His", kind="life_event", category="justice_involvement")
    got = labels_of(TEXT, [ev])
    assert got["was charged with theft"] == {"justice_involvement": B}
    assert got["His mother drank"] == {"justice_involvement": IGNORE}


def test_an_engagement_carries_its_status_on_its_first_piece():
    text = "She completed the outpatient program in 2019."
    ev = span(text, "She completed the outpatient program in 2019", kind="service_engagement",
              category="substance_use_treatment", status="completed")
    doc = label_document(GoldDocument("t", text, (ev,)))
    assert doc.statuses == [4]  # STATUS_LABELS.index("completed")
