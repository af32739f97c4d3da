"""A mitigation specialist logs in, opens the case, uploads the scanned record and watches it being read."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidence.models import Document
from tests.factories import MembershipFactory, UserFactory

RECORDS = Path(__file__).resolve().parents[2] / "demo" / "client-a" / "records"


@pytest.mark.browser
@pytest.mark.worker
def test_specialist_uploads_a_scanned_record_and_sees_its_ocr_text(worker_process, live_server, page, screenshot):
    specialist = UserFactory(username="specialist-b", first_name="Marisol", last_name="Vega")
    membership = MembershipFactory(user=specialist, case__client_name="Devon Michael Ashby")

    page.goto(f"{live_server.url}/")
    page.fill("#id_username", "specialist-b")
    page.fill("#id_password", "a-long-test-password")
    page.click("button[type=submit]")
    page.locator("table a", has_text="Devon Michael Ashby").click()
    page.wait_for_load_state()  # records.js (deferred) lists the chosen files: choose them once it has run
    page.set_input_files("#record-files", str(RECORDS / "A06_substance_use_treatment_scan.pdf"))
    assert "A06_substance_use_treatment_scan.pdf" in page.inner_text("#chosen-files")
    page.select_option("#id_record_type", "treatment")
    page.click("#upload-form button[type=submit]")

    assert "uploaded; reading its pages now" in page.inner_text(".messages")
    screenshot("case-page-after-upload")
    page.locator("table.records a", has_text="A06_substance_use_treatment_scan.pdf").click()
    # The page follows the worker by itself and shows the pages once read.
    page.wait_for_selector("#page-2", timeout=90_000)
    screenshot("record-after-ocr")

    text = page.inner_text("#page-1 .page-text")
    assert "ADMISSION ASSESSMENT" in text and "Ashby" in text
    assert "OCR" in page.inner_text("#page-1 header")
    assert Document.objects.get(case=membership.case).status == Document.Status.READY
