"""The review queue from the keyboard: j/k to move, a to accept, r to reject, e to edit."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from extraction.models import EventCandidate
from narratives.models import TimelineEvent


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", "--now", "--allow-in-production")
    return TimelineEvent.objects.first().case


@pytest.mark.browser
def test_reviewer_accepts_rejects_and_edits_with_the_keyboard(demo, live_server, page, screenshot):
    pending = list(EventCandidate.objects.pending().order_by("start"))
    assert len(pending) >= 3
    events_before = TimelineEvent.objects.count()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "specialist")
    page.fill("#id_password", "demo-mitigation-2026")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/cases/{demo.pk}/review/")
    first = page.locator("li.proposal").first
    assert "selected" in first.get_attribute("class")
    assert first.locator("blockquote.context mark").inner_text().strip()
    screenshot("review-queue")

    page.keyboard.press("a")  # accept the first
    page.wait_for_selector(".messages .success")
    assert "Accepted" in page.inner_text(".messages")
    page.keyboard.press("r")  # the next one is selected after the redirect: reject it
    page.wait_for_selector(".messages .info")
    page.keyboard.press("j")
    page.keyboard.press("k")
    page.keyboard.press("e")  # edit the selected one
    page.wait_for_selector("textarea[name=summary]")
    page.fill("textarea[name=summary]", "Worked at the bakery, edited by the reviewer.")
    page.click("button:has-text('Accept with these edits')")
    page.wait_for_selector(".messages .success")

    statuses = {c.pk: EventCandidate.objects.get(pk=c.pk).review_status for c in pending[:3]}
    assert sorted(statuses.values()) == ["accepted", "accepted", "rejected"]
    assert TimelineEvent.objects.count() == events_before + 2
    assert TimelineEvent.objects.filter(summary="Worked at the bakery, edited by the reviewer.").exists()
