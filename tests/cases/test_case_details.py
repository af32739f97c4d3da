"""The case's details (what the case form asked) are changed by its lead attorney or supervisor from the case page;
each change is audited with what the fields said before and after, and a docket number is never an oracle."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from audit.models import AuditEntry
from audit.services import Actor
from cases.models import CaseDetailsChange
from cases.roles import CaseArchived
from cases.services import case_archive, case_details_update
from tests.factories import CaseFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    case = CaseFactory(client_name="Jordan Q. Sample", docket_number="24-CF-00417", charges="Burglary")
    people = {"lead": case.created_by}
    for role in ("attorney", "mitigation_specialist", "advocate", "supervisor"):
        people[role] = MembershipFactory(case=case, role=role).user
    return case, people


def _form(case, **changes) -> dict:
    data = {"client_name": case.client_name, "client_dob": case.client_dob.isoformat() if case.client_dob else "",
            "docket_number": case.docket_number, "court_system": case.court_system, "court": case.court,
            "jurisdiction": case.jurisdiction, "privacy_rule": case.privacy_rule,
            "prosecuting_office": case.prosecuting_office, "charges": case.charges, "stage": case.stage,
            "client_goals": case.client_goals}
    return {**data, **changes}


@pytest.mark.parametrize(("person", "allowed"), [
    ("lead", True), ("supervisor", True), ("attorney", False), ("mitigation_specialist", False), ("advocate", False),
])
def test_the_lead_and_the_supervisor_change_the_details_and_no_one_else(team, person, allowed):
    case, people = team
    actor = Actor(user=people[person])
    if not allowed:
        with pytest.raises(PermissionDenied, match="change the case's details"):
            case_details_update(case=case, actor=actor, charges="Robbery")
        case.refresh_from_db()
        assert case.charges == "Burglary" and not AuditEntry.objects.filter(action="case_details_changed").exists()
        return

    case_details_update(case=case, actor=actor, charges="Robbery", stage="sentencing", client_dob=datetime.date(1994, 2, 3))

    case.refresh_from_db()
    assert (case.charges, case.stage, case.client_dob) == ("Robbery", "sentencing", datetime.date(1994, 2, 3))
    change = CaseDetailsChange.objects.get(case=case)
    assert change.values == {"charges": ["Burglary", "Robbery"], "stage": ["pretrial", "sentencing"],
                             "client_dob": ["1995-06-11", "1994-02-03"]}
    entry = AuditEntry.objects.get(action="case_details_changed")
    assert entry.detail == {"change": change.pk, "fields": ["charges", "stage", "client_dob"]}
    assert entry.user == people[person] and "Robbery" not in str(entry.detail)  # the values stay with the case


def test_nothing_changed_records_nothing(team):
    case, people = team
    case_details_update(case=case, actor=Actor(user=people["lead"]), charges=" Burglary ")
    assert not CaseDetailsChange.objects.exists() and not AuditEntry.objects.exists()


def test_the_court_is_the_attorneys_so_a_supervisor_cannot_change_it_here(team):
    case, people = team
    with pytest.raises(PermissionDenied, match="filing"):
        case_details_update(case=case, actor=Actor(user=people["supervisor"]), court="Another Court")
    case_details_update(case=case, actor=Actor(user=people["lead"]), court="Brennan County Superior Court")
    case.refresh_from_db()
    assert case.court == "Brennan County Superior Court"


def test_an_archived_case_keeps_its_details(team):
    case, people = team
    case_archive(case=case, actor=Actor(user=people["lead"]))
    with pytest.raises(CaseArchived):
        case_details_update(case=case, actor=Actor(user=people["lead"]), charges="Robbery")


def test_the_edit_page_is_reached_from_the_case_page_and_the_audit_log_shows_old_and_new(client, team):
    case, people = team
    client.force_login(people["lead"])
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert reverse("cases:case_details", args=[case.pk]) in page and 'id="edit-details"' in page

    form = client.get(reverse("cases:case_details", args=[case.pk])).content.decode()
    response = client.post(reverse("cases:case_details", args=[case.pk]),
                           _form(case, client_name="Jordan Q. Example", docket_number="24-CF-00418",
                                 client_dob="06/12/1995"), follow=True)

    assert 'name="court"' in form  # the lead attorney files, so the court is on their form
    assert response.redirect_chain[-1][0].endswith(f"/cases/{case.pk}/")
    assert "The case&#x27;s details are saved." in response.content.decode()
    case.refresh_from_db()
    assert (case.client_name, case.docket_number, case.client_dob) == (
        "Jordan Q. Example", "24-CF-00418", datetime.date(1995, 6, 12))
    log = client.get(reverse("cases:case_audit", args=[case.pk])).content.decode()
    assert "Changed the case&#x27;s details" in log
    assert "client name: “Jordan Q. Sample” → “Jordan Q. Example”" in log
    assert "docket number: “24-CF-00417” → “24-CF-00418”" in log
    assert "client&#x27;s date of birth: “1995-06-11” → “1995-06-12”" in log


def test_the_supervisors_form_leaves_the_court_to_the_attorney(client, team):
    case, people = team
    client.force_login(people["supervisor"])
    form = client.get(reverse("cases:case_details", args=[case.pk])).content.decode()
    data = _form(case, charges="Robbery")
    for name in ("court_system", "court", "jurisdiction", "privacy_rule", "prosecuting_office"):
        data.pop(name)

    response = client.post(reverse("cases:case_details", args=[case.pk]), data)

    assert 'name="court"' not in form and "are the attorney's to change" in form
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.charges == "Robbery"


def test_other_roles_get_403_and_outsiders_404(client, team):
    case, people = team
    for person in ("attorney", "mitigation_specialist", "advocate"):
        client.force_login(people[person])
        assert client.get(reverse("cases:case_details", args=[case.pk])).status_code == 403
        assert client.post(reverse("cases:case_details", args=[case.pk]), _form(case, charges="X")).status_code == 403
        assert 'id="edit-details"' not in client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    client.force_login(UserFactory())
    assert client.get(reverse("cases:case_details", args=[case.pk])).status_code == 404
    case.refresh_from_db()
    assert case.charges == "Burglary"


def test_a_docket_number_tells_nothing_about_another_teams_case(client, team):
    """Moving the case onto a docket another team holds for the same client is saved like any other change: the
    answer does not depend on whether that case exists."""
    case, people = team
    CaseFactory(client_name="Jordan Q. Sample", docket_number="24-CF-77777")  # not the lead's
    client.force_login(people["lead"])

    response = client.post(reverse("cases:case_details", args=[case.pk]), _form(case, docket_number="24-CF-77777"))
    unheld = client.post(reverse("cases:case_details", args=[case.pk]), _form(case, docket_number="24-CF-88888"))

    assert response.status_code == unheld.status_code == 302
    case.refresh_from_db()
    assert case.docket_number == "24-CF-88888"


def test_a_docket_number_of_the_persons_own_case_for_the_same_client_is_named_to_them(client, team):
    case, people = team
    mine = CaseFactory(client_name="Jordan Q. Sample", docket_number="24-CF-55555", created_by=people["lead"])
    client.force_login(people["lead"])

    response = client.post(reverse("cases:case_details", args=[case.pk]), _form(case, docket_number="24-cf-55555"))

    page = response.content.decode()
    assert response.status_code == 400
    assert "You already have this case open (Jordan Q. Sample, No. 24-CF-55555)" in page
    case.refresh_from_db()
    assert case.docket_number == "24-CF-00417" and mine.docket_number == "24-CF-55555"
    # Saving the case's own docket number again is no conflict with itself.
    assert client.post(reverse("cases:case_details", args=[case.pk]), _form(case, charges="Robbery")).status_code == 302
