"""The demo Advocate's day: record an engagement, log attendance, attach the certificate, see it on the timeline and
in the drafted narrative (in its domain: it ended long ago); an attendance file with a bad row is refused whole; the dashboard shows the stale one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import call_command

from cases.models import Case
from engagements.models import Engagement, EngagementLogEntry
from narratives.models import NarrativeSection
from tests.browser.conftest import SCREENSHOTS

DATA = Path(__file__).resolve().parents[1] / "engagements" / "data"


@pytest.fixture
def demo_case(transactional_db, settings):
    call_command("load_demo", "--now", "--allow-in-production")
    return Case.objects.get(docket_number="23-CF-00417")


def _login(page, live_server, username="advocate"):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo-mitigation-2026")
    page.click("button[type=submit]")


@pytest.mark.browser
def test_advocate_records_an_engagement_and_it_reaches_the_narrative(demo_case, live_server, page, screenshot):
    _login(page, live_server)

    # The dashboard: the engagement nobody has heard from in six weeks is flagged.
    page.click("nav.topnav >> text=Dashboard")
    stale = page.locator("#stale")
    assert "Primary care for asthma" in stale.inner_text() and "41 days ago" in stale.inner_text()
    assert "A job readiness program" in page.inner_text("#referrals")
    screenshot("advocate-dashboard")

    # A new engagement, tied to one of the client's goals.
    page.locator(".client-work a.button", has_text="New engagement").click()
    page.select_option("#id_service_type", "family_services")
    page.fill("#id_program", "the Fathers at the Table parenting program")
    page.fill("#id_provider_name", "Family Roots Center")
    page.fill("#id_provider_contact", "Marcus Obi, Program Coordinator, (555) 014-6640")
    page.select_option("#id_status", "enrolled")
    page.fill("#id_start_date", "2023-06-06")
    page.select_option("#id_client_goal", label="3. Be there for my daughter.")
    screenshot("advocate-new-engagement")
    page.click("#engagement-form button[type=submit]")
    assert "Engagement created" in page.inner_text(".messages")
    engagement = Engagement.objects.get(case=demo_case, provider_name="Family Roots Center", origin="team")

    # Attendance, logged by hand; then the dated status change.
    for day, kind in [("2023-06-06", "attended"), ("2023-06-13", "attended"), ("2023-06-20", "excused"),
                      ("2023-06-27", "attended")]:
        page.fill("#log-form input[name=date]", day)
        page.check(f"#log-form input[name=kind][value={kind}]")
        page.click("#log-form button[type=submit]")
        assert "Logged:" in page.inner_text(".messages")
    assert "3 of 3 scheduled sessions attended" in " ".join(page.inner_text(".attendance").split())
    page.select_option("#status-form select[name=status]", "completed")
    page.fill("#status-form input[name=date]", "2023-08-22")
    page.click("#status-form button[type=submit]")
    assert "Status changed to completed" in page.inner_text(".messages")
    history = page.inner_text("#history ol.history")
    assert re.search(r"June 6, 2023\s+Enrolled", history) and re.search(r"August 22, 2023\s+Completed", history)

    # The completion certificate goes in through the real upload: it becomes a record of the case.
    page.select_option("#evidence-form select[name=kind]", "certificate")
    page.set_input_files("#evidence-form input[name=file]", str(DATA / "family_roots_certificate.pdf"))
    page.click("#evidence-form button[type=submit]")
    assert "family_roots_certificate.pdf attached as certificate" in page.inner_text(".messages")
    assert "family_roots_certificate.pdf, p. 1" in page.inner_text("#on-timeline")

    # The client approved it for court: the Advocate went through it with them; the specialist records it.
    assert page.locator("#consent-form").count() == 0
    assert "Not yet discussed" in page.inner_text("#consent-state")
    screenshot("advocate-engagement")
    engagement_url = page.url
    page.click("#logout-form button")
    _login(page, live_server, "specialist")
    page.goto(engagement_url)
    page.select_option("#consent-select", "approved")
    page.click("#consent-form button[type=submit]")
    assert "Consent recorded" in page.inner_text(".messages")
    page.click("#logout-form button")
    _login(page, live_server)
    page.goto(engagement_url)

    # On the timeline, spanning its dates, citing the certificate.
    page.locator("#on-timeline a", has_text="See it on the timeline").click()
    item = page.locator(f"#event-{engagement.event_id}")
    assert "June 6, 2023–August 22, 2023" in item.locator(".when").inner_text()
    assert "engagement · completed" in item.inner_text()
    assert "attended 3 of 3" not in item.inner_text()
    assert "attended all 3 scheduled sessions" in item.locator(".summary").inner_text()
    assert "family_roots_certificate.pdf, p. 1" in item.locator(".sources").inner_text()
    item.screenshot(path=str(SCREENSHOTS / "advocate-timeline-event.png"))

    # Assembled: a programme that ended more than 24 months ago is told in its domain ("Work and responsibilities"),
    # not in "What the client is doing now"; with only a certificate attached, no attendance figure is cited to it.
    # by the specialist: an Advocate writes only "What the client is doing now"
    page.click("#logout-form button")
    _login(page, live_server, "specialist")
    page.goto(f"{live_server.url}/cases/{demo_case.pk}/narratives/")
    page.locator(".plain-list a").first.click()
    page.on("dialog", lambda dialog: dialog.accept())
    section = page.locator("section.section", has=page.locator("input[value='Work and responsibilities']"))
    with page.expect_navigation():  # the form posts and the page reloads with the draft
        section.locator("button", has_text="Assemble draft").click()
    section = page.locator("section.section", has=page.locator("input[value='Work and responsibilities']"))
    editor = section.locator(".ck-editor__editable")
    editor.wait_for()
    paragraph = editor.locator("p", has_text="Mr. Ashby was enrolled in the Fathers at the Table")
    text = " ".join(paragraph.inner_text().split())
    assert (
        "From June 6, 2023 to August 22, 2023, Mr. Ashby was enrolled in the Fathers at the Table parenting program "
        "at Family Roots Center (completed). It serves a goal he set: “Be there for my daughter.”"
    ) in text, text
    assert "attended all 3" not in text
    assert "(family_roots_certificate.pdf, p. 1)" in paragraph.locator("a.citation").all_inner_texts()
    stored = NarrativeSection.objects.get(narrative__case=demo_case, title="Work and responsibilities").body
    assert f'data-event="{engagement.event_id}"' in stored
    now = NarrativeSection.objects.get(narrative__case=demo_case, title="What the client is doing now").body
    assert f'data-event="{engagement.event_id}"' not in now
    section.screenshot(path=str(SCREENSHOTS / "advocate-narrative-section.png"))
    page.click("#logout-form button")
    _login(page, live_server)

    # A provider's attendance file with one bad row: the line is named and nothing is imported.
    ged = Engagement.objects.get(case=demo_case, program="GED preparation classes")
    before = EngagementLogEntry.objects.filter(engagement=ged).count()
    page.goto(f"{live_server.url}/cases/{demo_case.pk}/engagements/")
    page.locator("a.button", has_text="Import attendance").click()
    page.set_input_files("#id_file", str(DATA / "ged_attendance_bad_row.csv"))
    page.select_option("#id_engagement", str(ged.pk))
    page.click("#import-form button[type=submit]")
    errors = page.inner_text("#import-errors")
    assert "Nothing was imported" in errors
    assert "line 7: “06/31/2023” is not a date" in errors
    assert EngagementLogEntry.objects.filter(engagement=ged).count() == before
    screenshot("advocate-import-refused")

    # The corrected file goes in whole.
    page.set_input_files("#id_file", str(DATA / "ged_attendance.csv"))
    page.select_option("#id_engagement", str(ged.pk))
    page.click("#import-form button[type=submit]")
    assert "Imported 64 sessions" in page.inner_text(".messages")
    assert "60 of 62 scheduled sessions attended" in " ".join(page.inner_text(".attendance").split())
    screenshot("advocate-import-done")

    # The one-page summary to go through with the client.
    page.goto(f"{live_server.url}/cases/{demo_case.pk}/client-summary/")
    assert "You went to 60 of 62 sessions. 2 excused absences are not counted against you." in page.inner_text(
        ".client-summary")
    screenshot("advocate-client-summary")
    page.emulate_media(media="print")
    screenshot("advocate-client-summary-print")
