"""A case nobody tuned the drafting for (shared client C, every proposal accepted) comes out as a memorandum a court
can read: no raw row or form line, first-person words quoted, the client named one way, each fact once, no citation
printed twice in a row, and, with its own court, signer and counsel's frame, it passes the filing checks."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.core.files import File

from audit.services import Actor
from cases.models import Case, CaseMembership
from cases.services import case_create
from engagements.services import client_preference_set
from evidence.services import document_read_text, document_upload
from exports.assemble import export_data
from exports.checks import filing_checks
from exports.document import CitationRun, Paragraph
from exports.models import CaseExportSettings
from exports.redaction import document_text
from exports.services import export_settings_set
from extraction.models import EventCandidate
from extraction.services import document_extract
from narratives.models import Consent
from narratives.richtext import cited_event_ids
from narratives.services import (
    candidate_accept,
    event_set_consent,
    narrative_assemble_draft,
    narrative_create,
    section_remove,
    section_save,
)
from narratives.statements import FIRST_PERSON
from tests.factories import UserFactory

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples" / "client-c" / "records"
COUNSEL = {
    "introduction": "<p>Renata Joy Halvorsen comes before the Court for sentencing; the defense asks for probation.</p>",
    "the client's goals": "<p>In her own words:</p><blockquote><p>“Get sober and stay sober.”</p></blockquote>",
    "conclusion": "<p>The defense asks the Court to sentence Ms. Halvorsen to probation with treatment.</p>",
}


@pytest.fixture
def client_c(db, settings, tmp_path):
    if not SAMPLES.is_dir():
        pytest.skip("shared/samples/client-c is not beside the project")
    settings.RECORD_OCR_ENABLED = True
    user = UserFactory()
    actor = Actor(user=user)
    case = case_create(
        actor=actor, creator_role=CaseMembership.Role.ATTORNEY, docket_number="24-CR-01182",
        client_name="Renata Joy Halvorsen", client_dob=datetime.date(1986, 3, 22), court="Tessaly County Circuit Court",
        jurisdiction="State of Arden", court_system=Case.CourtSystem.STATE,
        prosecuting_office="the Tessaly County Prosecuting Attorney's Office",
    )
    client_preference_set(case=case, name_in_court="Ms. Halvorsen", pronoun="she", actor=actor)
    export_settings_set(case=case, signer_name="Owen Marchetti", bar_number="AR 052310",
                        signature_date=datetime.date(2025, 2, 7))
    for path in sorted(SAMPLES.iterdir()):
        with path.open("rb") as handle:
            document = document_upload(case=case, file=File(handle, name=path.name), actor=actor)
        document_read_text(document_id=document.pk)
        document_extract(document_id=document.pk)
    for candidate in EventCandidate.objects.pending().filter(document__case=case).order_by("document_id", "start"):
        event_set_consent(event=candidate_accept(candidate=candidate, actor=actor), consent=Consent.APPROVED,
                          actor=actor)
    narrative = narrative_create(case=case, title="Halvorsen", created_by=user)
    narrative_assemble_draft(narrative=narrative, actor=actor, today=datetime.date(2025, 2, 7))
    for section in narrative.sections.all():
        if section.title.lower() in COUNSEL:
            section_save(section=section, body=COUNSEL[section.title.lower()], expected_version=section.version,
                         actor=actor)
        elif not section.body.strip():
            section_remove(section=section, actor=actor)
    return narrative


@pytest.mark.django_db
def test_client_cs_memorandum_reads_as_prose_and_passes_the_filing_checks(client_c):
    narrative = client_c
    data = export_data(narrative=narrative, sealed=False)

    assert filing_checks(data=data, case=narrative.case, settings=CaseExportSettings.objects.get(case=narrative.case)) == []
    bodies = [section.body for section in narrative.sections.all()]
    assert all("\t" not in body for body in bodies)  # no table row pasted
    cited = [event_id for body in bodies for event_id in cited_event_ids(body)]
    assert len(cited) == len(set(cited)) > 60  # each fact once
    text = document_text(data.document)
    outside_quotes = re.sub(r"“[^”]*”|\"[^\"]*\"", "", text)
    assert not FIRST_PERSON.search(outside_quotes)  # first-person words are always someone's quotation
    assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{4}\b", outside_quotes)  # dates in words
    assert not re.search(r"\b(?:Renata(?! Joy Halvorsen)|Client|Pt\.?)\b", outside_quotes)  # named one way
    assert "[citation missing]" not in text and "[COUNSEL" not in text
    assert data.document.filing_label == "PUBLIC — REDACTED"
    for section in data.document.sections:
        for block in section.blocks:
            runs = [run for run in getattr(block, "runs", ()) if isinstance(run, CitationRun)]
            for before, after in zip(runs, runs[1:]):
                assert after.repeats_previous or after.cites != before.cites  # never the same citation twice
            if isinstance(block, Paragraph) and runs:
                assert not runs[0].repeats_previous
