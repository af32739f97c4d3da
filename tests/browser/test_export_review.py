"""An attorney prepares a public filing: decides how the confidential record and the withheld page are filed and
checks each privacy finding on its page, with the box the public version will burn over it."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from audit.services import Actor
from evidence.services import document_read_text
from exports.models import Export
from narratives.models import Consent
from narratives.richtext import citation_link
from narratives.services import narrative_create, section_save
from tests.factories import DocumentFactory, EventSourceFactory, MembershipFactory, TimelineEventFactory, UserFactory

SCHOOL = (
    "BRENNAN COUNTY SCHOOLS\nStudent: Jordan Sample   DOB: 06/11/1995   SSN: 412-55-7789\n"
    "In March 2009 he was retained in the fourth grade.\nHe lives at 12 Orchard Lane, Brennan, AD 40915.\n"
)
TREATMENT = "CRESTLINE RECOVERY SERVICES\nProtected by 42 CFR Part 2.\nAdmitted to the outpatient program.\n"


def _read(case, name, text):
    document = DocumentFactory(case=case, file=ContentFile(text.encode(), name=name), original_name=name,
                               file_kind="text", content=text.encode())
    document_read_text(document_id=document.pk)
    return document


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_attorney_decides_the_filing_and_sees_findings_on_their_pages(live_server, page, screenshot):
    attorney = UserFactory(username="attorney-b", first_name="Elaine", last_name="Kroft")
    case = MembershipFactory(user=attorney, case__client_name="Jordan Sample").case
    school, _treatment = _read(case, "school.txt", SCHOOL), _read(case, "treatment.txt", TREATMENT)
    retained = TimelineEventFactory(case=case, category="education", summary="Retained in fourth grade.",
                                    consent=Consent.APPROVED)
    start = SCHOOL.index("In March")
    EventSourceFactory(event=retained, document=school, page_number=1, start=start, end=start + 48)
    withheld = TimelineEventFactory(case=case, category="residence", summary="He lives on Orchard Lane.",
                                    consent=Consent.WITHHELD)
    start = SCHOOL.index("He lives")
    EventSourceFactory(event=withheld, document=school, page_number=1, start=start, end=start + 46)
    narrative = narrative_create(case=case, title="Mitigation", created_by=attorney)
    section = narrative.sections.get(title="Education")
    section_save(section=section, body="<p>He was held back. " + citation_link(event_id=retained.pk, href="#", label="x")
                 + "</p>", expected_version=0, actor=Actor(user=attorney))

    page.goto(f"{live_server.url}/")
    page.fill("#id_username", "attorney-b")
    page.fill("#id_password", "a-long-test-password")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/cases/{case.pk}/narratives/{narrative.pk}/export/")
    page.wait_for_load_state("networkidle")  # the page pictures are fetched lazily
    screenshot("export-review")

    assert page.locator("fieldset.decision").count() == 2
    assert "42 CFR Part 2" in page.inner_text("#export-form")
    widths = page.eval_on_selector_all("img.finding-picture", "images => images.map(i => i.naturalWidth)")
    assert len(widths) >= 3 and all(w > 100 for w in widths)  # SSN, birth date, the address: each on its page

    page.click("button[name=export]")
    assert "filing decision(s) are not made yet" in page.inner_text(".messages")
    assert not Export.objects.exists()
    for fieldset in page.locator("fieldset.decision").all():
        fieldset.locator("label", has_text="safe choice").locator("input").check()
    page.check("#id_all_records")  # the treatment record is not cited: it goes in with every record
    page.check("#id_draft")  # this case has no court or signer yet: the filing checks would refuse a filing
    page.click("button[name=export]")

    assert "Export started" in page.inner_text(".messages")
    export = Export.objects.get()
    assert set(export.decisions.values()) == {"seal", "reduce"} and not export.sealed
