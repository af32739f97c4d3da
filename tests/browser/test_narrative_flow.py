"""The specialist's afternoon: filter the timeline, check a source, record consent, draft and edit the narrative."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from narratives.models import Consent, Narrative, NarrativeSection, TimelineEvent


@pytest.fixture
def demo_case(transactional_db, settings):
    call_command("load_demo", "--now", "--allow-in-production")
    Narrative.objects.all().delete()  # the specialist builds their own narrative in this test
    return TimelineEvent.objects.first().case


def _login(page, live_server, username="specialist"):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo-mitigation-2026")
    page.click("button[type=submit]")


@pytest.mark.browser
def test_specialist_filters_checks_a_source_records_consent_and_drafts(demo_case, live_server, page, screenshot):
    _login(page, live_server)
    page.locator("table a", has_text="Devon Michael Ashby").click()
    page.locator("a.button", has_text="Timeline").click()

    # Filter to trauma and child welfare; the filter lands in the URL.
    page.check("input[name=category][value=trauma_abuse]")
    page.check("input[name=category][value=child_welfare]")
    page.click("#timeline-filters button[type=submit]")
    assert "category=trauma_abuse" in page.url and "category=child_welfare" in page.url
    categories = set(page.locator(".timeline-list .what > .cat").all_inner_texts())
    assert categories == {"Trauma and abuse", "Child welfare"}
    screenshot("timeline-trauma-child-welfare")

    # Open a source page: the cited span is highlighted.
    first = page.locator(".timeline-list li").first
    first.locator(".sources a").first.click()
    assert page.locator("mark#cited").inner_text().strip()
    page.go_back()

    # Record the client's consent on the first event.
    event_id = int(first.get_attribute("id").split("-")[1])
    first.locator("details.event-tools summary").click()
    first.locator("select[name=consent]").select_option("approved")
    first.locator("form.inline-form button", has_text="Save").click()
    assert "Consent recorded" in page.inner_text(".messages")
    assert TimelineEvent.objects.get(pk=event_id).consent == Consent.APPROVED

    # Build a narrative from the template and assemble "Early childhood and family".
    page.goto(f"{live_server.url}/cases/{demo_case.pk}/narratives/")
    page.click("form button[type=submit]:has-text('Start')")
    section = page.locator("section.section", has=page.locator("input[value='Early childhood and family']"))
    page.on("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():  # the form posts and the page reloads with the draft
        section.locator("button", has_text="Assemble draft").click()
    section = page.locator("section.section", has=page.locator("input[value='Early childhood and family']"))
    editor = section.locator(".ck-editor__editable")
    editor.wait_for()
    citations = editor.locator("a.citation")
    assert citations.count() > 3
    assert re.search(r"\.pdf, p\. \d", citations.first.inner_text())

    # Edit it in CKEditor: the change autosaves as a new version.
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" These years shaped him.")
    section.locator(".save-state", has_text=re.compile(r"^Saved \d")).wait_for(timeout=15_000)
    stored = NarrativeSection.objects.get(narrative__case=demo_case, title="Early childhood and family")
    assert "These years shaped him." in stored.body and stored.version == 2
    assert 'class="citation"' in stored.body
    screenshot("narrative-editor")

    # The panel offers the section's facts to cite, and withheld facts cannot be inserted.
    withheld = TimelineEvent.objects.get(case=demo_case, consent=Consent.WITHHELD)
    assert page.locator(f".panel-events li[data-event='{withheld.pk}'] button.insert").is_disabled()
