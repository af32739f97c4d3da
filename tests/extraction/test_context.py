"""Negated, hypothetical and background mentions (ConText), and whose event a mention is (experiencer)."""

from __future__ import annotations

import pytest

from extraction.pipeline.events import find_events
from extraction.pipeline.nlp import TRIGGERS, load_nlp
from extraction.pipeline.types import ExtractedText


def categories(text: str) -> list[str]:
    return sorted({e.category for e in find_events(ExtractedText("t.txt", (text,)))})


def events(text: str):
    return find_events(ExtractedText("t.txt", (text,)))


@pytest.mark.parametrize(
    "text",
    [
        "He denies any drug use.",
        "Mother denied alcohol use during pregnancy.",
        "No history of head injury.",
        "Physical Abuse: not alleged; no indicators found.",
        "Mr. Ashby denies current suicidal ideation, intent or plan.",
        "He denies auditory or visual hallucinations, and there is no evidence of a formal thought disorder.",
        "Patient denies alcohol, tobacco or illicit drug use.",
        "He has never been arrested.",
        "There was no evidence that he was abused as a child.",
        "Veteran status: No",
        "Prior evictions: None",
        "Disabling condition: Data not collected",
    ],
)
def test_negated_mentions_are_not_proposed(text):
    assert categories(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "If Mr. Ashby were to lose access to medication-assisted treatment, his risk of relapse and fatal "
        "overdose "
        "would rise substantially.",
        "He would benefit from continued trauma-focused therapy, stable housing and completion of his GED.",
        "Rule out: Mild Neurocognitive Disorder due to Traumatic Brain Injury.",
        "Note: Referral to Legal Aid for a child-support modification is planned but has not yet been made.",
        "Should he stop attending, he will be discharged from the program.",
        "If Devon is given the opportunity, I would hire him back tomorrow.",
        "He may suffer from fetal alcohol spectrum disorder.",
        "Neuropsychological testing is recommended.",
        "The treatment team recommends intensive outpatient treatment after discharge.",
        "He wants to go back to school and would like to enroll in college.",
        "Client will stay with his girlfriend.",
        "Residents under the influence may be asked to leave for the night.",
        "If client discontinues medication, his risk of overdose would be high.",
    ],
)
def test_hypothetical_mentions_are_not_proposed(text):
    assert categories(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a counterfactual about counsel does not make the fact hypothetical
        ("Trial counsel failed to present evidence that his father beat him regularly.", ["trauma_abuse"]),
        ("Counsel did not present evidence that he had been sexually abused.", ["trauma_abuse"]),
        ("Had counsel investigated, they would have learned that her father drank daily.", ["birth_family"]),
        # a negation that belongs to the trigger's own phrase
        ("He never knew his father.", ["birth_family"]),
        ("The boys were left alone for two days without an adult or food.", ["trauma_abuse"]),
        ("He never finished high school.", ["education"]),
        # allegations are asserted
        ("He reported that he was allegedly beaten by an uncle.", ["trauma_abuse"]),
        # a negation ends at "but"
        ("He is not married, but he pays child support for his two sons.", ["family_responsibilities"]),
    ],
)
def test_asserted_mentions_are_proposed(text, expected):
    assert categories(text) == expected


def test_context_marker_sets_span_flags():
    doc = load_nlp()("He denies any history of sexual abuse but reports that his stepfather beat him.")
    flags = {sp.text: (sp._.negated, sp._.hypothetical) for sp in doc.spans[TRIGGERS]}
    assert flags["sexual abuse"] == (True, False)
    assert flags["beat him"] == (False, False)


def test_negative_table_cells_negate_their_row():
    text = (
        "Substance\tAge 1st use\tPattern / last use\tRoute\n"
        "Heroin\t21\tDaily; last use 04/02/2023\tIntranasal\n"
        "Cocaine\t--\tDenies any use\t--\n"
    )
    found = events(text)
    assert [(e.category, text[e.start : e.end].split("\t")[0]) for e in found] == [
        ("substance_use", "Heroin")
    ]


@pytest.mark.parametrize(
    ("text", "category", "subject"),
    [
        ("His mother drank heavily during the pregnancy.", "health", "client"),
        ("His mother used heroin throughout his childhood.", "birth_family", "mother"),
        ("His father was incarcerated for most of his childhood.", "birth_family", "father"),
        (
            "His older brother was arrested in 2011 and sentenced to six years in prison.",
            "birth_family",
            "brother",
        ),
        ("His grandmother, who raised him, died of a stroke in March 2008.", "birth_family", "grandmother"),
        ("He was beaten by his stepfather.", "trauma_abuse", "client"),
        ("His stepfather regularly beat him with an extension cord.", "trauma_abuse", "client"),
        ("He began drinking at age 11.", "substance_use", "client"),
        ("Dr. Jones testified that Porter suffers from brain damage.", "health", "client"),
    ],
)
def test_experiencer_decides_the_category(text, category, subject):
    found = events(text)
    assert (category, subject) in {(e.category, e.subject) for e in found}


@pytest.mark.parametrize(
    "text",
    [
        "A maternal cousin was reportedly convicted of a drug offense in another state.",
        "Co-respondent T.J. (age 16) has a prior adjudication for robbery.",
        "Child: Devon M. Ashby\nThe mother's boyfriend was arrested and a protective order was issued.",
        "Client: Devon M. Ashby\nMr. Fenwick was arrested and a protective order was issued.",
        "The maternal grandmother works nights as a custodian at the county hospital.",
        "I am 22 and I am in nursing school.",
        "Ms. Ashby completed residential treatment at Wren House Women's Program in January 2002.",
        "He shot the victim twice in the chest.",
    ],
)
def test_incidental_facts_about_other_people_are_not_proposed(text):
    assert categories(text) == []


def test_background_clause_gives_way_to_the_main_event():
    text = (
        "Client reports he was evicted from his apartment in April 2016 after losing his roofing job and has "
        "slept in his car since August."
    )
    assert categories(text) == ["housing"]
    text = (
        "After Grandma Loretta died in 2008, Devon was the one who got me up for school and made my lunches."
    )
    assert categories(text) == ["family_responsibilities"]
