from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from cases.models import Case, CaseMembership
from tests.factories import CaseFactory, UserFactory


@pytest.mark.django_db
def test_opening_a_case_puts_its_creator_on_the_team(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("cases:case_create"),
        {
            "client_name": "Ari Example",
            "client_dob": "1990-02-03",
            "docket_number": "24-CR-1",
            "stage": Case.Stage.SENTENCING,
            "client_goals": "Go home to my kids.",
            "creator_role": CaseMembership.Role.ATTORNEY,
        },
    )

    case = Case.objects.get(docket_number="24-CR-1")
    assert response.status_code == 302
    assert case.memberships.get().user == user
    assert case.memberships.get().role == CaseMembership.Role.ATTORNEY
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_a_future_date_of_birth_is_refused_with_a_message(client):
    client.force_login(UserFactory())
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)

    response = client.post(
        reverse("cases:case_create"),
        {"client_name": "A", "client_dob": tomorrow.isoformat(), "docket_number": "X-1",
         "stage": Case.Stage.PRETRIAL, "creator_role": CaseMembership.Role.ATTORNEY},
    )

    assert response.status_code == 400
    assert "in the future" in response.content.decode()
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_login_logout_and_password_change(client):
    user = UserFactory(username="pat")

    assert client.post(reverse("login"), {"username": "pat", "password": "a-long-test-password"}).status_code == 302
    response = client.post(
        reverse("password_change"),
        {"old_password": "a-long-test-password", "new_password1": "tall-oak-river-9", "new_password2": "tall-oak-river-9"},
    )
    assert response.status_code == 302
    client.post(reverse("logout"))
    assert client.get(reverse("cases:case_list")).status_code == 302
    user.refresh_from_db()
    assert user.check_password("tall-oak-river-9")


@pytest.mark.django_db
def test_opening_a_case_tells_an_outsider_nothing_about_another_teams_case_on_the_docket(client):
    theirs = CaseFactory(docket_number="24-CR-77", client_name="Kept Private")
    outsider = UserFactory()
    client.force_login(outsider)
    form = {"client_name": "Kept Private", "docket_number": "24-CR-77", "stage": Case.Stage.PRETRIAL,
            "creator_role": CaseMembership.Role.ATTORNEY}

    response = client.post(reverse("cases:case_create"), form, follow=True)

    mine = Case.objects.exclude(pk=theirs.pk).get()
    assert response.status_code == 200 and mine.memberships.get().user == outsider
    assert f"/cases/{theirs.pk}/" not in response.content.decode()
    # The same person opening their own case twice is told, since it is theirs to see.
    again = client.post(reverse("cases:case_create"), form)
    assert again.status_code == 400 and "You already have this case open" in again.content.decode()
    assert Case.objects.count() == 2


@pytest.mark.django_db
def test_commands_ask_which_case_when_co_defendants_share_a_docket(tmp_path):
    from django.core.management import CommandError, call_command

    first, second = CaseFactory(docket_number="24-CR-88"), CaseFactory(docket_number="24-CR-88")

    with pytest.raises(CommandError, match=f"ids {first.pk}, {second.pk}.*--case-id"):
        call_command("reextract", "--case", "24-CR-88")
    with pytest.raises(CommandError, match="No ready records"):
        call_command("reextract", "--case", "24-CR-88", "--case-id", str(second.pk))
