"""The memorandum's frame follows the case's court, and the filing checks refuse what is not ready to file."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.services import Actor
from cases.services import case_court_set
from exports.assemble import export_data
from exports.checks import filing_checks
from exports.document import PUBLIC_LABEL
from evidence.models import Document, Page
from exports.models import CaseExportSettings
from exports.services import ExportRefused, export_create
from narratives.models import Consent
from narratives.richtext import citation_link
from narratives.services import narrative_create, section_remove, section_save
from tests.factories import CaseFactory, EventSourceFactory, MembershipFactory, TimelineEventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready():
    """A state-court case whose one-section narrative passes every filing check."""
    case = CaseFactory(client_name="Jordan Sample")
    user = MembershipFactory(case=case, role="attorney").user  # the court and filings are the attorney's
    case_court_set(case=case, actor=Actor(user=user), court_system="state", court="Brennan County Superior Court",
                   jurisdiction="State of Arden", prosecuting_office="Brennan County District Attorney's Office")
    CaseExportSettings.objects.create(case=case, signer_name="Elaine Kroft", bar_number="AR 041977",
                                      signature_date=datetime.date(2024, 5, 6))
    event = TimelineEventFactory(case=case, category="education", consent=Consent.APPROVED)
    source = EventSourceFactory(event=event)
    Page.objects.create(document=source.document, number=1, text="In March 2009 he was retained in the fourth grade.")
    Document.objects.filter(pk=source.document_id).update(status=Document.Status.READY, page_count=1)
    narrative = narrative_create(case=case, title="Working draft v3", created_by=user)
    for section in narrative.sections.exclude(title="Education"):
        section_remove(section=section, actor=Actor(user=user))
    section = section_save(section=narrative.sections.get(), body="<p>He was held back. " + citation_link(event_id=event.pk, href="#", label="x")
                 + "</p>", expected_version=0, actor=Actor(user=user))
    return case, narrative, user, section


def _checks(narrative):
    case = narrative.case
    return filing_checks(data=export_data(narrative=narrative, sealed=False), case=case,
                         settings=CaseExportSettings.objects.get(case=case))


def test_a_ready_filing_passes_and_its_frame_follows_the_state_court(ready):
    case, narrative, _user, _section = ready

    document = export_data(narrative=narrative, sealed=False).document

    assert _checks(narrative) == []
    assert document.caption.court == "IN THE BRENNAN COUNTY SUPERIOR COURT\nSTATE OF ARDEN"
    assert document.caption.parties == "STATE OF ARDEN v. JORDAN SAMPLE"
    assert document.filing_label == "PUBLIC — REDACTED" and "49.1" not in document.filing_label
    assert document.title == "Defendant's Sentencing Memorandum"  # the filing's title, not "Working draft v3"
    assert document.certificate_of_service == (
        "I certify that on May 6, 2024, I served a copy of this memorandum and its exhibits on Brennan County "
        "District Attorney's Office by the court's electronic filing system."
    )
    assert document.signature.date == "May 6, 2024" and document.signature.bar_number == "AR 041977"


def test_a_state_courts_own_rule_labels_its_public_filing(ready):
    case, narrative, user, _section = ready
    case_court_set(case=case, actor=Actor(user=user), privacy_rule="Ard. R. Crim. P. 4.6")

    assert export_data(narrative=narrative, sealed=False).document.filing_label == "PUBLIC — REDACTED PER ARD. R. CRIM. P. 4.6"


def test_only_a_federal_court_gets_rule_49_1_and_the_united_states_as_party(ready):
    case, narrative, user, _section = ready
    case_court_set(case=case, actor=Actor(user=user), court_system="federal", court="District of Arden",
                   prosecuting_office="United States Attorney's Office for the District of Arden")

    document = export_data(narrative=narrative, sealed=False).document

    assert document.filing_label == PUBLIC_LABEL and "49.1" in PUBLIC_LABEL
    assert document.caption.court == "UNITED STATES DISTRICT COURT\nFOR THE DISTRICT OF ARDEN"
    assert document.caption.parties == "UNITED STATES OF AMERICA v. JORDAN SAMPLE"
    assert "United States Attorney's Office" in document.certificate_of_service


@pytest.mark.parametrize(
    ("spoil", "check", "words"),
    [
        (lambda case, narrative, section, user: case_court_set(case=case, actor=Actor(user=user), court_system=""),
         "court", "federal district court or state court"),
        (lambda case, narrative, section, user: CaseExportSettings.objects.filter(case=case).update(signer_name=""),
         "signature", "signer's name"),
        (lambda case, narrative, section, user: CaseExportSettings.objects.filter(case=case).update(bar_number=""),
         "signature", "bar number"),
        (lambda case, narrative, section, user: CaseExportSettings.objects.filter(case=case).update(signature_date=None),
         "signature", "date signed"),
        (lambda case, narrative, section, user: case_court_set(case=case, actor=Actor(user=user), prosecuting_office=""),
         "certificate", "prosecuting office"),
        (lambda case, narrative, section, user: narrative.sections.create(title="Conclusion", position=9),
         "sections", "“Conclusion”"),
        (lambda case, narrative, section, user: section_save(
            section=section, body=section.body + "<p>[COUNSEL: state the request.] "
            + citation_link(event_id=case.timeline_events.get().pk, href="#", label="x") + "</p>",
            expected_version=section.version,
            actor=Actor(user=user)), "placeholders", "[COUNSEL: state the request.]"),
        (lambda case, narrative, section, user: section_save(
            section=section, body=section.body + "<p>He is a good father.</p>", expected_version=section.version,
            actor=Actor(user=user)), "citations", "He is a good father."),
    ],
)
def test_each_filing_check_refuses_the_export_and_names_what_to_fix(ready, spoil, check, words):
    case, narrative, user, section = ready
    spoil(case, narrative, section, user)

    problems = _checks(narrative)

    assert check in [p.check for p in problems]
    assert words in next(p.message for p in problems if p.check == check)
    # the privacy review was done (nothing to reduce): what refuses the export is the filing check
    with pytest.raises(ExportRefused, match="Not ready to file"):
        export_create(narrative=narrative, actor=Actor(user=user), sealed=False, redactions={})
    assert export_create(narrative=narrative, actor=Actor(user=user), sealed=False, redactions={}, draft=True).draft


def test_records_still_waiting_for_review_and_pages_outside_the_exhibits_are_refused(ready):
    from tests.factories import EventCandidateFactory

    case, narrative, _user, _section = ready
    waiting = EventCandidateFactory(document__case=case, document__original_name="bakery_letter.docx")
    source = narrative.case.timeline_events.get().sources.get()
    source.page_number = 9  # the record has one page
    source.save()

    checks = {p.check: p.message for p in _checks(narrative)}

    assert "bakery_letter.docx (1)" in checks["review"] and waiting.document.case == case
    assert ", p. 9" in checks["exhibits"]


def test_export_narrative_lists_the_checks_and_exits_non_zero_unless_draft(ready, tmp_path, capsys):
    case, narrative, _user, _section = ready
    CaseExportSettings.objects.filter(case=case).update(bar_number="")

    with pytest.raises(CommandError) as refused:
        call_command("export_narrative", "--case", case.docket_number, "--out", str(tmp_path / "final"))
    assert "1. Set the signer's bar number" in str(refused.value)

    call_command("export_narrative", "--case", case.docket_number, "--out", str(tmp_path / "draft"), "--draft")
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(tmp_path / "draft" / "narrative.pdf"))
    assert "DRAFT" in pdf[0].get_textpage().get_text_range()
