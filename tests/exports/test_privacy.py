"""Fed. R. Crim. P. 49.1 pass: each kind of private data is found and reduced as the rule allows."""

import datetime as dt
from pathlib import Path

import pytest

from exports.privacy import STREET_OMITTED, find_private_data
from exports.redaction import Redactor, redactions_from_findings

GOLD = Path(__file__).resolve().parents[2] / "demo" / "client-a" / "gold"
MINORS = ["Maya Durant"]
DOBS = [dt.date(1995, 6, 11)]


def redact(text, **kwargs):
    """`text` reduced as an export reduces it: its findings, replaced by the one matcher (exports.redaction)."""
    return Redactor(redactions_from_findings(find_private_data(text, **kwargs))).redact(text)


def found(text, **kwargs):
    kwargs.setdefault("minors", MINORS)
    kwargs.setdefault("known_dobs", DOBS)
    return [(f.kind, f.text, f.replacement) for f in find_private_data(text, **kwargs)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Social-security numbers -> last four digits.
        ("SSN: 123-45-6789", [("ssn", "123-45-6789", "XXX-XX-6789")]),
        ("Social Security No. 123 45 6789", [("ssn", "123 45 6789", "XXX-XX-6789")]),
        ("SSN 123456789 on file", [("ssn", "123456789", "XXX-XX-6789")]),
        ("his SSN is 123456789.", [("ssn", "123456789", "XXX-XX-6789")]),
        ("his number, 078-05-1120, was", [("ssn", "078-05-1120", "XXX-XX-1120")]),
        # Taxpayer-identification numbers -> last four digits.
        ("ITIN 912-78-1234", [("taxpayer_id", "912-78-1234", "XXX-XX-1234")]),
        ("filed under 987-70-4321.", [("taxpayer_id", "987-70-4321", "XXX-XX-4321")]),
        ("EIN: 12-3456789", [("taxpayer_id", "12-3456789", "XX-XXX6789")]),
        ("Tax ID 123-45-6789", [("taxpayer_id", "123-45-6789", "XXX-XX-6789")]),
        # Birth dates -> the year.
        ("DOB: 06/11/1995", [("birth_date", "06/11/1995", "1995")]),
        ("Child: Keith D. Ashby (DOB 02/02/1991)", [("birth_date", "02/02/1991", "1991")]),
        ("Date of Birth: 1991-02-02", [("birth_date", "1991-02-02", "1991")]),
        ("Date/Time of Birth: 02/02/1991 03:42", [("birth_date", "02/02/1991", "1991")]),
        ("he was born on March 3, 1990, in", [("birth_date", "March 3, 1990", "1990")]),
        ("born 3 March 1990", [("birth_date", "3 March 1990", "1990")]),
        ("DOB 3/3/90", [("birth_date", "3/3/90", "1990")]),
        (
            "Maya, who was born in August 2018",
            [("minor_name", "Maya", "M.D."), ("birth_date", "August 2018", "2018")],
        ),
        (
            "Admitted: 06/11/1995",
            [("birth_date", "06/11/1995", "1995")],
        ),  # equals a known DOB, no label needed
        ("seen on June 11, 1995", [("birth_date", "June 11, 1995", "1995")]),
        # Minors' names -> initials.
        ("Maya Durant attends preschool", [("minor_name", "Maya Durant", "M.D.")]),
        ("DURANT, MAYA", [("minor_name", "DURANT, MAYA", "M.D.")]),
        ("Maya R. Durant", [("minor_name", "Maya R. Durant", "M.D.")]),
        ("he picks Maya up; Maya's school", [("minor_name", "Maya", "M.D."), ("minor_name", "Maya", "M.D.")]),
        # Financial accounts -> last four digits.
        ("Account No. 000123456789", [("financial_account", "000123456789", "XXXXXXXX6789")]),
        ("checking acct #: 4421-8830-1957", [("financial_account", "4421-8830-1957", "XXXX-XXXX-1957")]),
        (
            "paid with card 4111 1111 1111 1111",
            [("financial_account", "4111 1111 1111 1111", "XXXX XXXX XXXX 1111")],
        ),
        ("Visa 4111111111111111 expired", [("financial_account", "4111111111111111", "XXXXXXXXXXXX1111")]),
        ("Routing number 021000021", [("financial_account", "021000021", "XXXXX0021")]),
        # Home addresses -> city and state.
        (
            "lives at 1420 Eastgate Avenue, Apt. 3C, Wexbridge, AD 40911.",
            [("home_address", "1420 Eastgate Avenue, Apt. 3C, Wexbridge, AD 40911", "Wexbridge, AD")],
        ),
        (
            "1140 Eastgate Avenue\nWexbridge, AD 40911",
            [("home_address", "1140 Eastgate Avenue\nWexbridge, AD 40911", "Wexbridge, AD")],
        ),
        (
            "2200 N. Harrow Pkwy, Wexbridge, AD",
            [("home_address", "2200 N. Harrow Pkwy, Wexbridge, AD", "Wexbridge, AD")],
        ),
        (
            "The grandmother lives at 118 Wren Street and works nights",
            [("home_address", "118 Wren Street", STREET_OMITTED)],
        ),
        (
            "evicted from his apartment at 66 Larch Street in April 2016",
            [("home_address", "66 Larch Street", STREET_OMITTED)],
        ),
    ],
)
def test_private_data_is_found_and_reduced(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Health Information Management (555) 014-2200",  # phone numbers
        "call 555-014-2200 or 555.014.2200",
        "State of Arden v. Devon M. Ashby, No. 23-CF-00417",  # case numbers
        "Case No.: CPI-1999-11-04472",
        "Report No. 95-06-1187",
        "MRN: 0957-33418   Mother MRN: 0957-10225",
        "arrest of 01/14/2023; discharged 06/20/1995; 2023-03-01",  # dates of other events
        # ICD-10 and DSM codes
        "F11.20 Opioid use disorder, severe; F90.2 ADHD; Z62.21 Child in welfare custody; DSM-5-TR",
        "Birth weight 2,130 g (4 lb 11 oz); 35 weeks; Bed 22 assigned; Page 1 of 2",
        "fell about 14 feet from a ladder; 12 Step program; 3 Court dates",
        "Keisha Durant, his daughter's mother, and Mayan art",  # the minor's relatives, another word
        "Account Executive at Harbor Bank since 2020",
        "ZIP 40912-1234 and 42 CFR Part 2",
        "born at 35 weeks gestation",
    ],
)
def test_no_false_positives(text):
    assert found(text) == []


def test_every_finding_is_replaced_by_what_the_rule_allows():
    text = "Maya Durant (DOB 08/14/2018) lives at 1140 Eastgate Avenue, Wexbridge, AD 40911. SSN 123-45-6789."

    assert redact(text, minors=MINORS) == "M.D. (DOB 2018) lives at Wexbridge, AD. SSN XXX-XX-6789."


def test_findings_carry_offsets_and_context():
    text = "Client: Devon M. Ashby\tDOB: 06/11/1995\nReferred by: Bridgeway"

    (finding,) = find_private_data(text)

    assert text[finding.start : finding.end] == "06/11/1995"
    assert "DOB: 06/11/1995" in finding.context and "\n" not in finding.context


def test_known_dobs_accept_strings():
    assert found("seen 06/11/1995", known_dobs=["1995-06-11"]) == [("birth_date", "06/11/1995", "1995")]
    assert found("seen 06/11/1995", known_dobs=[]) == []


def test_sample_records_keep_no_full_birth_date_after_redaction():
    """Every full DOB in the sample records (labelled or not) is reduced to the year."""
    for path in sorted(GOLD.glob("*.txt")):
        text = path.read_text()
        redacted = redact(text, minors=MINORS, known_dobs=DOBS)
        assert "06/11/1995" not in redacted, path.name
        assert "02/02/1991" not in redacted, path.name  # the brother's DOB, labelled
        assert "Maya" not in redacted, path.name
    letters = redact((GOLD / "A09_letters_of_support.txt").read_text(), minors=MINORS)
    assert "my daughter, M.D., who was born in 2018" in letters


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # SSNs in other layouts.
        ("Social Security Number (SSN): 123-45-6789", [("ssn", "123-45-6789", "XXX-XX-6789")]),
        ("S.S.N. 123.45.6789", [("ssn", "123.45.6789", "XXX-XX-6789")]),
        ("ID on file 123 45 6789 (verified)", [("ssn", "123 45 6789", "XXX-XX-6789")]),
        ("SSN:\t\n078-05-1120", [("ssn", "078-05-1120", "XXX-XX-1120")]),
        ("SSN: XXX-XX-1120", []),  # already reduced as the rule allows
        # Full birth dates in other formats.
        ("DOB: 11-Jun-1995", [("birth_date", "11-Jun-1995", "1995")]),
        ("born on the 11th of June, 1995 at", [("birth_date", "11th of June, 1995", "1995")]),
        ("D/O/B 6/11/95", [("birth_date", "6/11/95", "1995")]),
        ("Date of Birth (mm/dd/yyyy): 03/04/1990", [("birth_date", "03/04/1990", "1990")]),
        # Benefits and financial accounts.
        ("Medicaid ID: AB1234567C", [("financial_account", "AB1234567C", "XXXXXX567C")]),
        ("SNAP case # 4455-2210-99", [("financial_account", "4455-2210-99", "XXXX-XX10-99")]),
        ("POLICY REMINDER: Residents who leave", []),
    ],
)
def test_other_layouts_of_numbers_and_dates_are_found(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "MARCHETTI FORENSIC & CLINICAL PSYCHOLOGY, PLLC\n19 Tanner's Row, Suite 4, Wexbridge, AD 40912 - (555) 014-6610",
        "WEXBRIDGE RESCUE MISSION - MEN'S EMERGENCY SHELTER\n501 Depot Street, Wexbridge, AD 40910\nClient notes",
        "Office of Student Records - 77 Lantern Way, Wexbridge, AD 40911 - (555) 014-7700",
        "Please remit to Brennan County Probation, 300 Court Street, Wexbridge, AD 40911",
        "880 Foundry Street, Wexbridge, AD 40913\nTel (555) 014-8800",
    ],
)
def test_letterhead_and_agency_addresses_are_not_home_addresses(text):
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "On 3/2 client signed a lease for a flat at 12 Orchard Lane, Brennan, AD 40915 with his cousin.",
            [("home_address", "12 Orchard Lane, Brennan, AD 40915", "Brennan, AD")],
        ),
        ("He rents a room at 45 Mill Road from a coworker.", [("home_address", "45 Mill Road", STREET_OMITTED)]),
        (
            "Mr. Devon Ashby\n1140 Eastgate Avenue\nWexbridge, AD 40911\n\nDear Mr. Ashby:",
            [("home_address", "1140 Eastgate Avenue\nWexbridge, AD 40911", "Wexbridge, AD")],
        ),
        (
            "BRENNAN COUNTY DCFS\nClient address: 9 Birch Court, Wexbridge, AD 40911",
            [("home_address", "9 Birch Court, Wexbridge, AD 40911", "Wexbridge, AD")],
        ),
    ],
)
def test_home_addresses_in_prose_and_forms_are_found(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Devon is the father of my daughter, Maya, who was born in August 2018.", ["Maya"]),
        ("He has two children, Jaden and Amira Cole, born 2016 and 2019.", ["Jaden", "Amira Cole"]),
        ("His children Jaden (6) and Amira (4) visit on Sundays (2025 note).", ["Jaden", "Amira"]),
        ("his niece Lila Ortiz (born 2012) stays with them", ["Lila Ortiz"]),
        ("Mr. Ashby's son, Elijah, attends kindergarten.", ["Elijah"]),
        ("In 2003 his brother Keith, age 7, was placed with him.", []),  # seven then, an adult now
        ("The maternal grandmother, Loretta Ashby (age 51), lives nearby.", []),
        ("Devon (age 5) and his sister Tanya (age 8) were removed in 2000.", []),  # the client, and an adult
        ("He reports strong motivation related to his daughter.", []),
    ],
)
def test_minors_are_proposed_from_the_records(text, expected):
    from exports.privacy import propose_minors

    assert propose_minors(text, today=dt.date(2026, 12, 1), adults=["Devon Michael Ashby"]) == expected


def test_a_proposed_minor_is_reduced_to_initials_everywhere():
    from exports.privacy import propose_minors

    pages = ["My daughter, Maya, was born in August 2018.", "He picks Maya up every weekend."]
    minors = [name for page in pages for name in propose_minors(page, today=dt.date(2026, 12, 1))]

    assert [redact(page, minors=minors) for page in pages] == [
        "My daughter, M., was born in 2018.",
        "He picks M. up every weekend.",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Father of baby, Raymond Toller, is held in the county jail.", []),  # the father, not the baby
        ("they have one child, Elijah Marcus Delacroix (DOB 06/30/2011), who", ["Elijah Marcus Delacroix"]),
        ("On 11/18/1999 a neighbour reported that Keith (age 8) had been left alone.", []),  # 8 in 1999
        ("the Children's Services caseworker placed Renata and Wade with their aunt", []),
    ],
)
def test_minor_proposals_read_who_is_named_and_when(text, expected):
    from exports.privacy import propose_minors

    assert propose_minors(text, today=dt.date(2026, 12, 1)) == expected


def test_a_birth_year_is_not_taken_for_the_year_an_age_was_written():
    from exports.privacy import propose_minors

    text = "NOTICE 01/15/2024\nDate of birth: June 11th, 1995\n\nHousehold: his children Jaden (6) and Amira (4) stay"

    assert propose_minors(text, today=dt.date(2026, 12, 1), adults=["Devon Ashby"]) == ["Jaden", "Amira"]
