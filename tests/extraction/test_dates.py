"""Date, age and relative-date mentions: extraction/pipeline/dates.py. No database, no Django, no spaCy."""

from __future__ import annotations

import datetime as dt

import pytest

from extraction.pipeline.dates import DateMention, find_anchor_dates, find_dates, find_document_dob

DOB = dt.date(1995, 6, 11)
NOTE_DATE = dt.date(2004, 5, 10)


def only(text: str, **kwargs) -> DateMention:
    mentions = find_dates(text, **kwargs)
    assert len(mentions) == 1, mentions
    return mentions[0]


def summary(m: DateMention) -> tuple:
    return (m.text, m.value, m.value_end, m.precision, m.approximate, m.kind)


# ------------------------------------------------------------------------------------------------ full dates

@pytest.mark.parametrize(("text", "expected"), [
    ("Arrested on March 14, 2009 at home.", ("March 14, 2009", "2009-03-14", None, "day", False, "date")),
    ("Arrested on March 14th 2009.", ("March 14th 2009", "2009-03-14", None, "day", False, "date")),
    ("Seen 14 March 2009.", ("14 March 2009", "2009-03-14", None, "day", False, "date")),
    ("Seen on the 14th of March, 2009.", ("the 14th of March, 2009", "2009-03-14", None, "day", False, "date")),
    ("Entered this 22nd day of August, 2023.", ("this 22nd day of August, 2023", "2023-08-22", None, "day", False, "date")),
    ("Seen Mar. 14, 2009 by Dr. Okafor.", ("Mar. 14, 2009", "2009-03-14", None, "day", False, "date")),
    ("Seen Sept. 3, 2010.", ("Sept. 3, 2010", "2010-09-03", None, "day", False, "date")),
    ("DATE OF INCIDENT: MARCH 14, 2009", ("MARCH 14, 2009", "2009-03-14", None, "day", False, "date")),
    ("Removed on 03/14/2009.", ("03/14/2009", "2009-03-14", None, "day", False, "date")),
    ("Removed on 3/14/09.", ("3/14/09", "2009-03-14", None, "day", False, "date")),
    ("Born 7-4-91 at St. Aldric.", ("7-4-91", "1991-07-04", None, "day", False, "date")),
    ("Timestamp 2009-03-14 in the export.", ("2009-03-14", "2009-03-14", None, "day", False, "date")),
    ("Seen 03.14.2009 in clinic.", ("03.14.2009", "2009-03-14", None, "day", False, "date")),
    ("on or about 12-01-2001 he left", ("on or about 12-01-2001", "2001-12-01", None, "day", True, "date")),
    ("Approximately 3/14/2009 he ran away.", ("Approximately 3/14/2009", "2009-03-14", None, "day", True, "date")),
    ("Seen 14/03/2009 (day first).", ("14/03/2009", "2009-03-14", None, "day", False, "date")),
    ("Admitted 14-Mar-2009 via ED.", ("14-Mar-2009", "2009-03-14", None, "day", False, "date")),
    ("Discharged 16-MAR-09.", ("16-MAR-09", "2009-03-16", None, "day", False, "date")),
    ("Friday, March 13, 2009, at 3:00 p.m.", ("March 13, 2009", "2009-03-13", None, "day", False, "date")),
    ("OCR text March14,2009 here", ("March14,2009", "2009-03-14", None, "day", False, "date")),
])
def test_full_dates_have_day_precision(text, expected):
    assert summary(only(text)) == expected


def test_mention_text_is_the_slice_of_its_offsets():
    text = "Intake 11/14/2016; evicted in April 2016 and again\fin the summer of 2018."
    mentions = find_dates(text)
    assert [m.text for m in mentions] == ["11/14/2016", "April 2016", "the summer of 2018"]
    assert all(text[m.start:m.end] == m.text for m in mentions)


@pytest.mark.parametrize(("text", "expected"), [
    ("Hospitalized 02/30/2009.", ("02/30/2009", "2009-02", None, "month", False, "date")),  # no such day
    ("Seen February 30, 2009.", ("February 30, 2009", "2009-02", None, "month", False, "date")),
])
def test_impossible_day_falls_back_to_the_month(text, expected):
    assert summary(only(text)) == expected


@pytest.mark.parametrize("text", ["Seen 13/45/2001.", "Seen 00/12/2001.", "Seen 2/30/09."])
def test_impossible_dates_are_not_returned(text):
    assert [m.precision for m in find_dates(text)] in ([], ["year"])
    assert all(m.precision != "day" for m in find_dates(text))


# --------------------------------------------------------------------------------------------- partial dates

@pytest.mark.parametrize(("text", "expected"), [
    ("In March 2009 he was retained.", ("March 2009", "2009-03", None, "month", False, "date")),
    ("In March of 2009 he was retained.", ("March of 2009", "2009-03", None, "month", False, "date")),
    ("completed 01/2022", ("01/2022", "2022-01", None, "month", False, "date")),
    ("Jan-2010\tSertraline 50 mg", ("Jan-2010", "2010-01", None, "month", False, "date")),
    ("In 2009 he was retained.", ("2009", "2009", None, "year", False, "date")),
    ("Newborn records (1995) were reviewed.", ("1995", "1995", None, "year", False, "date")),
    ("He left in '09.", ("'09", "2009", None, "year", False, "date")),
    ("He fell in spring of 2009.", ("spring of 2009", "2009", None, "year", True, "season")),
    ("It began in the autumn of 2016.", ("the autumn of 2016", "2016", None, "year", True, "season")),
    ("during the summer of 1998", ("the summer of 1998", "1998", None, "year", True, "season")),
    ("enrolled Fall 2016", ("Fall 2016", "2016", None, "year", True, "season")),
    ("in the summer of '98", ("the summer of '98", "1998", None, "year", True, "season")),
    ("He relapsed in late 2015.", ("late 2015", "2015", None, "year", True, "date")),
    ("He relapsed in mid-2015.", ("mid-2015", "2015", None, "year", True, "date")),
    ("by the end of 2015", ("the end of 2015", "2015", None, "year", True, "date")),
    ("in early March 2009", ("early March 2009", "2009-03", None, "month", True, "date")),
    ("circa 1985", ("circa 1985", "1985", None, "year", True, "date")),
    ("sometime in 2004", ("sometime in 2004", "2004", None, "year", True, "date")),
    ("in the first quarter of 2010", ("first quarter of 2010", "2010", None, "year", True, "date")),
    ("in the early 1990s", ("early 1990s", "1990", "1993", "year", True, "range")),
    ("in the 1990s", ("1990s", "1990", "1999", "year", True, "range")),
    ("in the late '90s", ("the late '90s", "1997", "1999", "year", True, "range")),
    ("in the nineties", ("the nineties", "1990", "1999", "year", True, "range")),
])
def test_partial_dates_keep_honest_precision(text, expected):
    assert summary(only(text)) == expected


def test_decade_words_need_the_article():
    """"in his twenties" is an age span, not the 1920s."""
    assert find_dates("He started drinking in his twenties.") == []


# ---------------------------------------------------------------------------------- school years and ranges

@pytest.mark.parametrize(("text", "expected"), [
    ("2002-03\t2\t38\tU\tRETAINED", ("2002-03", "2002", "2003", "year", True, "school_year")),
    ("in the 2002–03 school year", ("2002–03 school year", "2002", "2003", "year", True, "school_year")),
    ("grades for 2002-2003 at Wren Street School", ("2002-2003", "2002", "2003", "year", True, "school_year")),
    ("school year 2009/10", ("school year 2009/10", "2009", "2010", "year", True, "school_year")),
    ("1999-00 grade 4", ("1999-00", "1999", "2000", "year", True, "school_year")),
    ("worked there 2014-2016", ("2014-2016", "2014", "2016", "year", False, "range")),
    ("DCFS records (1995-2004)", ("1995-2004", "1995", "2004", "year", False, "range")),
    ("records 1995-98", ("1995-98", "1995", "1998", "year", False, "range")),
    ("lived there 2014 to 2016", ("2014 to 2016", "2014", "2016", "year", False, "range")),
    ("He worked from 2014 until 2016.", ("from 2014 until 2016", "2014", "2016", "year", False, "range")),
    ("from 2014 until early 2016", ("from 2014 until early 2016", "2014", "2016", "year", True, "range")),
    ("between 2016 and 2018", ("between 2016 and 2018", "2016", "2018", "year", False, "range")),
    ("March 2016 - June 2018", ("March 2016 - June 2018", "2016-03", "2018-06", "month", False, "range")),
    ("02/08/2000 - 09/14/2000\tPruitt", ("02/08/2000 - 09/14/2000", "2000-02-08", "2000-09-14", "day", False, "range")),
    ("02/08/2000-09/14/2000", ("02/08/2000-09/14/2000", "2000-02-08", "2000-09-14", "day", False, "range")),
    ("play therapy from February through June 2001",
     ("from February through June 2001", "2001-02", "2001-06", "month", False, "range")),
    ("From March 3 to April 5, 2010 he was jailed.",
     ("From March 3 to April 5, 2010", "2010-03-03", "2010-04-05", "day", False, "range")),
    ("March 14-16, 2009", ("March 14-16, 2009", "2009-03-14", "2009-03-16", "day", False, "range")),
    ("enrolled Fall 2016 - Spring 2018", ("Fall 2016 - Spring 2018", "2016", "2018", "year", True, "range")),
    ("2016-present", ("2016-present", "2016", None, "year", False, "range")),
    ("March 2016 to present", ("March 2016 to present", "2016-03", None, "month", False, "range")),
    ("10/12/2020 – Present", ("10/12/2020 – Present", "2020-10-12", None, "day", False, "range")),
    ("a member since 2020", ("since 2020", "2020", None, "year", False, "range")),
    ("worked there until 2012", ("until 2012", None, "2012", None, False, "range")),
    ("lived there up until March 2012", ("up until March 2012", None, "2012-03", None, False, "range")),
    ("clean through 2002", ("through 2002", None, "2002", None, False, "range")),
])
def test_school_years_and_ranges(text, expected):
    assert summary(only(text)) == expected


def test_years_joined_by_and_without_between_stay_separate():
    assert [m.value for m in find_dates("In 2021 and 2022 he coached.")] == ["2021", "2022"]


def test_dates_in_separate_table_cells_stay_separate():
    text = "11/14/2016   02/27/2017   Emergency Shelter - Men"
    assert [(m.value, m.kind) for m in find_dates(text)] == [("2016-11-14", "date"), ("2017-02-27", "date")]


# ------------------------------------------------------------------------------------------------------- ages

@pytest.mark.parametrize(("text", "expected"), [
    ("At age 12 he was struck by a car.", ("At age 12", 12, "2007", None)),
    ("Keith (age 8) was left alone.", ("age 8", 8, "2003", None)),
    ("Age: 28", ("Age: 28", 28, "2023", None)),
    ("He was aged 12 at the time.", ("He was aged 12", 12, "2007", None)),
    ("Placed in care aged 12.", ("aged 12", 12, "2007", None)),
    ("began smoking marijuana at 12, using daily", ("at 12", 12, "2007", None)),
    ("In November 2011, at 16, he swallowed pills", ("at 16", 16, "2011", None)),
    ("He ran away at 15 and was placed in detention.", ("at 15", 15, "2010", None)),
    ("He was abused when he was 12.", ("when he was 12", 12, "2007", None)),
    ("When Devon was twelve, his grandmother died.", ("When Devon was twelve", 12, "2007", None)),
    ("even though he was only 13", ("he was only 13", 13, "2008", None)),
    ("The boy, who was 12, ran.", ("who was 12", 12, "2007", None)),
    ("He turned 18 and aged out of care.", ("He turned 18", 18, "2013", None)),
    ("When petitioner was four, his father left.", ("When petitioner was four", 4, "1999", None)),
    ("When the child was 3 he was removed.", ("When the child was 3", 3, "1998", None)),
    ("a 12-year-old boy", ("12-year-old", 12, "2007", None)),
    ("a twelve-year-old boy", ("twelve-year-old", 12, "2007", None)),
    ("a 17 y/o male", ("17 y/o", 17, "2012", None)),
    ("abandoned at the age of seven", ("at the age of seven", 7, "2002", None)),
    ("at the age of twenty-one", ("at the age of twenty-one", 21, "2016", None)),
    ("arrested at 16 years old", ("at 16 years old", 16, "2011", None)),
    ("He was 12 years of age.", ("He was 12 years of age", 12, "2007", None)),
    ("Smith, then 17, was arrested.", ("then 17", 17, "2012", None)),
    ("from about age 8 to 9", ("from about age 8 to 9", 8, "2003", "2004")),
    ("age 4-5", ("age 4-5", 4, "1999", "2000")),
    ("between the ages of 8 and 10", ("between the ages of 8 and 10", 8, "2003", "2005")),
    ("hospitalized at 18 months old", ("18 months old", 1, "1996-12", None)),
    ("on his 16th birthday", ("his 16th birthday", 16, "2011-06-11", None)),
    ("positive toxicology at birth", ("at birth", 0, "1995-06-11", None)),
])
def test_ages_resolve_against_the_date_of_birth(text, expected):
    (m,) = [m for m in find_dates(text, dob=DOB) if m.kind == "age"]
    assert (m.text, m.age, m.value, m.value_end) == expected
    assert m.kind == "age"


def test_age_resolution_gives_an_approximate_year():
    m = only("At age 12 he was struck by a car.", dob=DOB)
    assert (m.precision, m.approximate) == ("year", True)


@pytest.mark.parametrize("text", ["age 14", "At age 12 he fell.", "when he was 12", "a 12-year-old"])
def test_ages_without_dob_are_not_dates(text):
    m = only(text)
    assert m.kind == "age" and m.age is not None
    assert (m.value, m.precision) == (None, None)


@pytest.mark.parametrize("text", ["He started using at 12 or 13.", "ages 8 and 10", "when he was 12 or 13"])
def test_ages_given_as_alternatives_have_no_value(text):
    m = only(text, dob=DOB)
    assert (m.kind, m.value, m.age) == ("age", None, None)


def test_an_age_that_would_lie_in_the_future_is_someone_elses():
    m = only("The maternal grandmother (age 51) lives nearby.", dob=DOB, anchor=dt.date(1999, 11, 18))
    assert (m.age, m.value) == (51, None)


@pytest.mark.parametrize("text", ["lived with his grandmother until age 10", "until he was 10, he lived there"])
def test_until_age_states_only_the_end_of_a_period(text):
    m = only(text, dob=DOB)
    assert (m.value, m.value_end, m.age) == (None, "2005", 10)


@pytest.mark.parametrize("text", [
    "Age 1st use\tPattern / last use",  # a table header, no age
    "Finnegan scores peaked at 9.",
    "Delivered at 35 2/7 weeks gestation.",
    "Seen at 3:00 pm.",
    "He lives at 16 Main St.",
    "Id. at 12.",
    "The record at 45, shows otherwise.",
    "He arrived at 9, late.",
    "He woke at 5 in the morning.",
    "Persons under the age of 18 may not consent.",
    "Children ages 8-10 attend the program.",
    "Serving a 12-year sentence.",
    "He was 45 minutes late.",
    "His score was 74.",
])
def test_numbers_that_are_not_ages(text):
    assert [m for m in find_dates(text, dob=DOB) if m.kind == "age"] == []


# -------------------------------------------------------------------------------------------- two-digit years

@pytest.mark.parametrize(("text", "anchor", "dob", "value"), [
    ("7-4-91", None, None, "1991-07-04"),
    ("3/14/09", None, None, "2009-03-14"),
    ("6/11/95", None, None, "1995-06-11"),
    ("1/1/05", dt.date(2004, 5, 10), None, "2005-01-01"),  # up to a year after the note: a scheduled date
    ("1/1/10", dt.date(2004, 5, 10), None, "1910-01-01"),  # later than that: the previous century
    ("1/1/10", dt.date(2004, 5, 10), DOB, "2010-01-01"),  # ... unless that is decades before the client's birth
    ("Mother DOB 2/2/55", None, DOB, "1955-02-02"),  # ... and the later century is not far in the future
])
def test_two_digit_years_take_the_century_the_record_implies(text, anchor, dob, value):
    assert only(text, anchor=anchor, dob=dob).value == value


# ---------------------------------------------------------------------------------------------- relative dates

@pytest.mark.parametrize(("text", "value", "precision", "approximate"), [
    ("sleeping in his car since the previous fall", "2003", "year", True),  # the GUIDELINES example
    ("He relapsed last fall.", "2003", "year", True),
    ("He was evicted last spring.", "2003", "year", True),  # spring 2004 has not ended on May 10
    ("He was jailed last winter.", "2003", "year", True),  # winter 2003-04 starts in December 2003
    ("He was jailed last year.", "2003", "year", False),
    ("He worked the prior year.", "2003", "year", False),
    ("He was evicted two years ago.", "2002", "year", True),
    ("He relapsed a year ago.", "2003", "year", True),
    ("He was admitted six months ago.", "2003-11", "month", True),
    ("He relapsed earlier this year.", "2004", "year", False),
    ("He moved out last month.", "2004-04", "month", False),
    ("He relapsed last week.", "2004-05", "month", True),
    ("He used heroin yesterday.", "2004-05-09", "day", False),
    ("He used heroin three days ago.", "2004-05-07", "day", False),
    ("He used heroin today.", "2004-05-10", "day", False),
    ("He used heroin last night.", "2004-05-09", "day", False),
    ("He will be seen tomorrow.", "2004-05-11", "day", False),
])
def test_relative_dates_count_from_the_note_date(text, value, precision, approximate):
    m = only(text, anchor=NOTE_DATE)
    assert (m.kind, m.value, m.precision, m.approximate) == ("relative", value, precision, approximate)


@pytest.mark.parametrize(("text", "expected"), [
    ("In March 2009 he was expelled; the following spring he enrolled at Job Corps.", ("the following spring", "2010")),
    ("In March 2009 he was expelled; the following fall he enrolled.", ("the following fall", "2009")),
    ("He was arrested in March 2009 and convicted that same month.", ("that same month", "2009-03")),
    ("He was arrested on 05/02/2010 and released the next day.", ("the next day", "2010-05-03")),
    ("He enlisted in 2013. Two years later he was discharged.", ("Two years later", "2015")),
    ("He was expelled in 2009; the previous year he was suspended.", ("the previous year", "2008")),
    ("He was released in 2010 and later that year he relapsed.", ("later that year", "2010")),
    ("At age 5 he was hit by a car; the following year he began school.", ("the following year", "2001")),
])
def test_anaphoric_relative_dates_count_from_the_date_just_told(text, expected):
    mentions = find_dates(text, dob=DOB, anchor=NOTE_DATE)
    assert (mentions[-1].text, mentions[-1].value) == expected
    assert mentions[-1].kind == "relative"


def test_offset_before_a_stated_date():
    """GUIDELINES: "for about two years before June 2015" is 2013."""
    m = only("He used daily for about two years before June 2015.")
    assert (m.text, m.value, m.approximate, m.kind) == ("about two years before June 2015", "2013", True, "relative")


@pytest.mark.parametrize(("text", "mention"), [
    ("He relapsed last year.", "last year"),
    ("He was evicted the previous fall.", "the previous fall"),
    ("He used heroin yesterday.", "yesterday"),
    ("Several years later he relapsed.", "Several years later"),
    ("He relapsed two years after his release.", "two years after"),
])
def test_unanchored_relative_dates_are_returned_without_a_value(text, mention):
    m = only(text)
    assert (m.text, m.value, m.precision, m.kind) == (mention, None, None, "relative")


def test_yearless_day_takes_the_anchor_year_approximately():
    assert summary(only("Seen on March 3 for intake.", anchor=NOTE_DATE)) == (
        "March 3", "2004-03-03", None, "day", True, "date")
    assert only("Seen on December 3.", anchor=NOTE_DATE).value == "2003-12-03"  # not seven months ahead
    assert only("Seen on March 3 for intake.").value is None


@pytest.mark.parametrize("text", [
    "Recently he relapsed.",
    "Subsequently he was discharged.",
    "He still has that fall injury.",
    "After that fall from the ladder he used pills.",
    "To this day he has headaches.",
    "That fall he broke his wrist.",
    "It was his last day at work.",
    "During his last year of high school he was expelled.",
    "He was suspended in the last week of the term.",
])
def test_vague_or_non_temporal_words_are_not_dates(text):
    assert find_dates(text, anchor=NOTE_DATE) == []


# ------------------------------------------------------------------------------------------ numbers, not dates

@pytest.mark.parametrize("text", [
    "Tel (555) 014-8800",
    "State v. Ashby, No. 23-CF-00417",
    "Client ID: CRS-23-0419",
    "Case No.: CPI-1999-11-04472",
    "Case Nos.: JV-2008-1187; JV-2010-0642",
    "Report No. 95-06-1187",
    "Full Scale IQ 78",
    "attending 24 of 26 sessions",
    "10/11/2023 14:02"[11:],  # the time alone
    "Wexbridge, AD 40913",
    "ZIP 20009",
    "paid $1,200 in rent",
    "paid $2009 in rent",
    "45% of the time",
    "F11.20 Opioid use disorder",
    "Buprenorphine/naloxone 16 mg daily",
    "takes 2000 mg daily",
    "Page 2 of 3",
    "Badge 2217",
    "Room 2010",
    "lives at 2009 Main Street",
    "1945 hours",
    "scored 1990 on the SAT",
    "Section 2009 of the Code",
    "42 CFR Part 2",
    "Arden Juvenile Code 12-406",
    "ARS 27-214",
    "§ 12-3-45",
    "vision 20/20, BP 120/80",
    "8 mg/2 mg daily",
    "Apgar 6/8 at 35 2/7 weeks",
    "Birth weight 2,130 g",
    "TOMM Trial 2 50/50",
    "1,500 calories",
    "P.001/002",
    "Tel (555) 014 2009",
    "call 2009 555 1234",
    "bond of $ 2009",
])
def test_numbers_that_are_not_dates(text):
    assert find_dates(text, dob=DOB) == []


@pytest.mark.parametrize("text", [
    "Wiggins v. Smith, 539 U.S. 510, 524 (2003).",
    "Strickland v. Washington, 466 U.S. 668 (1984).",
    "State v. Doe, 123 S.W.3d 456 (Tex. Crim. App. 2009) (per curiam).",
    "Rompilla v. Beard, 355 F.3d 233 (3d Cir. 2004).",
    "Ark. Code Ann. § 5-4-603 (Repl. 1997).",
    "Doe v. State, 2009 WL 123456.",
    "18 U.S.C. 2011.",
])
def test_years_in_legal_citations_are_not_event_years(text):
    assert find_dates(text) == []


def test_a_year_in_parentheses_outside_a_citation_is_kept():
    assert [m.value for m in find_dates("in his first foster home (2000) he was whipped")] == ["2000"]


# ------------------------------------------------------------------------------------------- output guarantees

PAGE = (
    "CASE NOTES\n"
    "11/14/2016 (J. Soto) - Intake. Client reports he was evicted in April 2016 after losing his job and has "
    "slept in his car since August. He first drank at age 11 and was using daily by 14.\n"
    "12/04/2017 (J. Soto) - Re-entry. Released from jail on 11/30/2017 after 30 days; Badge 2217; Bed 22.\n"
    "Placement history: 02/08/2000 - 09/14/2000 Pruitt foster home; 2001-2008 grandmother; school year 2002-03 "
    "retained. From 2014 until early 2016 he worked as a roofer. The following spring he enrolled in a GED "
    "program. Two years later he overdosed (March 2019) and again in December 2021. Tel (555) 014-8800.\n"
)


def test_output_is_sorted_and_never_overlaps():
    mentions = find_dates(PAGE * 5, dob=DOB, anchor=NOTE_DATE)
    assert len(mentions) > 40
    for before, after in zip(mentions, mentions[1:]):
        assert before.end <= after.start
    assert all((PAGE * 5)[m.start:m.end] == m.text and m.text == m.text.strip() for m in mentions)


def test_longest_most_specific_match_wins():
    assert [m.text for m in find_dates("On March 14, 2009 and in March 2016 - June 2018.")] == [
        "March 14, 2009", "March 2016 - June 2018"]


def test_empty_and_dateless_text():
    assert find_dates("") == []
    assert find_dates("He denies any drug use.") == []


def test_mentions_are_frozen_values():
    m = only("In 2009 he left.")
    assert m.year == 2009
    with pytest.raises(AttributeError):
        m.value = "2010"  # type: ignore[misc]


def test_pathological_input_does_not_backtrack():
    """A guard against catastrophic backtracking, not a speed target (speed lives in
    benchmarks/extraction_benchmark.py): a regex that backtracks on this input runs for hours, so a
    deadline of many seconds separates the two on any machine, however busy."""
    import signal

    text = ("1" * 5000) + " " + ("age " * 2000) + ("March " * 2000) + ("at " * 2000) + ("-" * 5000) + ("2009 " * 500)

    def hung(signum, frame):
        raise AssertionError("find_dates is still running after 30 s: a pattern backtracks")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(30)
    try:
        find_dates(text, dob=DOB)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# -------------------------------------------------------------------------------------------- date of birth

@pytest.mark.parametrize(("text", "expected"), [
    ("Client: ASHBY, DEVON M.\nDOB: 06/11/1995\nHMIS ID: CRM-0015532", DOB),
    ("Examinee: Devon Michael Ashby\tDOB: 06/11/1995", DOB),
    ("In the Interest of: D.M.A., a minor\tDOB: 06/11/1995", DOB),
    ("Student: ASHBY, Devon\nDate of Birth: 06/11/1995", DOB),
    ("Date of Birth 6/11/95", DOB),
    ("D.O.B. 1995-06-11", DOB),
    ("Date/Time of Birth: 06/11/1995 03:42\tSex: Male", DOB),
    ("Birthdate: June 11, 1995", DOB),
    ("Mr. Ashby was born June 11, 1995 in Wexbridge.", DOB),
    ("Mother DOB: 01/02/1975\nClient DOB: 6/11/95", DOB),  # a relative's DOB is skipped
    ("Maya, his daughter, was born on August 3, 2018. Devon was born on June 11, 1995.", DOB),
    ("Devon's daughter was born in August 2018.", None),
    ("No date of birth is recorded.", None),
    ("DOB: 13/45/1995", None),
])
def test_find_document_dob(text, expected):
    assert find_document_dob(text) == expected


def test_find_document_dob_prefers_the_named_client():
    text = "Child: Keith D. Ashby (DOB 02/02/1991)\tChild: Devon M. Ashby (DOB 06/11/1995)"
    assert find_document_dob(text) == dt.date(1991, 2, 2)  # the first plausible one
    assert find_document_dob(text, client_name="Devon M. Ashby") == DOB
    assert find_document_dob(text, client_name="Keith Ashby") == dt.date(1991, 2, 2)


# -------------------------------------------------------------------------------------------- anchor dates

NOTES = """PROGRESS NOTE
Date: 05/10/2004
Client: J. Doe   DOB: 01/02/1990
Client reports he has been sleeping in his car since the previous fall.

- 05/17/2004 — Client missed appointment.
05/24/2004 (K. Lee) - Client reports relapse last week.
11/14/2016   02/27/2017   Emergency Shelter
02/08/2000 - 09/14/2000  Foster home
Note dated 06/01/2004: follow-up.
Report date: August 14, 2023
Birth date: 01/02/1990
Discharge date: 07/01/2004
Printed 06/12/2023 09:41
August 30, 2023
"""


def test_find_anchor_dates_finds_stated_note_dates():
    found = find_anchor_dates(NOTES)
    assert [d for _, d in found] == [
        dt.date(2004, 5, 10), dt.date(2004, 5, 17), dt.date(2004, 5, 24), dt.date(2004, 6, 1),
        dt.date(2023, 8, 14), dt.date(2023, 8, 30),
    ]
    offsets = [o for o, _ in found]
    assert offsets == sorted(offsets)
    assert NOTES[offsets[0]:offsets[0] + 10] == "05/10/2004"


def test_anchor_dates_resolve_relative_dates_of_the_note_they_head():
    """A caller anchors each mention on the nearest preceding stated date."""
    anchors = find_anchor_dates(NOTES)
    sentence_at = NOTES.index("since the previous fall")
    anchor = max((o, d) for o, d in anchors if o < sentence_at)[1]
    m = only("Client reports he has been sleeping in his car since the previous fall.", anchor=anchor)
    assert m.value == "2003"


def test_find_anchor_dates_without_dates():
    assert find_anchor_dates("Client reports he is doing well.") == []


# ------------------------------------------------------------------------------ spelled-out ages without "age"

@pytest.mark.parametrize(("text", "expected"), [
    ("At thirteen he began drinking heavily.", ("At thirteen", 13, "2003")),
    ("By fourteen she was using heroin.", ("By fourteen", 14, "2004")),
    ("He dropped out, and by sixteen he was selling drugs.", ("by sixteen", 16, "2006")),
    ("At twelve, Marcus ran away from home.", ("At twelve", 12, "2002")),
    ("By twenty-one he had been arrested twice.", ("By twenty-one", 21, "2011")),
])
def test_spelled_out_age_opening_a_clause(text, expected):
    m = only(text, dob=dt.date(1990, 1, 1))
    assert (m.text, m.age, m.value) == expected
    assert m.kind == "age"


@pytest.mark.parametrize("text", [
    "At one point he began drinking heavily.",
    "At first he began drinking heavily.",
    "By one of the accounts he was drinking heavily.",
    "At eleven o'clock he was drinking heavily.",
    "At eleven, the court recessed.",
    "The hearing resumed at eleven, and he was drinking.",
    "He was sentenced at eleven, he said.",
    "He got home at eleven he said.",
    "He was arrested by two officers.",
    "At one he was diagnosed with asthma.",
])
def test_spelled_out_number_that_is_not_an_age(text):
    assert [m for m in find_dates(text, dob=dt.date(1990, 1, 1)) if m.kind == "age"] == []
