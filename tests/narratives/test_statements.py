"""Statements in the memorandum's voice, written from records nobody here has seen (all text fictional)."""

from __future__ import annotations

import pytest

from narratives.statements import ClientNaming, FactText, write_statement

HE = ClientNaming.of(full_name="Tobias Ray Quill", pronoun="he")
SHE = ClientNaming.of(full_name="Marguerite Ann Sollis", pronoun="she")
CHOSEN = ClientNaming.of(full_name="Alexandra Fenn", pronoun="they", name_in_court="Alex Fenn")


@pytest.mark.parametrize(
    ("fact", "naming", "expected"),
    [
        # prose: the client named as the case says, reporting verb in the past, numeric date in words
        (FactText("Pt reports he was hit by his stepfather on 3/4/2007.", "trauma_abuse", date="2007-03-04"), HE,
         "Mr. Quill reported that he was hit by his stepfather on March 4, 2007."),
        # a note without a year gets the fact's date in front; shorthand spelled out; role word becomes the name
        (FactText("Client dx with PTSD w/ panic attacks.", "mental_health", date="2016-05"), SHE,
         "In May 2016, Ms. Sollis was diagnosed with PTSD with panic attacks."),
        # a telegraphic note: the client is the subject, the passive gets its verb
        (FactText("Referred to Lakeview Detox for withdrawal management.", "substance_use_treatment", date="2012"), HE,
         "In 2012, Mr. Quill was referred to Lakeview Detox for withdrawal management."),
        # codes and record numbers never reach the memorandum; the diagnosis reads as prose
        (FactText("Generalized Anxiety Disorder (F41.1)", "mental_health", date="2019-10-02"), SHE,
         "On October 2, 2019, Ms. Sollis was diagnosed with generalized anxiety disorder."),
        (FactText("The sheriff's report (Case No. SO-2011-4471) says Tobias was found sleeping in a barn.",
                  "housing", date="2011"), HE,
         "In 2011, the sheriff's report says Mr. Quill was found sleeping in a barn."),
        # the name the client chose is used, not a title the pronoun would give
        (FactText("Alexandra completed a welding certificate.", "achievement", date="2020-06"), CHOSEN,
         "In June 2020, Alex Fenn completed a welding certificate."),
    ],
)
def test_prose_sentences_are_rewritten_in_the_memorandums_voice(fact, naming, expected):
    assert write_statement(fact, naming=naming) == expected


def test_a_case_note_loses_its_date_stamp_and_the_staff_who_wrote_it():
    fact = FactText("04/02/2019 (R. Vint, Intake Wkr) - Client states she has no place to stay.", "housing",
                    date="2019-04-02")

    statement = write_statement(fact, naming=SHE)

    assert statement == "On April 2, 2019, Ms. Sollis stated that she has no place to stay."
    assert "Vint" not in statement and "04/02" not in statement


def test_staff_initials_after_a_note_are_dropped():
    fact = FactText("Client enrolled in anger management classes - RV", "mental_health_treatment", date="2019-05")

    assert write_statement(fact, naming=SHE) == "In May 2019, Ms. Sollis enrolled in anger management classes."


def test_a_table_row_is_composed_from_its_cells_named_by_the_header_row():
    page = (
        "PLACEMENT HISTORY\n\nFrom\tTo\tCaregiver\tSetting\tWhy it ended\n"
        "03/01/2004\t11/30/2004\tDelia Marsh\tKinship home\tCaregiver illness\n"
    )
    row = "03/01/2004\t11/30/2004\tDelia Marsh\tKinship home\tCaregiver illness"
    fact = FactText(row.replace("\t", " "), "child_welfare", date="2004-03-01", date_end="2004-11-30",
                    context=page, position=page.index("03/01/2004"))

    statement = write_statement(fact, naming=HE)

    assert statement == (
        "From March 1, 2004, to November 30, 2004, Mr. Quill’s child-welfare record lists caregiver Delia Marsh; "
        "setting kinship home; why it ended caregiver illness."
    )


def test_a_grade_row_drops_one_letter_codes_and_says_the_school_year():
    page = "Year\tGrade\tAbsences\tConduct\tResult\n2008-09\t4\t27\tS\tNOT PROMOTED - repeat grade 4\n"
    fact = FactText("2008-09 4 27 S NOT PROMOTED - repeat grade 4", "education", date="2008", date_end="2009",
                    context=page, position=page.index("2008-09"))

    statement = write_statement(fact, naming=SHE)

    assert statement.startswith("In the 2008–09 school year, Ms. Sollis’s school record lists grade 4; absences 27;")
    assert " S;" not in statement and "promoted - repeat grade 4" in statement


def test_a_form_line_is_told_from_its_label_and_value():
    fact = FactText("Diagnosis: Alcohol Use Disorder, moderate (F10.20)", "substance_use", date="2021-02-11")

    assert write_statement(fact, naming=HE) == (
        "On February 11, 2021, Mr. Quill was diagnosed with alcohol use disorder, moderate."
    )


def test_first_person_words_in_a_letter_are_quoted_and_attributed_to_the_writer():
    letter = (
        "Dear Judge Abernathy,\n\nI am Tobias's older sister, Renée Quill. When our father left, "
        "I watched Tobias feed the dogs and cook for us every night. He was nine.\n\nSincerely,\nRenée Quill\n"
    )
    sentence = "When our father left, I watched Tobias feed the dogs and cook for us every night."
    fact = FactText(sentence, "family_responsibilities", context=letter, position=letter.index("When our"))

    assert write_statement(fact, naming=HE) == (
        "His sister, Renée Quill, wrote: “When our father left, I watched Tobias feed the dogs and cook for us every "
        "night.”"
    )


def test_a_letter_writer_known_only_by_the_signature_is_named_from_it():
    letter = "To Whom It May Concern:\n\nMarguerite has worked with me at the diner since 2019. I trust her with the keys.\n\nRespectfully,\nOrlando Pike\n"
    fact = FactText("I trust her with the keys.", "employment", context=letter, position=letter.index("I trust"))

    assert write_statement(fact, naming=SHE) == "Orlando Pike wrote: “I trust her with the keys.”"


def test_first_person_words_with_no_writer_found_are_still_quoted_never_told_as_counsels():
    fact = FactText("We never had heat in that trailer.", "housing", date="2003")

    statement = write_statement(fact, naming=HE)

    assert statement == "One witness said: “We never had heat in that trailer.”"


def test_words_the_record_already_quotes_stay_the_clients():
    fact = FactText('Client states he is "done running."', "substance_use_treatment", date="2022-07-19")

    assert write_statement(fact, naming=HE) == 'On July 19, 2022, Mr. Quill stated that he was "done running."'


def test_a_sentence_cut_after_a_preposition_takes_the_rest_of_its_line_so_no_date_is_lost():
    page = "Screens: 9 of 10 negative; one positive for cocaine on 02/14/2022.\n"
    fact = FactText("Screens: 9 of 10 negative; one positive for cocaine on", "substance_use", date="2022-02-14",
                    context=page, position=0)

    assert write_statement(fact, naming=HE).endswith("one positive for cocaine on February 14, 2022.")


def test_a_record_number_and_date_stamp_in_front_give_way_to_the_facts_date():
    fact = FactText("Report No. 07-11-2231, received 11/03/2007: Tobias (age 10) was found alone at the bus depot.",
                    "child_welfare", date="2007-11-03")

    assert write_statement(fact, naming=HE) == (
        "On November 3, 2007, Mr. Quill (age 10) was found alone at the bus depot."
    )


def test_a_heading_style_note_gets_its_article_and_verb_and_the_record_its_past_tense():
    fact = FactText("Referral made to the county crisis line; the family is known to the agency.", "birth_family",
                    date="2004-06")

    assert write_statement(fact, naming=HE) == (
        "In June 2004, a referral was made to the county crisis line; the family was known to the agency."
    )


def test_an_intake_forms_question_row_says_what_was_asked_and_answered():
    page = "Question\tAnswer\tDetails\nPrior treatment?\tY\tHarbor House, outpatient, 2015\n"
    fact = FactText("Prior treatment? Y Harbor House, outpatient, 2015", "substance_use_treatment", date="2021-09-30",
                    context=page, position=page.index("Prior"))

    assert write_statement(fact, naming=SHE) == (
        "On September 30, 2021, asked “Prior treatment?”, Ms. Sollis answered yes: Harbor House, outpatient, 2015."
    )


def test_a_relative_who_shares_the_clients_surname_is_not_taken_for_the_client():
    memo = ("RE: interview of Lorraine Quill (client's mother)\n\nI met Ms. Lorraine Quill at her home. "
            "Ms. Quill said Tobias stopped eating after the fire.\n")
    fact = FactText("Ms. Quill said Tobias stopped eating after the fire.", "trauma_abuse", date="2001",
                    context=memo, position=memo.index("Ms. Quill said"))
    naming = ClientNaming.of(full_name="Tobias Ray Quill", pronoun="she")  # the client's own title is "Ms." too

    assert write_statement(fact, naming=naming) == "In 2001, her mother said Ms. Quill stopped eating after the fire."


def test_a_provider_letter_is_attributed_to_the_signer_and_title_under_the_sign_off():
    letter = ("Dear Judge Abernathy:\n\nSince 03/02/2024 she has attended our recovery group every week.\n\n"
              "Sincerely,\nJune Okonkwo-Bell, LCSW\nProgram Director\n")
    fact = FactText("Since 03/02/2024 she has attended our recovery group every week.", "substance_use_treatment",
                    context=letter, position=letter.index("Since"))

    assert write_statement(fact, naming=SHE) == (
        "June Okonkwo-Bell, Program Director, wrote: “Since 03/02/2024 she has attended our recovery group every week.”"
    )


def test_first_person_words_in_an_interview_memo_are_the_interviewed_relatives():
    memo = "RE: interview of Lorraine Quill (client's mother)\n\nShe said: we never had heat that winter.\n"
    fact = FactText("We never had heat that winter.", "housing", date="1999", context=memo,
                    position=memo.index("we never"))

    assert write_statement(fact, naming=HE) == "His mother said: “We never had heat that winter.”"


def test_a_writer_named_once_is_found_for_every_sentence_of_the_letter_and_a_town_is_no_title():
    letter = ("To the Honorable Judge:\n\nMy name is Ada Brennan. Tobias fixed my porch. I pay him what I can.\n\n"
              "Respectfully,\nAda Brennan\nHalden, AD\n")
    fact = FactText("I pay him what I can.", "employment", context=letter, position=letter.index("I pay"))

    assert write_statement(fact, naming=HE) == "Ada Brennan wrote: “I pay him what I can.”"
