"""Who saw what: every read of a record, every change of consent or text, every export and login is logged."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from cases.models import CaseMembership
from narratives.services import narrative_create
from tests.factories import DocumentFactory, EventCandidateFactory, MembershipFactory, PageFactory, UserFactory

pytestmark = pytest.mark.django_db


def _actions(**filters) -> list[str]:
    return list(AuditEntry.objects.filter(**filters).order_by("pk").values_list("action", flat=True))


def test_reads_of_records_and_pages_and_originals_are_logged_with_who_and_where(client):
    document = DocumentFactory()
    PageFactory(document=document, number=1)
    member = MembershipFactory(case=document.case)
    client.force_login(member.user)
    kwargs = {"case_id": document.case_id, "document_id": document.pk}

    client.get(reverse("evidence:document_detail", kwargs=kwargs))
    client.get(reverse("evidence:document_page", kwargs={**kwargs, "number": 1}), REMOTE_ADDR="10.1.2.3")
    client.get(reverse("evidence:document_original", kwargs=kwargs))

    entries = list(AuditEntry.objects.filter(case_id=document.case_id).order_by("pk"))
    assert [e.action for e in entries] == ["record_viewed", "record_page_viewed", "original_downloaded"]
    assert {e.user for e in entries} == {member.user} and entries[1].ip_address == "10.1.2.3"
    assert entries[1].detail == {"page": 1} and entries[1].object_id == str(document.pk)


def test_review_consent_and_narrative_saves_are_logged_without_their_content(client):
    candidate = EventCandidateFactory()
    case = candidate.document.case
    member = MembershipFactory(case=case)
    client.force_login(member.user)
    client.post(reverse("narratives:candidate_accept", kwargs={"case_id": case.pk, "candidate_id": candidate.pk}))
    event = case.timeline_events.get()
    client.post(reverse("narratives:event_update", kwargs={"case_id": case.pk, "event_id": event.pk}), {"consent": "withheld"})
    section = narrative_create(case=case, title="N", created_by=member.user).sections.first()
    client.post(
        reverse("narratives:section_save", kwargs={"case_id": case.pk, "narrative_id": section.narrative_id, "section_id": section.pk}),
        json.dumps({"body": "<p>Privileged narrative words</p>", "version": 0}), content_type="application/json",
    )

    assert _actions(case_id=case.pk) == ["event_accepted", "consent_changed", "narrative_saved"]
    stored = json.dumps(list(AuditEntry.objects.values()), default=str)
    assert "Privileged narrative words" not in stored and case.client_name not in stored
    assert AuditEntry.objects.get(action="consent_changed").detail == {"consent": "withheld"}


def test_logins_and_failed_logins_are_logged_and_repeated_failures_are_throttled(client, settings):
    settings.LOGIN_MAX_FAILURES = 3
    member = MembershipFactory()
    username = member.user.username

    for _ in range(3):
        client.post(reverse("login"), {"username": username, "password": "wrong"})
    refused = client.post(reverse("login"), {"username": username, "password": "a-long-test-password"})

    assert _actions(username=username) == ["login_failed"] * 3 + ["login_throttled"]
    assert "Too many failed attempts" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    settings.LOGIN_MAX_FAILURES = 10
    assert client.post(reverse("login"), {"username": username, "password": "a-long-test-password"}).status_code == 302
    assert _actions(username=username)[-1] == "logged_in"


def test_only_the_cases_supervisor_sees_and_exports_its_audit_log(client):
    document = DocumentFactory()
    case = document.case
    supervisor = MembershipFactory(case=case, role=CaseMembership.Role.SUPERVISOR).user
    attorney = MembershipFactory(case=case, role=CaseMembership.Role.ATTORNEY).user
    client.force_login(attorney)
    client.get(reverse("evidence:document_detail", kwargs={"case_id": case.pk, "document_id": document.pk}))

    assert client.get(reverse("cases:case_audit", kwargs={"case_id": case.pk})).status_code == 403
    client.force_login(supervisor)
    page = client.get(reverse("cases:case_audit", kwargs={"case_id": case.pk}))
    exported = client.get(reverse("cases:case_audit_csv", kwargs={"case_id": case.pk}))

    assert page.status_code == 200 and "Viewed a record" in page.content.decode()
    rows = list(csv.reader(io.StringIO(exported.content.decode())))
    assert rows[0][:4] == ["When (America/New_York)", "User", "IP address", "Action"]
    assert [r[3] for r in rows[1:]] == ["record_viewed", "audit_exported"]


def test_the_admin_cannot_change_or_delete_audit_entries(admin_client):
    MembershipFactory()  # creates users; any action will do
    entry = AuditEntry.objects.create(action="logged_in", username="x")

    change = admin_client.post(reverse("admin:audit_auditentry_change", args=[entry.pk]), {"username": "y"})
    delete = admin_client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"})

    assert change.status_code == 403 and delete.status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).username == "x"


def test_pages_carry_security_headers(client):
    member = MembershipFactory()
    client.force_login(member.user)

    response = client.get(reverse("cases:case_list"))

    csp = response["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "frame-ancestors 'none'" in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_admin_login_is_throttled_by_the_apps_counter(client, settings):
    settings.LOGIN_MAX_FAILURES = 3
    staff = UserFactory(is_staff=True, is_superuser=True)

    for _ in range(3):
        client.post(reverse("login"), {"username": staff.username, "password": "wrong"})
    refused = client.post(reverse("admin:login"), {"username": staff.username, "password": "a-long-test-password"})

    assert "Too many failed attempts" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert _actions(username=staff.username)[-1] == "login_throttled"


def test_one_persons_failures_do_not_lock_out_their_office_but_an_address_has_a_higher_limit(client, settings):
    settings.LOGIN_MAX_FAILURES = 3
    settings.LOGIN_MAX_FAILURES_PER_ADDRESS = 5
    guesser, colleague, third = UserFactory(), UserFactory(), UserFactory()

    for _ in range(5):
        client.post(reverse("login"), {"username": guesser.username, "password": "wrong"})
    assert "Too many failed attempts" in client.post(
        reverse("login"), {"username": guesser.username, "password": "a-long-test-password"}).content.decode()
    assert client.post(reverse("login"), {"username": colleague.username,
                                          "password": "a-long-test-password"}).status_code == 302
    client.post(reverse("logout"))

    for name in ("nobody-1", "nobody-2"):  # throttled tries are not failures: these make the 5th
        client.post(reverse("login"), {"username": name, "password": "wrong"})
    refused = client.post(reverse("login"), {"username": third.username, "password": "a-long-test-password"})
    assert "Too many failed attempts" in refused.content.decode()



def test_the_audit_log_is_filtered_by_person_action_and_day_names_objects_in_words_and_keeps_one_zone(client):
    import datetime as dt

    from django.utils import timezone

    document = DocumentFactory(original_name="school_records.pdf")
    case = document.case
    lead = case.created_by
    specialist = MembershipFactory(case=case, role=CaseMembership.Role.MITIGATION_SPECIALIST).user
    for user in (lead, specialist):
        client.force_login(user)
        client.get(reverse("evidence:document_detail", kwargs={"case_id": case.pk, "document_id": document.pk}))
    old = AuditEntry.objects.filter(case_id=case.pk, username=lead.username).get()
    # 01:30 UTC on March 2 is still March 1 in New York: days are the office's days
    AuditEntry.objects.filter(pk=old.pk).update(at=dt.datetime(2024, 3, 2, 1, 30, tzinfo=dt.timezone.utc))
    client.force_login(lead)
    url = reverse("cases:case_audit", kwargs={"case_id": case.pk})

    mine = client.get(url, {"person": specialist.username, "action": "record_viewed"}).content.decode()
    march_first = client.get(url, {"since": "03/01/2024", "until": "2024-03-01"}).content.decode()
    exported = client.get(reverse("cases:case_audit_csv", kwargs={"case_id": case.pk}),
                          {"person": lead.username, "action": "record_viewed"})

    rows_shown = mine.split('id="audit-entries"')[1]
    assert specialist.username in rows_shown and f"<td>{lead.username}</td>" not in rows_shown
    assert "record “school_records.pdf”" in rows_shown
    assert "Mar 1, 2024 20:30:00" in march_first and rows_shown.count("<tr>") - 1 == 1
    rows = list(csv.reader(io.StringIO(exported.content.decode())))
    assert rows[0][0] == "When (America/New_York)" and len(rows) == 2
    assert rows[1][0] == "2024-03-01T20:30:00-05:00" and rows[1][5] == "record “school_records.pdf”"
    assert timezone.get_current_timezone_name() == "America/New_York"
