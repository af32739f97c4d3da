"""Which date an event gets (dating.RecordDates), independent of which events the model proposes."""

from __future__ import annotations

import datetime as dt

import pytest

from extraction.pipeline.dating import RULES, RecordDates
from extraction.pipeline.segment import segment


def date_of(text: str, phrase: str, *, dob: dt.date | None = None, cue: str | None = None) -> str | None:
    """The date given to an event on ``phrase`` (its first occurrence in ``text``)."""
    units = segment(text, skip_section_re=RULES["skip_section_re"])
    start = text.index(phrase)
    end = start + len(phrase)
    index = next(i for i, u in enumerate(units) if u.start <= start < u.end)
    cue_at = text.index(cue) if cue else None
    mention = RecordDates(text, units, dob=dob).date_for(index, start, end, cue=cue_at)
    return mention.value if mention else None


@pytest.mark.parametrize(
    ("text", "phrase", "expected"),
    [
        ("In March 2009 he was retained in the fourth grade.", "he was retained in the fourth grade", "2009-03"),
        ("He was expelled on 11/03/2009.", "He was expelled on 11/03/2009", "2009-11-03"),
        ("He worked as a laborer from 2014 until early 2016.", "He worked as a laborer", "2014"),
        ("In the 2002-03 school year he repeated the second grade.", "he repeated the second grade", "2002"),
        ("He dropped out of school in the ninth grade.", "He dropped out of school", None),
    ],
)
def test_a_date_in_the_event_or_its_sentence(text, phrase, expected):
    assert date_of(text, phrase) == expected


def test_an_age_resolves_against_the_records_dob_or_the_given_one():
    sentence = "At age 12 he was struck by a car and lost consciousness."
    header = "Examinee: Jordan Vale\tDOB: 06/11/1995\n\n"
    assert date_of(header + sentence, "he was struck by a car") == "2007"
    assert date_of(sentence, "he was struck by a car") is None
    assert date_of(sentence, "he was struck by a car", dob=dt.date(1995, 6, 11)) == "2007"


def test_someone_elses_age_does_not_date_the_clients_event():
    text = "Client: Jordan Vale (DOB 06/11/1995)\n\nHe lived with his brother Keith, 17, and their mother."
    assert date_of(text, "He lived with his brother") is None


def test_an_undated_entry_takes_the_date_of_its_note():
    text = "11/14/2016 (case manager) - Intake. Client asked for help getting into detox; referred to detox."
    assert date_of(text, "referred to detox") == "2016-11-14"


def test_history_statements_stay_undated():
    text = "Letter dated August 28, 2023.\n\nOne time he got a black eye stepping in between them."
    assert date_of(text, "he got a black eye stepping in between them") is None


def test_a_present_finding_in_a_dated_report_takes_the_reports_date():
    text = "Date of report: 03/02/2021\n\nDIAGNOSES\nHe meets criteria for post-traumatic stress disorder."
    assert date_of(text, "He meets criteria for post-traumatic stress disorder") == "2021-03-02"


def test_a_row_is_dated_by_its_period_or_by_the_end_when_the_reason_is_the_event():
    text = (
        "School\tGrades\tEntry\tWithdrawal\tReason\n"
        "Harlow Middle School\t6-8\t08/22/2007\t11/03/2009\tExpelled\n"
    )
    row = "Harlow Middle School\t6-8\t08/22/2007\t11/03/2009\tExpelled"
    assert date_of(text, row, cue="Harlow") == "2007-08-22"
    assert date_of(text, row, cue="Expelled") == "2009-11-03"


def test_an_age_column_dates_a_row():
    text = "Client: Jordan Vale   DOB: 04/02/1990\n\nAge\tEvent\n14\tFirst arrest for shoplifting\n"
    assert date_of(text, "14\tFirst arrest for shoplifting") == "2004"


def test_a_release_stamp_dates_the_copy_not_the_encounter():
    text = (
        "COPY RELEASED TO COUNTY PUBLIC DEFENDER 03/02/2025 - ROI #77-12\n\n"
        "EMERGENCY DEPARTMENT NOTE\nPatient: DOE, JAMIE   DOB: 01/05/1990\nArrival: 07/19/2022 23:40\n\n"
        "SOCIAL HISTORY: Works nights at a bottling plant. Smokes a pack a day.\n"
        "PAST HISTORY: Appendectomy (2009).\n"
    )
    assert date_of(text, "Works nights at a bottling plant") == "2022-07-19"


def test_every_fact_of_a_log_entry_takes_the_entrys_date_past_tense_included():
    text = (
        "CONTACT LOG\n\n"
        "02/11/2021 14:00 | drop-in center | staff A\n"
        "First contact. Had been sleeping in a stairwell since the fall. Took a bus pass.\n\n"
        "05/03/2021 09:15 | office | staff B\n"
        "Lost his job at the car wash last week.\n"
    )
    assert date_of(text, "Had been sleeping in a stairwell") == "2021-02-11"
    assert date_of(text, "Lost his job at the car wash") == "2021-05-03"


def test_a_single_dated_line_does_not_make_a_letter_a_log():
    text = "March 3, 2023\n\nTo the Court:\n\nI have known him since he was a boy. He lost his father young.\n"
    assert date_of(text, "He lost his father young") is None


def test_a_childs_age_in_a_form_row_does_not_date_the_row():
    text = (
        "INTAKE SCREENING\nName: Pat Doe\tDOB: 04/04/1988\nScreening date: 09/12/2024\n\n"
        "Question\tAnswer\tDetail\n"
        "Children under 18?\tY\tDaughter, age 6, lives with her aunt\n"
        "Employed?\tN\tLaid off in June\n"
    )
    assert date_of(text, "Daughter, age 6, lives with her aunt", cue="Daughter") != "1994"


def test_a_date_told_with_the_fact_in_its_cell_dates_it_before_the_rows_period():
    text = (
        "SCHOOL HISTORY\n\nSchool\tGrades\tEntered\tLeft\tOutcome\n"
        "Lakeview High School\t9-12\t08/2010\t06/2014\tGraduated 06/07/2014 with a standard diploma\n"
    )
    assert date_of(text, "Graduated 06/07/2014 with a standard diploma", cue="Graduated") == "2014-06-07"
