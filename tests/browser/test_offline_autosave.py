"""Nothing typed is lost when the network drops: the editor keeps the text, says so, and saves it once back."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from narratives.models import Narrative, NarrativeSection


@pytest.fixture
def narrative(transactional_db):
    call_command("load_demo", "--now", "--allow-in-production")
    return Narrative.objects.get()


@pytest.mark.browser
def test_text_typed_offline_is_kept_shown_unsaved_and_saved_when_back_online(narrative, live_server, page, screenshot):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "specialist")
    page.fill("#id_password", "demo-mitigation-2026")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/cases/{narrative.case_id}/narratives/{narrative.pk}/")
    section = page.locator("section.section", has=page.locator("input[value='Introduction']"))
    editor = section.locator(".ck-editor__editable")
    editor.wait_for()

    page.context.set_offline(True)
    editor.click()
    page.keyboard.type("Devon is a father, a worker and a man in recovery.")
    state = section.locator(".save-state")
    state.filter(has_text=re.compile("Not saved")).wait_for(timeout=15_000)
    assert "kept in this browser" in state.inner_text()
    stored = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('narrative-section-draft-'))")
    assert stored, "the unsaved text is kept locally"
    screenshot("editor-offline")
    assert "father, a worker" not in NarrativeSection.objects.get(narrative=narrative, title="Introduction").body

    page.context.set_offline(False)
    state.filter(has_text=re.compile(r"^Saved \d")).wait_for(timeout=45_000)
    body = NarrativeSection.objects.get(narrative=narrative, title="Introduction").body
    assert "Devon is a father, a worker and a man in recovery." in body
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('narrative-section-draft-')).length") == 0
