"""A new case's team is assembled in the app, each role sees what it may do, and unsaved narrative text kept in the
browser leaves with the person who typed it."""

from __future__ import annotations

import re

import pytest

from audit.services import Actor
from cases.models import Case
from narratives.models import NarrativeSection
from narratives.services import narrative_create, section_save
from tests.factories import UserFactory

PASSWORD = "a-long-test-password"


def _login(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "/accounts/login/" not in page.url, page.inner_text("main")


def _logout(page) -> None:
    with page.expect_navigation():
        page.click("#logout-form button")


@pytest.fixture
def people(transactional_db):
    return {
        role: UserFactory(username=role, first_name=first, last_name=last)
        for role, first, last in [("attorney", "Avery", "Lead"), ("specialist", "Sam", "Rivera"),
                                  ("advocate", "Alex", "Moreno"), ("supervisor", "Pat", "Okafor")]
    }


@pytest.mark.browser
def test_a_new_case_is_staffed_in_the_app_and_each_role_sees_its_own_tools(people, live_server, page, screenshot):
    _login(page, live_server, "attorney")
    page.goto(f"{live_server.url}/cases/new/")
    page.fill("#id_client_name", "Jordan Q. Sample")
    page.fill("#id_docket_number", "24-CF-00999")
    screenshot("team-open-case")
    page.click("main form button[type=submit]")

    # Straight to the team page, the opener its lead; the rest of the team added here, no admin site.
    assert page.url.endswith("/team/")
    for username, role in [("specialist", "mitigation_specialist"), ("advocate", "advocate"),
                           ("supervisor", "supervisor")]:
        page.select_option("#id_user", label=f"{people[username].get_full_name()} ({username})")
        page.select_option("#id_role", role)
        page.click("#team-add button[type=submit]")
        assert "joined the team" in page.inner_text(".messages")
    rows = page.inner_text(".team-table")
    assert re.search(r"Avery Lead.*\n?.*Attorney\s+lead", rows)
    assert "Alex Moreno" in rows and "Pat Okafor" in rows
    screenshot("team-as-lead")
    case = Case.objects.get(docket_number="24-CF-00999")
    narrative = narrative_create(case=case, title="Sentencing memorandum", created_by=people["attorney"])
    section_save(section=narrative.sections.get(title="Introduction"), body="<p>Jordan is a father.</p>",
                 expected_version=0, actor=Actor(user=people["attorney"]))
    _logout(page)

    # The Advocate: the team and the table, no team forms; no consent, no filing settings, no exports.
    _login(page, live_server, "advocate")
    page.goto(f"{live_server.url}/cases/{case.pk}/team/")
    assert page.locator("#team-add").count() == 0
    assert "You are on it as Advocate." in page.inner_text("main")
    assert page.inner_text(".roles-table th.yours").lower() == "advocate (you)"
    screenshot("team-as-advocate")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    tools = page.inner_text(".work")
    assert "Review proposals" in tools and "Audit log" not in tools
    page.goto(f"{live_server.url}/cases/{case.pk}/narratives/{narrative.pk}/")
    assert "Export" not in page.inner_text(".heading-row nav")
    assert "write in “What the client is doing now”" in page.inner_text("#edit-limit")
    introduction = page.locator("section.section", has=page.locator("input[value='Introduction']"))
    introduction.locator(".ck-editor__editable[contenteditable=false]").wait_for()
    doing_now = page.locator("section.section", has=page.locator("input[value='What the client is doing now']"))
    doing_now.locator(".ck-editor__editable[contenteditable=true]").wait_for()
    screenshot("team-advocate-editor")
    response = page.goto(f"{live_server.url}/cases/{case.pk}/narratives/{narrative.pk}/export/")
    assert response.status == 403
    assert "may not make or download exports" in page.inner_text("#refused")
    screenshot("team-advocate-refused")
    page.click("#go-back")
    page.wait_for_url(re.compile(rf".*/narratives/{narrative.pk}/$"))
    _logout(page)

    # The supervisor manages the team and reads the audit log, and does not write.
    _login(page, live_server, "supervisor")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    assert "Audit log" in page.inner_text(".work")
    assert page.locator("#upload-form").count() == 0
    page.goto(f"{live_server.url}/cases/{case.pk}/team/")
    page.locator("#team-add").wait_for()
    screenshot("team-as-supervisor")


@pytest.mark.browser
def test_unsaved_text_kept_in_the_browser_is_cleared_at_logout_and_never_saved_as_the_next_person(
    people, live_server, page, screenshot
):
    case = Case.objects.create(client_name="Jordan Q. Sample", docket_number="24-CF-00998",
                               created_by=people["attorney"])
    case.memberships.create(user=people["attorney"], role="attorney", is_lead=True)
    case.memberships.create(user=people["specialist"], role="mitigation_specialist")
    narrative = narrative_create(case=case, title="Sentencing memorandum", created_by=people["attorney"])
    editor_url = f"{live_server.url}/cases/{case.pk}/narratives/{narrative.pk}/"
    page.on("dialog", lambda dialog: dialog.accept())  # "leave with unsaved changes?": yes

    _login(page, live_server, "specialist")
    page.route(re.compile(r".*/save/$"), lambda route: route.abort())  # the server cannot be reached to save
    page.goto(editor_url)
    section = page.locator("section.section", has=page.locator("input[value='Introduction']"))
    editor = section.locator(".ck-editor__editable")
    editor.click()
    page.keyboard.type("Privileged words typed by the specialist.")
    section.locator(".save-state").filter(has_text=re.compile("Not saved")).wait_for(timeout=15_000)
    keys = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('narrative-section-draft-'))")
    assert keys == [f"narrative-section-draft-{people['specialist'].pk}-{section.get_attribute('data-section')}"]
    screenshot("drafts-before-logout")
    _logout(page)

    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('narrative-section-draft-')).length") == 0
    _login(page, live_server, "attorney")
    page.goto(editor_url)
    section.locator(".ck-editor__editable").wait_for()
    page.wait_for_timeout(2500)  # longer than the autosave delay: a restored draft would be saved by now
    assert "Privileged words" not in section.locator(".ck-editor__editable").inner_text()
    assert "Privileged words" not in NarrativeSection.objects.get(narrative=narrative, title="Introduction").body


@pytest.mark.browser
def test_the_lead_edits_the_case_details_and_archives_the_case(people, live_server, page, screenshot):
    import datetime

    from django.utils import timezone

    case = Case.objects.create(client_name="Jordan Q. Sample", docket_number="24-CF-00997", charges="Burglary",
                               created_by=people["attorney"])
    case.memberships.create(user=people["attorney"], role="attorney", is_lead=True)
    case.memberships.create(user=people["specialist"], role="mitigation_specialist")
    _login(page, live_server, "attorney")

    # The details, from the case page.
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.click("#edit-details")
    page.wait_for_url(re.compile(r".*/details/$"))
    page.fill("#id_client_name", "Jordan Q. Example")
    page.fill("#id_charges", "Burglary; criminal trespass")
    page.select_option("#id_stage", "sentencing")
    screenshot("case-details-form")
    with page.expect_navigation():
        page.click("#case-details-form button[type=submit]")
    assert "details are saved" in page.inner_text(".messages")
    assert page.inner_text("h1") == "Jordan Q. Example"
    assert "criminal trespass" in page.inner_text("main")

    # Archived, to be destroyed a year from now.
    page.click("#archive-case")
    page.wait_for_url(re.compile(r".*/archive/$"))
    destroy_after = timezone.localdate() + datetime.timedelta(days=365)
    page.fill("#id_destroy_after", destroy_after.isoformat())
    screenshot("case-archive-form")
    with page.expect_navigation():
        page.click("#archive-form button[type=submit]")
    notice = page.inner_text("#archived-notice")
    assert "can be read, not changed" in notice and f"{destroy_after:%B} {destroy_after.day}" in notice
    assert page.locator("#upload-form").count() == 0 and page.locator("#edit-details").count() == 0
    screenshot("case-archived")
    page.click("#archived-notice a")
    page.locator("#unarchive-form").wait_for()
    assert "It will be destroyed after" in page.inner_text("#archive")
    screenshot("case-archived-manage")
    response = page.goto(f"{live_server.url}/cases/{case.pk}/engagements/new/")
    assert response.status == 403 and page.inner_text("#refused h1") == "This case is archived"
    screenshot("case-archived-refused")

    # Off the case list unless asked for.
    page.goto(f"{live_server.url}/")
    assert "Jordan Q. Example" not in page.inner_text("main")
    page.click("#case-filter >> text=Archived")
    assert "Jordan Q. Example" in page.inner_text("main table")
    screenshot("case-list-archived")

    # The audit log says what changed, in words.
    page.goto(f"{live_server.url}/cases/{case.pk}/audit/")
    entries = page.inner_text("#audit-entries")
    assert "client name: “Jordan Q. Sample” → “Jordan Q. Example”" in entries
    assert "stage: “Pretrial” → “Sentencing”" in entries  # choices by their labels
    assert "Archived the case" in entries and "case No. 24-CF-00997" in entries
    screenshot("case-audit-words")
    case.refresh_from_db()
    assert case.is_archived and case.destroy_after == destroy_after
