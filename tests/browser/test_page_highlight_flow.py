"""A reviewer opens proposals from the review queue and sees each one's sentence marked on the page's picture: on a
text PDF, on a scanned page read by OCR and on a Word letter's rendition; the marks stay on their words when the
picture is zoomed. A search for a word only the scan holds opens the hit marked on the scan."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from extraction.models import EventCandidate
from narratives.models import TimelineEvent
from tests.browser.conftest import PICTURE_DRAWN_MS, SCREENSHOTS

TEXT_PDF = "A01_birth_hospital_record.pdf"
SCAN = "A06_substance_use_treatment_scan.pdf"
LETTER = "A07_employment_letter.docx"

# The share of dark pixels of the picture under each mark: words are ink on paper, a misplaced mark is mostly paper.
INK_UNDER_MARKS = """() => {
  const img = document.getElementById('page-picture');
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
  const context = canvas.getContext('2d');
  context.drawImage(img, 0, 0);
  const sheet = document.getElementById('picture-sheet').getBoundingClientRect();
  return Array.from(document.querySelectorAll('.picture-mark')).map(mark => {
    const box = mark.getBoundingClientRect();
    const sx = img.naturalWidth / sheet.width, sy = img.naturalHeight / sheet.height;
    const x = Math.round((box.left - sheet.left) * sx), y = Math.round((box.top - sheet.top) * sy);
    const w = Math.max(1, Math.round(box.width * sx)), h = Math.max(1, Math.round(box.height * sy));
    const data = context.getImageData(x, y, w, h).data;
    let dark = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] + data[i + 1] + data[i + 2] < 3 * 128) dark += 1;
    return dark / (w * h);
  });
}"""
# Where each mark is, in fractions of the picture as shown: the same at every zoom if the marks follow it.
MARKS_ON_PICTURE = """() => {
  const picture = document.getElementById('page-picture').getBoundingClientRect();
  return Array.from(document.querySelectorAll('.picture-mark')).map(mark => {
    const box = mark.getBoundingClientRect();
    return [(box.left - picture.left) / picture.width, (box.top - picture.top) / picture.height,
            box.width / picture.width, box.height / picture.height];
  });
}"""


@pytest.fixture
def demo(transactional_db, monkeypatch):
    # The demo reviews every record; these three keep their proposals waiting for the reviewer in the browser.
    monkeypatch.setattr("demo.review.LEFT_FOR_REVIEW", ("A01_", "A06_", "A07_"))
    call_command("load_demo", "--now", "--allow-in-production")
    return TimelineEvent.objects.first().case


def _log_in(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "specialist")
    page.fill("#id_password", "demo-mitigation-2026")
    page.click("button[type=submit]")


def _open_from_the_queue(page, live_server, case, record: str, sentence_has: str) -> EventCandidate:
    """Finds, screen by screen, the card of a waiting proposal of `record` whose sentence holds `sentence_has`, and
    follows its link to the page."""
    candidate = next(
        c for c in EventCandidate.objects.pending().filter(document__original_name=record).order_by("start")
        if sentence_has in c.sentence
    )
    page.goto(f"{live_server.url}/cases/{case.pk}/review/?group=record&show=unlikely")
    card = page.locator(f"#candidate-{candidate.pk}")
    while card.count() == 0:
        page.click("nav.pager a:has-text('Next')")
        page.wait_for_load_state()
    card.locator("a.source").click()
    page.wait_for_selector(".picture-mark.cited", state="attached")
    expect(page.locator("#page-picture")).to_have_js_property("complete", True, timeout=PICTURE_DRAWN_MS)
    assert page.evaluate("document.getElementById('page-picture').naturalWidth") > 1000
    return candidate


def _frame_shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#picture-frame").screenshot(path=str(SCREENSHOTS / f"{name}.png"))


@pytest.mark.browser
def test_a_proposal_opens_its_page_with_the_sentence_marked_on_the_picture(demo, live_server, page, screenshot):
    _log_in(page, live_server)

    # A text PDF: the sentence of a proposal, marked where the page prints it.
    candidate = _open_from_the_queue(page, live_server, demo, TEXT_PDF, "NICU")
    assert page.locator("#cited").inner_text() == candidate.sentence[: len(page.locator("#cited").inner_text())]
    ink = page.evaluate(INK_UNDER_MARKS)
    assert ink and all(0.04 < share < 0.6 for share in ink)  # each mark lies over printed words
    screenshot("highlight-text-page")
    _frame_shot(page, "highlight-text-page-picture")
    before = page.evaluate(MARKS_ON_PICTURE)
    page.click("button[data-zoom='1']")
    page.click("button[data-zoom='1']")
    assert page.inner_text("#zoom-level") == "200%"
    after = page.evaluate(MARKS_ON_PICTURE)
    assert len(after) == len(before) and all(abs(a - b) < 0.002 for m, n in zip(before, after) for a, b in zip(m, n))
    mark = page.locator(".picture-mark").first.bounding_box()
    frame = page.locator("#picture-frame").bounding_box()
    assert frame["y"] <= mark["y"] <= frame["y"] + frame["height"]  # zoomed, the frame keeps the mark in sight
    _frame_shot(page, "highlight-text-page-zoomed")

    # A scan: no text layer; the marks come from the words OCR found on the picture.
    _open_from_the_queue(page, live_server, demo, SCAN, "")
    assert "read by OCR" in page.inner_text(".case-head")
    ink = page.evaluate(INK_UNDER_MARKS)
    assert ink and all(0.04 < share < 0.6 for share in ink)
    screenshot("highlight-scanned-page")
    _frame_shot(page, "highlight-scanned-page-picture")

    # A Word letter: the picture is its rendition's page, the one its exhibit copies.
    _open_from_the_queue(page, live_server, demo, LETTER, "")
    assert "A Word document has no fixed pages of its own" in page.inner_text("#picture-help")
    ink = page.evaluate(INK_UNDER_MARKS)
    assert ink and all(0.04 < share < 0.6 for share in ink)
    _frame_shot(page, "highlight-word-rendition-picture")


@pytest.mark.browser
def test_a_word_only_the_scan_holds_is_found_and_marked_on_the_scan(demo, live_server, page):
    _log_in(page, live_server)
    page.goto(f"{live_server.url}/cases/{demo.pk}/")
    page.fill("#case-search-q", "intranasal")  # read by OCR from the scanned intake form only
    page.press("#case-search-q", "Enter")
    page.wait_for_selector("#search-summary")
    records = page.locator("section.search-record")
    assert records.count() == 1 and SCAN in records.first.inner_text()

    records.first.locator("a.hit-page").click()
    page.wait_for_selector(".picture-mark.hit", state="attached")
    expect(page.locator("#page-picture")).to_have_js_property("complete", True, timeout=PICTURE_DRAWN_MS)
    assert page.locator("#page-text mark.hit").first.inner_text().lower() == "intranasal"
    ink = page.evaluate(INK_UNDER_MARKS)
    assert len(ink) == page.locator("#page-text mark.hit").count() and all(0.04 < share < 0.6 for share in ink)
    _frame_shot(page, "search-hit-marked-on-the-scan")
