"""Assembling a case's team in the app: the lead named at opening, members added and removed by the lead or the
supervisor, and the admin site no longer a way around the team."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEntry
from audit.services import Actor
from cases.models import CaseMembership
from cases.services import case_create, case_lead_set, case_member_remove, case_member_set
from tests.factories import CaseFactory, DocumentFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _team(case) -> dict[str, tuple[str, bool]]:
    return {m.user.username: (m.role, m.is_lead) for m in case.memberships.select_related("user")}


def test_an_attorney_who_opens_a_case_leads_it():
    attorney = UserFactory()

    case = case_create(actor=Actor(user=attorney), creator_role="attorney", client_name="A. Sample",
                       docket_number="24-CF-1")

    assert _team(case) == {attorney.username: ("attorney", True)}


def test_someone_else_who_opens_a_case_names_its_lead_attorney():
    specialist, attorney = UserFactory(), UserFactory()

    with pytest.raises(ValidationError, match="Name the lead attorney"):
        case_create(actor=Actor(user=specialist), creator_role="mitigation_specialist", client_name="A. Sample",
                    docket_number="24-CF-2")
    case = case_create(actor=Actor(user=specialist), creator_role="mitigation_specialist", lead=attorney,
                       client_name="A. Sample", docket_number="24-CF-2")

    assert _team(case) == {specialist.username: ("mitigation_specialist", False), attorney.username: ("attorney", True)}


def test_the_case_form_opens_the_case_and_goes_to_its_team(client):
    specialist, attorney = UserFactory(), UserFactory(first_name="Avery", last_name="Lead")
    client.force_login(specialist)

    refused = client.post(reverse("cases:case_create"), {"creator_role": "mitigation_specialist",
                                                         "client_name": "A. Sample", "docket_number": "24-CF-3",
                                                         "stage": "pretrial"})
    response = client.post(reverse("cases:case_create"), {"creator_role": "mitigation_specialist", "lead": attorney.pk,
                                                          "client_name": "A. Sample", "docket_number": "24-CF-3",
                                                          "stage": "pretrial"}, follow=True)

    assert refused.status_code == 400 and "Name the lead attorney" in refused.content.decode()
    assert response.redirect_chain[-1][0].endswith("/team/")
    assert "Avery Lead" in response.content.decode()


def test_the_lead_adds_a_member_who_then_sees_the_case_and_the_supervisor_removes_them(client):
    case = CaseFactory()
    supervisor = MembershipFactory(case=case, role="supervisor").user
    advocate = UserFactory()
    client.force_login(case.created_by)

    client.post(reverse("cases:case_member_add", kwargs={"case_id": case.pk}), {"user": advocate.pk, "role": "advocate"})
    client.force_login(advocate)
    assert client.get(reverse("cases:case_detail", kwargs={"case_id": case.pk})).status_code == 200

    membership = case.memberships.get(user=advocate)
    client.force_login(supervisor)
    client.post(reverse("cases:case_member_change", kwargs={"case_id": case.pk, "membership_id": membership.pk,
                                                            "action": "remove"}))
    client.force_login(advocate)
    assert client.get(reverse("cases:case_detail", kwargs={"case_id": case.pk})).status_code == 404
    entries = AuditEntry.objects.filter(case_id=case.pk, action="team_changed").order_by("pk")
    details = list(entries.values_list("detail", flat=True))
    assert details == [{"added": [advocate.pk], "role": "advocate"}, {"removed": [advocate.pk]}]


def test_the_case_always_keeps_its_lead():
    case = CaseFactory()
    lead = case.memberships.get(user=case.created_by)
    actor = Actor(user=case.created_by)

    with pytest.raises(ValidationError, match="cannot be removed"):
        case_member_remove(membership=lead, actor=actor)
    with pytest.raises(ValidationError, match="stays an attorney"):
        case_member_set(case=case, user=case.created_by, role="supervisor", actor=actor)
    specialist = MembershipFactory(case=case, role="mitigation_specialist")
    with pytest.raises(ValidationError, match="Only an attorney"):
        case_lead_set(membership=specialist, actor=actor)

    second = MembershipFactory(case=case, role="attorney")
    case_lead_set(membership=second, actor=actor)

    assert _team(case)[second.user.username] == ("attorney", True)
    assert _team(case)[case.created_by.username] == ("attorney", False)
    assert CaseMembership.objects.filter(case=case, is_lead=True).count() == 1


def test_the_team_page_shows_every_member_and_the_forms_only_to_those_who_manage(client):
    case = CaseFactory()
    specialist = MembershipFactory(case=case, role="mitigation_specialist").user
    url = reverse("cases:case_team", kwargs={"case_id": case.pk})

    client.force_login(specialist)
    as_specialist = client.get(url).content.decode()
    client.force_login(case.created_by)
    as_lead = client.get(url).content.decode()

    for page in (as_specialist, as_lead):
        assert specialist.username in page and case.created_by.username in page
    assert "Add to the team" not in as_specialist and "Remove" not in as_specialist
    assert "Add to the team" in as_lead and "Make lead" not in as_lead  # no other attorney to make lead


def test_the_admin_lists_no_case_data_to_a_superuser_outside_the_team_and_deletes_nothing(client):
    document = DocumentFactory()
    case = document.case
    outsider = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(outsider)

    cases = client.get(reverse("admin:cases_case_changelist")).content.decode()
    records = client.get(reverse("admin:evidence_document_changelist")).content.decode()
    opened = client.get(reverse("admin:cases_case_change", args=[case.pk]))

    assert case.client_name not in cases and case.docket_number not in cases
    assert document.original_name not in records
    assert opened.status_code == 302  # "does not exist" for them
    member = MembershipFactory(case=case, role="supervisor", user=UserFactory(is_staff=True, is_superuser=True))
    client.force_login(member.user)
    assert case.docket_number in client.get(reverse("admin:cases_case_changelist")).content.decode()
    deleted = client.post(reverse("admin:evidence_document_delete", args=[document.pk]), {"post": "yes"})
    assert deleted.status_code == 403 and document.__class__.objects.filter(pk=document.pk).exists()
