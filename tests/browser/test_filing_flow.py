"""The attorney's last step: the export page lists what stops the filing, a draft can still be made (watermarked),
and once the court, signer and date are set the filing passes."""

from __future__ import annotations

import pytest

from audit.services import Actor
from evidence.models import Document, Page
from exports.models import Export
from narratives.models import Consent
from narratives.richtext import citation_link
from narratives.services import narrative_create, section_remove, section_save
from tests.factories import CaseFactory, EventSourceFactory, MembershipFactory, TimelineEventFactory

PASSWORD = "filing-test-2026"


@pytest.fixture
def narrative(transactional_db):
    case = CaseFactory(client_name="Jordan Sample", court="Brennan County Superior Court", jurisdiction="State of Arden")
    membership = MembershipFactory(case=case, role="attorney")
    membership.user.set_password(PASSWORD)
    membership.user.save()
    event = TimelineEventFactory(case=case, category="education", consent=Consent.APPROVED,
                                 statement="In 2009, Mr. Sample was held back in the fourth grade.")
    source = EventSourceFactory(event=event)
    Page.objects.create(document=source.document, number=1, text="In March 2009 he was retained in the fourth grade.")
    Document.objects.filter(pk=source.document_id).update(status=Document.Status.READY, page_count=1)
    narrative = narrative_create(case=case, title="Working draft", created_by=membership.user)
    for section in narrative.sections.exclude(title__in=["Education", "Conclusion"]):
        section_remove(section=section, actor=Actor(user=membership.user))
    section_save(section=narrative.sections.get(title="Education"),
                 body="<p>In 2009, Mr. Sample was held back in the fourth grade. "
                 + citation_link(event_id=event.pk, href="#", label="x") + "</p>",
                 expected_version=0, actor=Actor(user=membership.user))
    section_save(section=narrative.sections.get(title="Conclusion"),
                 body="<p>[COUNSEL: State the request.]</p>", expected_version=0, actor=Actor(user=membership.user))
    return narrative, membership.user


@pytest.mark.browser
def test_the_export_page_lists_the_checks_makes_a_draft_and_then_the_filing(narrative, live_server, page, screenshot):
    narrative, user = narrative
    case = narrative.case
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/cases/{case.pk}/narratives/{narrative.pk}/export/")

    checks = page.locator("#filing-checks li").all_inner_texts()
    assert any("bar number" in check for check in checks)
    assert any("[COUNSEL: State the request.]" in check for check in checks)
    assert any("prosecuting office" in check for check in checks)
    screenshot("export-filing-checks")

    # a draft despite the checks: listed as DRAFT
    page.click("button[name=export][value=draft]")
    page.wait_for_selector("text=DRAFT")
    assert Export.objects.get().draft
    screenshot("export-list-draft")

    # the court, the signer and counsel's conclusion: then every check passes
    page.goto(f"{live_server.url}/cases/{case.pk}/narratives/{narrative.pk}/export/")
    page.select_option("#id_c-court_system", "state")
    page.fill("#id_c-prosecuting_office", "the Brennan County District Attorney's Office")
    page.click("button[name=save_court]")
    page.wait_for_selector(".messages .success")
    page.fill("#id_s-signer_name", "Elaine Kroft")
    page.fill("#id_s-bar_number", "AR 041977")
    page.fill("#id_s-signature_date", "2024-05-06")
    page.click("button[name=save_settings]")
    page.wait_for_selector(".messages .success")
    conclusion = narrative.sections.get(title="Conclusion")
    section_save(section=conclusion, body="<p>The defense asks for probation.</p>", expected_version=conclusion.version,
                 actor=Actor(user=user))
    page.reload()
    assert "all pass" in page.inner_text("#filing-checks")
    assert "PUBLIC — REDACTED" in page.inner_text("#export-form")
    screenshot("export-filing-checks-pass")
