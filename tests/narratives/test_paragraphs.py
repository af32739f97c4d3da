"""Drafts that read as paragraphs: topic sentence, order, one citation per sentence, each fact once in a narrative,
"doing now" from current engagements only; and the export's citations: side by side combined, repeated as Id."""

from __future__ import annotations

import datetime
import re

import pytest

from audit.services import Actor
from exports.assemble import combine_citations
from exports.document import Cite, citation_text
from narratives.drafting import DraftFact, assemble_paragraphs, topic_sentence
from narratives.models import Consent
from narratives.richtext import CitationRun, Paragraph, TextRun, cited_event_ids, uncited_paragraphs
from narratives.services import narrative_assemble_draft, narrative_create
from tests.factories import CaseFactory, EventSourceFactory, TimelineEventFactory

DOB = datetime.date(1990, 3, 2)


def _fact(event_id, statement, date, category="education"):
    return DraftFact(event_id=event_id, summary="raw record words", date=date, date_end="", age=None,
                     citation_label="(x)", href="#", statement=statement, category=category)


def _sentences(paragraph_html: str) -> list[str]:
    text = re.sub(r"<a [^>]+>[^<]*</a>", "¶", paragraph_html)
    return [s.strip() for s in re.sub(r"</?p>", "", text).split("¶") if s.strip()]


def test_a_life_period_becomes_a_paragraph_that_opens_with_a_topic_sentence_and_runs_in_order():
    facts = [
        _fact(2, "In 1999, Mr. Doe was held back in the third grade.", "1999"),
        _fact(1, "In 1997, Mr. Doe was placed in special education.", "1997"),
        _fact(3, "In 2006, Mr. Doe left school.", "2006", category="education"),
    ]

    body = assemble_paragraphs(sorted(facts, key=lambda f: f.date), dob=DOB, client="Mr. Doe", pronoun="he")

    first, second = body.split("\n")
    assert first.startswith("<p>The records of Mr. Doe’s childhood (1996–2003) describe his schooling. In 1997,")
    assert first.index("special education") < first.index("third grade")
    assert second.startswith("<p>The records of Mr. Doe’s adolescence (2003–2008) describe his schooling.")
    assert "raw record words" not in body
    assert uncited_paragraphs(body) == []
    # every sentence after the topic sentence carries exactly one citation
    assert len(re.findall(r'class="citation"', first)) == 2 and first.count("</a>") == 2


def test_one_fact_from_two_records_is_said_once_with_both_citations_together():
    facts = [_fact(1, "In 2001, Mr. Doe was removed from his mother's care.", "2001", "child_welfare"),
             _fact(2, "In 2001, Mr. Doe was removed from his mother's care.", "2001", "child_welfare")]

    body = assemble_paragraphs(facts, dob=DOB, client="Mr. Doe", pronoun="he")

    assert body.count("removed from his mother") == 1
    assert re.search(r'data-event="1"[^>]*>\(x\)</a><a [^>]*data-event="2"', body)


def test_topic_sentences_name_the_period_and_what_the_facts_are_about():
    assert topic_sentence(stage="adolescence", years="2005–2010", categories=["substance_use", "justice_involvement"],
                          client="Ms. Roe", pronoun="she") == (
        "The records of Ms. Roe’s adolescence (2005–2010) describe her use of alcohol and drugs and her contact "
        "with the courts."
    )
    assert topic_sentence(stage="", years="", categories=["housing"], client="Ms. Roe", pronoun="she") == (
        "Records that give no date also describe her housing."
    )


def test_citations_side_by_side_print_as_one_and_a_repeated_one_as_id():
    school = Cite("B", "School Records", (2,))
    letter = Cite("D", "Letters", (1,))
    runs = (TextRun("He was held back. "), CitationRun(1, (school,)), CitationRun(2, (letter, school)),
            TextRun(" He was suspended. "), CitationRun(3, (school, letter)), TextRun(" He left. "),
            CitationRun(4, (letter,)))

    (paragraph,) = combine_citations((Paragraph(runs),))
    citations = [run for run in paragraph.runs if isinstance(run, CitationRun)]

    assert [citation_text(c) for c in citations] == [
        "(Ex. B, School Records, at 2; Ex. D, Letters, at 1)", "(Id.)", "(Ex. D, Letters, at 1)"
    ]


@pytest.fixture
def case(db):
    return CaseFactory(client_name="Jordan Sample", client_dob=DOB)


def _event(case, **values):
    event = TimelineEventFactory(case=case, consent=Consent.APPROVED, **values)
    EventSourceFactory(event=event)
    return event


@pytest.mark.django_db
def test_no_fact_is_drafted_twice_and_doing_now_holds_only_current_engagements(case):
    old = _event(case, kind="service_engagement", category="substance_use_treatment", status="completed",
                 date="2016-03", date_sort="2016-03-01", date_end="2016-04", statement="In 2016, Jordan went to detox.")
    recent = _event(case, kind="service_engagement", category="substance_use_treatment", status="completed",
                    date="2023-01", date_sort="2023-01-01", date_end="2023-06",
                    statement="From January to June 2023, Jordan completed outpatient treatment.")
    active = _event(case, kind="service_engagement", category="education_services", status="active",
                    date="2023-05", date_sort="2023-05-01", statement="Since May 2023, Jordan has attended GED classes.")
    narrative = narrative_create(case=case, title="Draft", created_by=case.created_by)

    narrative_assemble_draft(narrative=narrative, actor=Actor(user=case.created_by), today=datetime.date(2024, 5, 6))

    now = narrative.sections.get(title="What the client is doing now").body
    substance = narrative.sections.get(title="Substance use").body
    assert set(cited_event_ids(now)) == {recent.pk, active.pk}
    assert cited_event_ids(substance) == [old.pk]  # the past service is told in its life period, once
    every = [event_id for section in narrative.sections.all() for event_id in cited_event_ids(section.body)]
    assert len(every) == len(set(every))


@pytest.mark.django_db
def test_sections_the_records_cannot_write_get_prompts_for_counsel_with_the_clients_own_goals(case):
    case.client_goals = "Keep my job. See my son every week."
    case.save()
    narrative = narrative_create(case=case, title="Draft", created_by=case.created_by)

    narrative_assemble_draft(narrative=narrative, actor=Actor(user=case.created_by))

    introduction = narrative.sections.get(title="Introduction").body
    goals = narrative.sections.get(title="The client's goals").body
    conclusion = narrative.sections.get(title="Conclusion").body
    assert introduction.startswith("<p>[COUNSEL: Introduce Jordan Sample to the Court")
    assert "<blockquote><p>“Keep my job.”</p><p>“See my son every week.”</p></blockquote>" in goals
    assert "[COUNSEL: State the request" in conclusion and "state's sentencing factors" in conclusion


@pytest.mark.django_db
def test_counsels_own_words_are_never_replaced_by_prompts(case):
    from narratives.services import section_save

    narrative = narrative_create(case=case, title="Draft", created_by=case.created_by)
    introduction = narrative.sections.get(title="Introduction")
    section_save(section=introduction, body="<p>Jordan Sample asks for mercy.</p>", expected_version=0,
                 actor=Actor(user=case.created_by))

    narrative_assemble_draft(narrative=narrative, actor=Actor(user=case.created_by))

    assert narrative.sections.get(title="Introduction").body == "<p>Jordan Sample asks for mercy.</p>"


def test_one_statement_for_events_of_two_periods_is_said_once_where_it_first_falls():
    facts = [_fact(1, "In June 2009, Mr. Doe married Ana Ruiz.", "2009", "family_responsibilities"),
             _fact(2, "In June 2009, Mr. Doe married Ana Ruiz.", "2016", "family_responsibilities")]
    said: set[str] = set()

    body = assemble_paragraphs(facts, dob=DOB, client="Mr. Doe", pronoun="he", said=said)
    again = assemble_paragraphs(facts, dob=DOB, client="Mr. Doe", pronoun="he", said=said)

    assert body.count("married Ana Ruiz") == 1 and 'data-event="2"' in body
    assert again == ""  # told already in an earlier section


def test_a_writer_quoted_again_straight_after_added_rather_than_wrote():
    facts = [_fact(1, "Ann Lee wrote: “He fed my dog.”", "2019", "community_ties"),
             _fact(2, "Ann Lee wrote: “He fixed my roof.”", "2019", "community_ties")]

    body = assemble_paragraphs(facts, dob=DOB, client="Mr. Doe", pronoun="he")

    assert "Ann Lee wrote: “He fed my dog.”" in body and "Ann Lee added: “He fixed my roof.”" in body
