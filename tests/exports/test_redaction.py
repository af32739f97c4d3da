"""One matcher reduces a name the same way in the narrative and in the exhibit packet."""

from exports.document import Caption, Exhibit, NarrativeDocument, Paragraph, Section, TextRun
from exports.redaction import Redactor, redact_document

REDACTIONS = {"Maya Durant": "M.D.", "Maya": "M.D."}
TEXT = "Maya's school called. Mayan art class.\nMaya\nDurant was absent."
REDUCED = "M.D.'s school called. Mayan art class.\nM.D. was absent."  # what the packet test sees on its page


def test_whole_words_with_any_whitespace_between_them():
    assert Redactor(REDACTIONS).redact(TEXT) == REDUCED
    assert Redactor(REDACTIONS).finds("Maya\tDurant") and not Redactor(REDACTIONS).finds("Mayan art")
    assert Redactor({}).redact(TEXT) == TEXT and not Redactor({"  ": "x"}).finds(TEXT)


def test_the_narrative_is_reduced_by_the_same_matcher_as_the_packet():
    document = NarrativeDocument(
        caption=Caption(court="", parties="STATE v. X", docket_number="1", document_title="MEMO"),
        title="Mitigation",
        sections=(Section(title="Maya Durant", blocks=(Paragraph((TextRun(TEXT),)),)),),
        exhibits=(Exhibit("A", "Records of Maya Durant", "Record", "Maya's school", 1, (TEXT,)),),
    )

    reduced = redact_document(document, REDACTIONS)

    (section,) = reduced.sections
    assert section.title == "M.D." and section.blocks == (Paragraph((TextRun(REDUCED),)),)
    (exhibit,) = reduced.exhibits
    assert (exhibit.description, exhibit.source, exhibit.page_texts) == ("Records of M.D.", "M.D.'s school", (REDUCED,))
