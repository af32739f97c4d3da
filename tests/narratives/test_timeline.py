"""The timeline: filters in the URL, consent and key facts, conflicts, domain coverage, spreadsheets."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from narratives.models import Consent, TimelineEvent
from tests.factories import DocumentFactory, EventSourceFactory, MembershipFactory, TimelineEventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def timeline(client):
    school = DocumentFactory(original_name="school.pdf")
    case = school.case
    cps = DocumentFactory(case=case, original_name="cps.pdf")
    events = {
        "removal": TimelineEventFactory(case=case, category="child_welfare", summary="Removed to foster care",
                                        date="2000-02", date_sort="2000-02-01", key_fact=True),
        "abuse": TimelineEventFactory(case=case, category="trauma_abuse", summary="Beaten by foster father",
                                      date="2000", date_sort="2000-01-01", consent=Consent.WITHHELD),
        "retained": TimelineEventFactory(case=case, category="education", summary="Retained in fourth grade",
                                         date="2005", date_sort="2005-01-01"),
        "mother": TimelineEventFactory(case=case, category="birth_family", summary="Mother arrested", subject="mother",
                                       date="1999-11-18", date_sort="1999-11-18"),
        "treatment": TimelineEventFactory(case=case, kind="service_engagement", category="substance_use_treatment",
                                          summary="Enrolled in outpatient treatment", date="2023-04", date_sort="2023-04-01"),
        "undated": TimelineEventFactory(case=case, category="education", summary="Liked art class", date="", date_sort=None),
    }
    EventSourceFactory(event=events["removal"], document=cps, page_number=2)
    EventSourceFactory(event=events["abuse"], document=cps, page_number=2)
    EventSourceFactory(event=events["retained"], document=school, page_number=4)
    EventSourceFactory(event=events["mother"], document=cps, page_number=1)
    EventSourceFactory(event=events["treatment"], document=school, page_number=1)
    EventSourceFactory(event=events["undated"], document=school, page_number=5)
    member = MembershipFactory(case=case)
    client.force_login(member.user)
    return case, events, {"school": school, "cps": cps}, member.user


def _shown(client, case, query="") -> list[str]:
    response = client.get(reverse("narratives:timeline", kwargs={"case_id": case.pk}) + query)
    assert response.status_code == 200
    page = response.content.decode()
    names = ["Mother arrested", "Beaten by foster father", "Removed to foster care", "Retained in fourth grade",
             "Enrolled in outpatient treatment", "Liked art class"]
    found = [(page.find(f'<p class="summary">{name}</p>'), name) for name in names]
    return [name for position, name in sorted(found) if position >= 0]


def test_all_events_in_date_order_with_undated_last(client, timeline):
    case, *_ = timeline

    assert _shown(client, case) == ["Mother arrested", "Beaten by foster father", "Removed to foster care",
                                    "Retained in fourth grade", "Enrolled in outpatient treatment", "Liked art class"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?category=trauma_abuse&category=child_welfare", ["Beaten by foster father", "Removed to foster care"]),
        ("?kind=service_engagement", ["Enrolled in outpatient treatment"]),
        ("?year_from=2000&year_to=2005", ["Beaten by foster father", "Removed to foster care", "Retained in fourth grade"]),
        ("?subject=mother", ["Mother arrested"]),
        ("?key=on", ["Removed to foster care"]),
        ("?consent=withheld", ["Beaten by foster father"]),
        ("?q=foster", ["Beaten by foster father", "Removed to foster care"]),
        ("?category=not-a-slug", ["Mother arrested", "Beaten by foster father", "Removed to foster care",
                                  "Retained in fourth grade", "Enrolled in outpatient treatment", "Liked art class"]),
    ],
)
def test_filters_live_in_the_url(client, timeline, query, expected):
    case, *_ = timeline

    assert _shown(client, case, query) == expected


def test_filter_by_record(client, timeline):
    case, _events, documents, _user = timeline

    shown = _shown(client, case, f"?record={documents['school'].pk}")

    assert shown == ["Retained in fourth grade", "Enrolled in outpatient treatment", "Liked art class"]


def test_sources_link_to_the_cited_span_of_the_page(client, timeline):
    case, events, documents, _user = timeline

    page = client.get(reverse("narratives:timeline", kwargs={"case_id": case.pk})).content.decode()

    url = reverse("evidence:document_page", kwargs={"case_id": case.pk, "document_id": documents["school"].pk, "number": 4})
    assert f'href="{url}?start=0&amp;end=10#cited"' in page
    assert "February 2000" in page and "November 18, 1999" in page and "undated" in page


def test_consent_key_fact_and_note_are_recorded_with_who_and_when(client, timeline):
    case, events, _documents, user = timeline
    url = reverse("narratives:event_update", kwargs={"case_id": case.pk, "event_id": events["retained"].pk})

    response = client.post(url, {"consent": "approved", "key_fact": ["0", "1"], "note": "Ask the teacher", "next": "https://evil.example/"})

    event = TimelineEvent.objects.get(pk=events["retained"].pk)
    assert (event.consent, event.consent_by, event.key_fact, event.note) == ("approved", user, True, "Ask the teacher")
    assert event.consent_at is not None
    assert response["Location"].startswith("/cases/")  # never redirected off the site


def test_two_events_can_be_marked_conflicting_and_are_flagged(client, timeline):
    case, events, _documents, _user = timeline
    url = reverse("narratives:event_conflict", kwargs={"case_id": case.pk, "event_id": events["removal"].pk})

    client.post(url, {"other": events["abuse"].pk})
    page = client.get(reverse("narratives:timeline", kwargs={"case_id": case.pk})).content.decode()

    assert list(events["abuse"].conflicts_with.all()) == [events["removal"]]
    assert page.count("conflicts with") == 2


def test_conflict_with_another_cases_event_is_refused(client, timeline):
    case, events, _documents, _user = timeline
    foreign = TimelineEventFactory()

    client.post(reverse("narratives:event_conflict", kwargs={"case_id": case.pk, "event_id": events["removal"].pk}),
                {"other": foreign.pk})

    assert not events["removal"].conflicts_with.exists()


def test_domain_coverage_counts_events_and_records_and_calls_out_empty_domains(client, timeline):
    case, *_ = timeline
    url = reverse("narratives:coverage", kwargs={"case_id": case.pk})

    page = client.get(url).content.decode()
    client.post(reverse("narratives:domain_status", kwargs={"case_id": case.pk, "category": "military"}),
                {"not_applicable": "1", "reason": "Never served"})
    after = client.get(url).content.decode()

    education = page.split('id="domain-education"')[1].split("</tr>")[0]
    assert '<td class="num">2</td>' in education and "school.pdf" in education
    assert "No military records yet — not applicable, or not yet requested?" in page
    military = after.split('id="domain-military"')[1].split("</tr>")[0]
    assert "Not applicable" in military and "Never served" in military


def test_timeline_csv_and_xlsx_have_one_row_per_event_with_sources(client, timeline):
    case, *_ = timeline
    base = {"case_id": case.pk}

    csv_response = client.get(reverse("narratives:timeline_export", kwargs={**base, "format": "csv"}) + "?category=education")
    xlsx_response = client.get(reverse("narratives:timeline_export", kwargs={**base, "format": "xlsx"}))

    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Date", "Until", "Precision", "Age"]
    assert [r[6] for r in rows[1:]] == ["Retained in fourth grade", "Liked art class"]
    assert rows[1][2] == "year" and rows[1][8] == "school.pdf p. 4" and rows[2][2] == "undated"
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    assert sheet.max_row == 7
    assert [c.value for c in sheet[2]][:7] == ["1999-11-18", None, "day", None, "Birth and family", "Life event", "Mother arrested"]


def test_a_spreadsheet_cell_never_starts_a_formula(client, timeline):
    case, events, *_ = timeline
    TimelineEvent.objects.filter(pk=events["undated"].pk).update(summary='=HYPERLINK("http://x","y")')

    response = client.get(reverse("narratives:timeline_export", kwargs={"case_id": case.pk, "format": "csv"}))

    assert "'=HYPERLINK" in response.content.decode("utf-8-sig")


def test_the_timeline_query_count_does_not_grow_with_events(client, timeline):
    case, _events, documents, _user = timeline
    url = reverse("narratives:timeline", kwargs={"case_id": case.pk})
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(30):
        event = TimelineEventFactory(case=case, summary=f"Extra {n}", date=str(1990 + n), date_sort=f"{1990 + n}-01-01")
        EventSourceFactory(event=event, document=documents["cps"])

    with CaptureQueriesContext(connection) as many:
        client.get(url)

    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_citation_link_finds_its_event_on_the_paginated_timeline(client, timeline):
    case, events, documents, _user = timeline
    for n in range(60):
        TimelineEventFactory(case=case, summary=f"Early {n}", date="1970", date_sort="1970-01-01")

    response = client.get(reverse("narratives:timeline_event", kwargs={"case_id": case.pk, "event_id": events["undated"].pk}))

    assert response.status_code == 302
    assert response["Location"].endswith(f"?page=2#event-{events['undated'].pk}")


@pytest.mark.django_db
def test_consent_is_recorded_for_many_facts_at_once_by_whom_and_when(client):
    from audit.models import AuditEntry

    event = TimelineEventFactory()
    case = event.case
    others = [TimelineEventFactory(case=case, summary=f"Fact {n}.") for n in range(3)]
    elsewhere = TimelineEventFactory()  # another case's fact, its id slipped into the form
    specialist = MembershipFactory(case=case, role="mitigation_specialist").user
    client.force_login(specialist)
    url = reverse("narratives:timeline_consent", kwargs={"case_id": case.pk})
    picked = [event, *others[:2]]

    page = client.get(reverse("narratives:timeline", kwargs={"case_id": case.pk})).content.decode()
    response = client.post(url, {"event": [e.pk for e in picked] + [elsewhere.pk, "x"], "consent": "approved"},
                           follow=True)

    assert 'id="bulk-consent"' in page and page.count('class="pick"') == 4
    assert "Recorded “approved for court” for 3 facts." in response.content.decode()
    for fact in picked:
        fact.refresh_from_db()
        assert (fact.consent, fact.consent_by, fact.consent_at is not None) == ("approved", specialist, True)
    assert TimelineEvent.objects.get(pk=others[2].pk).consent == Consent.NOT_DISCUSSED
    assert TimelineEvent.objects.get(pk=elsewhere.pk).consent == Consent.NOT_DISCUSSED
    assert AuditEntry.objects.filter(case_id=case.pk, action="consent_changed").count() == 3


@pytest.mark.django_db
def test_bulk_consent_without_a_choice_or_a_tick_says_what_is_missing_and_an_advocate_is_refused(client):
    event = TimelineEventFactory()
    case = event.case
    client.force_login(case.created_by)
    url = reverse("narratives:timeline_consent", kwargs={"case_id": case.pk})

    nothing = client.post(url, {"consent": "approved"}, follow=True).content.decode()
    no_choice = client.post(url, {"event": [event.pk], "consent": "maybe"}, follow=True).content.decode()
    client.force_login(MembershipFactory(case=case, role="advocate").user)
    advocate = client.post(url, {"event": [event.pk], "consent": "approved"})

    assert "Tick the facts" in nothing and "Choose the client&#x27;s decision" in no_choice
    assert advocate.status_code == 403
    assert TimelineEvent.objects.get(pk=event.pk).consent == Consent.NOT_DISCUSSED
