"""The review queue from the keyboard: j/k to move, a to accept, r to reject, e to edit."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from extraction.models import EventCandidate
from narratives.models import TimelineEvent


@pytest.fixture
def demo(transactional_db, monkeypatch):
    # the demo reviews every record; here one record's proposals are left waiting for the reviewer in the browser
    monkeypatch.setattr("demo.review.LEFT_FOR_REVIEW", ("A07_",))
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


@pytest.mark.browser
def test_a_statement_edited_in_review_is_what_the_draft_says(demo, live_server, page, screenshot):
    """The reviewer rewrites the proposed statement before accepting; the assembled draft uses their words."""
    from narratives.models import Consent, Narrative

    candidate = EventCandidate.objects.pending().filter(category="employment").order_by("start").first()
    assert candidate is not None
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "specialist")
    page.fill("#id_password", "demo-mitigation-2026")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/cases/{demo.pk}/review/?show=unlikely")
    proposal = page.locator(f"#candidate-{candidate.pk}")
    statement = proposal.locator("textarea[name=statement]")
    proposed = statement.input_value()
    assert proposed and "\t" not in proposed and proposed[0].isupper()  # a sentence, not the raw row
    screenshot("review-statement-proposed")
    statement.fill("In 2020, Mr. Ashby went to work at a neighbourhood bakery, where he stayed for three years.")
    proposal.locator("button:has-text('Accept')").click()
    page.wait_for_selector(".messages .success")

    event = TimelineEvent.objects.get(candidates=candidate)
    assert event.statement.startswith("In 2020, Mr. Ashby went to work at a neighbourhood bakery")
    page.goto(f"{live_server.url}/cases/{demo.pk}/timeline/?q=bakery")
    assert page.locator(f"#event-{event.pk} p.statement").inner_text().startswith("In 2020, Mr. Ashby went to work")
    screenshot("timeline-statement")
    # the client approves the fact for court, recorded on the timeline
    page.click(f"#event-{event.pk} details.event-tools > summary")
    page.select_option(f"#event-{event.pk} select[name=consent]", Consent.APPROVED)
    page.click(f"#event-{event.pk} details.event-tools button:has-text('Save')")
    page.wait_for_selector(".messages .success")
    assert TimelineEvent.objects.get(pk=event.pk).consent == Consent.APPROVED

    narrative = Narrative.objects.get(case=demo)
    section = narrative.sections.get(title="Work and responsibilities")
    page.goto(f"{live_server.url}/cases/{demo.pk}/narratives/{narrative.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f"[data-section='{section.pk}'] button:has-text('Assemble')").first.click()
    page.wait_for_timeout(1500)
    section.refresh_from_db()
    assert "went to work at a neighbourhood bakery, where he stayed for three years." in section.body
    screenshot("draft-uses-statement")
