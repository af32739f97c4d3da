from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from cases.models import Case, CaseMembership
from tests.factories import UserFactory


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
