"""A specialist searches the demo case for a word only the scanned record holds, opens the hit on the page's picture,
adds the sentence as an event, sees it among the record's facts, renames the record, and watches the records table
update by itself."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from evidence.models import Document
from extraction.models import DocumentExtraction
from narratives.models import TimelineEvent
from tests.browser.conftest import PICTURE_DRAWN_MS
from tests.factories import EventCandidateFactory


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", "--now", "--allow-in-production")
    return TimelineEvent.objects.first().case


def _log_in(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "specialist")
    page.fill("#id_password", "demo-mitigation-2026")
    page.click("button[type=submit]")


@pytest.mark.browser
def test_search_opens_the_scanned_page_and_a_hit_becomes_a_fact_of_the_record(demo, live_server, page, screenshot):
    scan = Document.objects.get(case=demo, original_name="A06_substance_use_treatment_scan.pdf")
    _log_in(page, live_server)
    page.goto(f"{live_server.url}/cases/{demo.pk}/")

    page.fill("#case-search-q", "intranasal")  # read by OCR from the scanned intake form only
    page.press("#case-search-q", "Enter")
    page.wait_for_selector("#search-summary")
    screenshot("search-results")
    assert "1 page" in page.inner_text("#search-summary")
    records = page.locator("section.search-record")
    assert records.count() == 1 and scan.original_name in records.first.inner_text()
    assert records.first.locator(".snippet mark").first.inner_text().lower() == "intranasal"

    records.first.locator("a.hit-page").click()
    page.wait_for_selector("#page-text mark.hit")
    # drawn on this first view: a scan at 1600 px takes seconds on a loaded machine
    expect(page.locator("#page-picture")).to_have_js_property("complete", True, timeout=PICTURE_DRAWN_MS)
    assert page.evaluate("document.getElementById('page-picture').naturalWidth") > 1000
    assert page.locator("#page-text mark.hit").first.inner_text().lower() == "intranasal"
    page.click("button[data-zoom='1']")
    assert page.inner_text("#zoom-level") == "150%"
    zoomed = page.evaluate("document.getElementById('page-picture').getBoundingClientRect().width")
    frame = page.evaluate("document.getElementById('picture-frame').clientWidth")
    assert zoomed > frame  # the picture is now wider than its frame, which scrolls
    screenshot("search-hit-on-the-scanned-page")
    page.keyboard.press("ArrowRight")
    page.wait_for_url(re.compile(r"/pages/2/\?q=intranasal$"))
    page.go_back()

    page.click("text=Back to the search")
    page.locator("section.search-record a.button", has_text="Add as event").click()
    quote = page.inner_text("blockquote.context")
    assert "Intranasal" in quote or "intranasal" in quote
    page.click("button:has-text('Add to the timeline')")
    page.wait_for_selector(".messages .success")
    assert f"citing {scan.original_name} p. 1" in page.inner_text(".messages")
    added = TimelineEvent.objects.order_by("-pk").first()

    page.goto(f"{live_server.url}/cases/{demo.pk}/records/{scan.pk}/")
    assert page.locator(f"#facts li[data-event='{added.pk}']").count() == 1
    screenshot("record-page-facts")

    page.click("#edit-details")
    page.fill("#id_description", "Crestline intake assessment and treatment summary")
    page.fill("#id_dates_from", "2023-04-10")
    page.fill("#id_dates_to", "2023-10-11")
    page.click("button:has-text('Save details')")
    page.wait_for_selector(".messages .success")
    assert "Crestline intake assessment and treatment summary" in page.inner_text(".record-description")
    scan.refresh_from_db()
    assert scan.description == "Crestline intake assessment and treatment summary"


@pytest.mark.browser
def test_the_records_table_updates_by_itself_and_sets_details_on_a_selection(demo, live_server, page, screenshot):
    letter = Document.objects.get(case=demo, original_name="A07_employment_letter.docx")
    extraction = DocumentExtraction.objects.get(document=letter)
    extraction.status = DocumentExtraction.Status.RUNNING
    extraction.save()
    _log_in(page, live_server)
    page.goto(f"{live_server.url}/cases/{demo.pk}/")
    cell = page.locator(f"tr[data-document-id='{letter.pk}'] td[data-column='0']")
    assert cell.inner_text() == "Finding events"

    waiting = letter.event_candidates.filter(review_status="pending").count()
    EventCandidateFactory(document=letter, sentence="He trained two new cooks.")
    extraction.status = DocumentExtraction.Status.DONE
    extraction.save()

    expect(cell).to_contain_text(f"{waiting + 1} waiting", timeout=15_000)  # no reload: the page polls
    assert page.locator(f"tr[data-document-id='{letter.pk}']").get_attribute("data-busy") == "0"
    screenshot("records-table-updated")

    page.check("#select-all-records")
    page.click("text=Set details of the selected records")
    page.fill("#bulk-date_received", "2024-01-15")
    screenshot("records-selected-for-details")
    page.click("text=Apply to selected")
    page.wait_for_selector(".messages .success")
    count = Document.objects.filter(case=demo).count()
    assert f"Details set on {count} records." in page.inner_text(".messages")
    assert set(Document.objects.filter(case=demo).values_list("date_received", flat=True)) == {
        datetime.date(2024, 1, 15)
    }
