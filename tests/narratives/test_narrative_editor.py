"""The narrative editor: template, sanitising, citations, drafting from consented facts, versions, conflicts."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

from audit.services import Actor
from narratives.models import Consent, Narrative, NarrativeSection, TimelineEvent
from narratives.richtext import citation_link, cited_event_ids, sanitize_html, uncited_paragraphs
from narratives.services import (
    SECTION_TEMPLATE,
    EditConflict,
    narrative_create,
    section_assemble_draft,
    section_save,
)
from tests.factories import DocumentFactory, EventSourceFactory, MembershipFactory, TimelineEventFactory

PAYLOADS = [line for line in (Path(__file__).parent / "xss_payloads.txt").read_text().splitlines() if line.strip()]
DANGEROUS = re.compile(r"<\s*(script|iframe|object|embed|form|input|style|link|meta|base|svg|math|img|video|"
                       r"source|body|details|marquee|textarea|select|keygen|template|noscript)\b", re.I)


class _Attributes(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found += [(tag, name, value or "") for name, value in attrs]


def test_the_payload_corpus_is_large_enough():
    assert len(PAYLOADS) >= 30


@pytest.mark.parametrize("payload", PAYLOADS)
def test_sanitised_html_keeps_no_script_handler_style_or_foreign_url(payload):
    clean = sanitize_html(f"<p>Before</p>{payload}<p>After</p>")

    assert not DANGEROUS.search(clean)
    parser = _Attributes()
    parser.feed(clean)
    for tag, name, value in parser.found:
        assert not name.startswith("on") and name != "style", (tag, name)
        assert not value.lower().strip().startswith(("javascript:", "vbscript:", "data:")), (tag, name, value)
        if name == "data-event":
            assert value.isdigit()
    assert not DANGEROUS.search(sanitize_html(clean))  # and saving it again keeps it harmless


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS[:12])
def test_payloads_saved_through_the_editor_render_harmlessly(client, payload):
    section = _section()
    member = MembershipFactory(case=section.narrative.case)
    client.force_login(member.user)

    response = client.post(_save_url(section), json.dumps({"body": f"<p>x</p>{payload}", "version": 0}),
                           content_type="application/json")
    page = client.get(reverse("narratives:narrative_editor", kwargs={"case_id": section.narrative.case_id,
                                                                       "narrative_id": section.narrative_id}))

    assert response.status_code == 200
    stored = NarrativeSection.objects.get(pk=section.pk).body
    assert not DANGEROUS.search(stored) and "onerror" not in stored and "javascript:" not in stored.lower()
    # In the page the body sits escaped inside a textarea: the browser never parses it as markup.
    assert "<script>alert(1)" not in page.content.decode().split('class="section-body"')[1].split("</textarea>")[0]


def _section(**kwargs) -> NarrativeSection:
    document = DocumentFactory()
    narrative = narrative_create(case=document.case, title="Mitigation", created_by=document.uploaded_by)
    return narrative.sections.get(title=kwargs.get("title", "Introduction"))


def _save_url(section: NarrativeSection) -> str:
    return reverse("narratives:section_save", kwargs={"case_id": section.narrative.case_id,
                                                      "narrative_id": section.narrative_id, "section_id": section.pk})


@pytest.mark.django_db
def test_a_new_narrative_follows_the_mitigation_template():
    document = DocumentFactory()

    narrative = narrative_create(case=document.case, title="Social history", created_by=document.uploaded_by)

    titles = list(narrative.sections.values_list("title", flat=True))
    assert titles == [title for title, _ in SECTION_TEMPLATE]
    assert titles[:3] == ["Introduction", "Early childhood and family", "Trauma"]
    assert "What the client is doing now" in titles and titles[-1] == "Conclusion"


@pytest.mark.django_db
def test_sections_can_be_added_renamed_reordered_and_removed(client):
    section = _section()
    narrative = section.narrative
    client.force_login(MembershipFactory(case=narrative.case).user)
    kwargs = {"case_id": narrative.case_id, "narrative_id": narrative.pk}

    client.post(reverse("narratives:section_add", kwargs=kwargs), {"title": "Faith", "categories": ["community_ties", "bogus"]})
    added = narrative.sections.get(title="Faith")
    client.post(reverse("narratives:section_change", kwargs={**kwargs, "section_id": added.pk, "action": "rename"}), {"title": "Faith and church"})
    client.post(reverse("narratives:section_change", kwargs={**kwargs, "section_id": added.pk, "action": "up"}))
    client.post(reverse("narratives:section_change", kwargs={**kwargs, "section_id": section.pk, "action": "remove"}))

    titles = list(narrative.sections.values_list("title", flat=True))
    assert titles[-2:] == ["Faith and church", "Conclusion"]
    assert "Introduction" not in titles
    assert list(narrative.sections.values_list("position", flat=True)) == list(range(len(titles)))
    assert narrative.sections.get(title="Faith and church").categories == ["community_ties"]


@pytest.mark.django_db
def test_every_save_is_a_version_and_a_stale_save_is_refused_with_the_other_text(client):
    section = _section()
    case = section.narrative.case
    alice, bob = MembershipFactory(case=case).user, MembershipFactory(case=case).user
    client.force_login(alice)
    first = client.post(_save_url(section), json.dumps({"body": "<p>Alice's text</p>", "version": 0}), content_type="application/json")
    client.force_login(bob)

    stale = client.post(_save_url(section), json.dumps({"body": "<p>Bob's text</p>", "version": 0}), content_type="application/json")

    assert first.json()["version"] == 1
    assert stale.status_code == 409
    assert stale.json()["their_body"] == "<p>Alice's text</p>" and stale.json()["version"] == 1
    assert NarrativeSection.objects.get(pk=section.pk).body == "<p>Alice's text</p>"  # nothing overwritten
    merged = client.post(_save_url(section), json.dumps({"body": "<p>Both</p>", "version": 1}), content_type="application/json")
    assert merged.json()["version"] == 2
    assert list(section.versions.values_list("number", "saved_by")) == [(2, bob.pk), (1, alice.pk)]


@pytest.mark.django_db
def test_history_diffs_and_restores_without_losing_anything(client):
    section = _section()
    user = MembershipFactory(case=section.narrative.case).user
    section_save(section=section, body="<p>One</p><p>Two</p>", expected_version=0, actor=Actor(user=user))
    section_save(section=section, body="<p>One</p><p>Three</p>", expected_version=1, actor=Actor(user=user))
    client.force_login(user)
    kwargs = {"case_id": section.narrative.case_id, "narrative_id": section.narrative_id, "section_id": section.pk}

    diff = client.get(reverse("narratives:section_history", kwargs=kwargs) + "?a=1&b=2").content.decode()
    client.post(reverse("narratives:section_restore", kwargs={**kwargs, "number": 1}))

    assert '<p class="removed">− Two</p>' in diff and '<p class="added">+ Three</p>' in diff
    section.refresh_from_db()
    assert section.body == "<p>One</p><p>Two</p>" and section.version == 3
    assert section.versions.get(number=3).note == "restored version 1"


@pytest.mark.django_db
def test_a_citation_is_stored_as_a_reference_to_the_event():
    event = TimelineEventFactory()
    body = "<p>He was held back. " + citation_link(event_id=event.pk, href="/x#event-1", label="(school, p. 4)") + "</p>"

    clean = sanitize_html(body)

    assert f'data-event="{event.pk}"' in clean and 'class="citation"' in clean
    assert cited_event_ids(clean) == [event.pk]
    assert uncited_paragraphs(clean) == []
    assert uncited_paragraphs("<p>He was a good father to his daughter.</p>") == ["He was a good father to his daughter."]


@pytest.mark.django_db
def test_a_citation_of_another_cases_fact_is_refused_on_save_and_nothing_is_saved(client):
    section = _section()
    case = section.narrative.case
    own = TimelineEventFactory(case=case)
    foreign = TimelineEventFactory()  # another client's fact
    client.force_login(case.created_by)

    def body(event):
        return "<p>He was held back. " + citation_link(event_id=event.pk, href="/x", label="(school, p. 4)") + "</p>"

    refused = client.post(_save_url(section), json.dumps({"body": body(own) + body(foreign), "version": 0}),
                          content_type="application/json")
    saved = client.post(_save_url(section), json.dumps({"body": body(own), "version": 0}),
                        content_type="application/json")

    assert refused.status_code == 400 and refused.json()["refused"]
    assert f"cites no. {foreign.pk}, which is not a fact on this case's timeline" in refused.json()["error"]
    assert saved.status_code == 200 and saved.json()["version"] == 1
    section.refresh_from_db()
    assert cited_event_ids(section.body) == [own.pk]


@pytest.mark.django_db
def test_a_drafted_section_says_only_consented_facts_each_sentence_cited():
    section = _section(title="Early childhood and family")
    case = section.narrative.case
    approved = [
        TimelineEventFactory(case=case, category="child_welfare", summary="He was placed in foster care.", date="2000-02",
                             date_sort="2000-02-01", consent=Consent.APPROVED),
        TimelineEventFactory(case=case, category="birth_family", summary="His father was sent to prison in 1997.",
                             date="1997", date_sort="1997-01-01", consent=Consent.APPROVED),
    ]
    withheld = TimelineEventFactory(case=case, category="child_welfare", summary="SECRET FACT", date="2001",
                                    date_sort="2001-01-01", consent=Consent.WITHHELD)
    undiscussed = TimelineEventFactory(case=case, category="birth_family", summary="UNDISCUSSED FACT", consent=Consent.NOT_DISCUSSED)
    other = TimelineEventFactory(case=case, category="education", summary="OTHER DOMAIN", consent=Consent.APPROVED)
    for event in [*approved, withheld, undiscussed, other]:
        EventSourceFactory(event=event)

    drafted = section_assemble_draft(section=section, actor=Actor(user=case.created_by))

    assert cited_event_ids(drafted.body) == [approved[1].pk, approved[0].pk]  # chronological
    for text in ("SECRET FACT", "UNDISCUSSED FACT", "OTHER DOMAIN"):
        assert text not in drafted.body
    # events accepted without a statement are told in the memorandum's voice, dated in words
    assert "In February 2000, Jordan Q. Sample was placed in foster care." in drafted.body
    assert uncited_paragraphs(drafted.body) == []
    assert drafted.versions.get().note.startswith("assembled draft")


@pytest.mark.django_db
def test_the_editor_warns_about_withheld_facts_and_uncited_paragraphs(client):
    section = _section()
    case = section.narrative.case
    withheld = TimelineEventFactory(case=case, consent=Consent.WITHHELD, summary="Withheld thing")
    client.force_login(MembershipFactory(case=case).user)
    body = ("<p>An uncited claim about his whole life.</p><p>Cited. "
            + citation_link(event_id=withheld.pk, href="#", label="(x)") + "</p>")

    saved = client.post(_save_url(section), json.dumps({"body": body, "version": 0}), content_type="application/json").json()
    page = client.get(reverse("narratives:narrative_editor", kwargs={"case_id": case.pk, "narrative_id": section.narrative_id})).content.decode()

    assert saved["uncited"] == ["An uncited claim about his whole life."]
    assert saved["withheld"] == [{"id": withheld.pk, "date": withheld.date, "summary": "Withheld thing"}]
    assert "the client withheld" in page and "cites no record" in page


@pytest.mark.django_db
def test_a_bad_save_request_gets_a_clear_error_and_changes_nothing(client):
    section = _section()
    client.force_login(MembershipFactory(case=section.narrative.case).user)

    response = client.post(_save_url(section), "not json", content_type="application/json")

    assert response.status_code == 400 and "reload" in response.json()["error"]
    assert NarrativeSection.objects.get(pk=section.pk).version == 0


@pytest.mark.django_db
def test_conflict_is_raised_by_the_service_too():
    section = _section()
    user = section.narrative.created_by
    section_save(section=section, body="<p>a</p>", expected_version=0, actor=Actor(user=user))

    with pytest.raises(EditConflict):
        section_save(section=section, body="<p>b</p>", expected_version=0, actor=Actor(user=user))
    assert Narrative.objects.count() == 1 and TimelineEvent.objects.count() == 0
