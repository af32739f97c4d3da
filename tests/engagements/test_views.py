"""The Advocate's pages: only the team's cases, the dashboard's warnings, forms that explain what was refused."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import Actor
from engagements.models import CollateralFlag, Engagement, EngagementLogEntry
from engagements.selectors import dashboard_for_user
from engagements.services import (
    EngagementDetails,
    client_goal_add,
    collateral_flag_set,
    engagement_create,
    engagement_log_add,
    engagement_set_followed,
)
from tests.factories import CaseFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def _days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def _engagement(case, *, status="active", **details) -> Engagement:
    values = {"service_type": "medical_care", "provider_name": "Eastgate Community Health Ctr.",
              "program": "primary care for asthma", "start_date": "2023-04-25", **details}
    return engagement_create(case=case, details=EngagementDetails(**values), status=status, actor=Actor(user=case.created_by))


@pytest.fixture
def advocate_case(client):
    case = CaseFactory(client_name="Devon Michael Ashby")
    advocate = MembershipFactory(case=case, role="advocate").user
    client.force_login(advocate)
    return case, advocate


def _url(name: str, case, **kwargs) -> str:
    return reverse(f"engagements:{name}", kwargs={"case_id": case.pk, **kwargs})


def test_the_dashboard_shows_only_the_team_s_cases_and_what_needs_doing(client, advocate_case):
    case, advocate = advocate_case
    stale = _engagement(case)
    engagement_log_add(engagement=stale, date=_days_ago(41), kind="contact", actor=Actor(user=advocate))
    fresh = _engagement(case, service_type="education_services", provider_name="Adult Learning Ctr.",
                        program="GED preparation classes", start_date="2023-05-15")
    engagement_log_add(engagement=fresh, date=_days_ago(3), kind="attended", actor=Actor(user=advocate))
    waiting = _engagement(case, status="referred", service_type="employment_services", provider_name="WorkReady Brennan",
                          program="a job readiness program", start_date="", referral_date=_days_ago(20).isoformat())
    new_referral = _engagement(case, status="referred", service_type="employment_services", provider_name="JobStart",
                               start_date="", referral_date=_days_ago(5).isoformat())
    ending = _engagement(case, service_type="housing_assistance", provider_name="Hearthstone Transitional Housing",
                         program="transitional housing", end_date=(timezone.localdate() + datetime.timedelta(days=21)).isoformat())
    engagement_log_add(engagement=ending, date=_days_ago(6), kind="contact", actor=Actor(user=advocate))
    unfollowed = _engagement(case, service_type="substance_use_treatment", provider_name="Brennan County Detox")
    engagement_set_followed(engagement=unfollowed, followed=False, actor=Actor(user=advocate))
    client_goal_add(case=case, text="Finish my GED.", actor=Actor(user=advocate))
    elsewhere = CaseFactory(client_name="Someone Else Entirely")
    _engagement(elsewhere, provider_name="A Clinic Elsewhere")

    dashboard = dashboard_for_user(user=advocate)
    response = client.get(reverse("engagements:dashboard"))

    assert [r.engagement for r in dashboard.stale] == [stale]
    assert [r.engagement for r in dashboard.waiting_referrals] == [waiting]
    assert [r.engagement for r in dashboard.upcoming_ends] == [ending]
    assert [r.engagement for r in dashboard.unfollowed] == [unfollowed]
    assert new_referral not in [r.engagement for r in dashboard.waiting_referrals]
    assert [work.case for work in dashboard.cases] == [case]
    page = response.content.decode()
    assert response.status_code == 200
    assert "Primary care for asthma" in page and "41 days ago" in page
    assert "“Finish my GED.”" in page
    assert "Someone Else Entirely" not in page and "A Clinic Elsewhere" not in page


def test_an_engagement_of_another_case_is_not_found_through_ones_own_case(client, advocate_case):
    case, _advocate = advocate_case
    foreign = _engagement(CaseFactory())

    response = client.get(_url("engagement_detail", case, engagement_id=foreign.pk))
    posted = client.post(_url("log_add", case, engagement_id=foreign.pk), {"date": "2023-06-01", "kind": "attended"})

    assert response.status_code == 404 and posted.status_code == 404
    assert not EngagementLogEntry.objects.exists()


def test_create_an_engagement_then_log_and_change_its_status(client, advocate_case):
    case, advocate = advocate_case

    response = client.post(_url("engagement_create", case), {
        "service_type": "family_services", "program": "the Fathers at the Table parenting program",
        "provider_name": "Family Roots Center", "status": "enrolled", "start_date": "2023-06-06",
    })

    engagement = Engagement.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/engagements/{engagement.pk}/")
    assert engagement.event.kind == "service_engagement" and engagement.origin == "team"
    logged = client.post(_url("log_add", case, engagement_id=engagement.pk),
                         {"date": "2023-06-06", "kind": "attended", "note": "First session."})
    changed = client.post(_url("engagement_status", case, engagement_id=engagement.pk),
                          {"status": "completed", "date": "2023-08-22"})
    page = client.get(_url("engagement_detail", case, engagement_id=engagement.pk)).content.decode()

    assert logged.status_code == 302 and changed.status_code == 302
    assert "attended the one scheduled session" in page
    assert "Completed" in page and "August 22, 2023" in page
    actions = list(AuditEntry.objects.filter(case_id=case.pk).order_by("pk").values_list("action", "detail"))
    assert actions == [
        ("engagement_created", {"service_type": "family_services", "status": "enrolled"}),
        ("engagement_changed", {"change": "log_added", "entry": engagement.log_entries.get().pk, "kind": "attended"}),
        ("engagement_changed", {"change": "status", "status": "completed"}),
    ]


@pytest.mark.parametrize(("typed", "stored"), [("06/11/2024", "2024-06-11"), ("6/1/2024", "2024-06-01"),
                                              ("2024-06-11", "2024-06-11"), ("03/2024", "2024-03"), ("2024", "2024")])
def test_engagement_dates_are_taken_as_people_type_them(client, advocate_case, typed, stored):
    case, _advocate = advocate_case

    response = client.post(_url("engagement_create", case), {
        "service_type": "education_services", "program": "GED classes", "provider_name": "Sample Adult Learning",
        "status": "enrolled", "start_date": typed, "referral_date": typed,
    })

    assert response.status_code == 302
    assert (Engagement.objects.get().start_date, Engagement.objects.get().referral_date) == (stored, stored)


def test_a_date_that_is_no_date_says_how_to_write_it(client, advocate_case):
    case, _advocate = advocate_case

    response = client.post(_url("engagement_create", case), {
        "service_type": "education_services", "provider_name": "Sample Adult Learning", "status": "enrolled",
        "start_date": "13/45/2024",
    })

    assert response.status_code == 400
    assert "“13/45/2024” is not a date we can read. Write it as MM/DD/YYYY or YYYY-MM-DD" in response.content.decode()
    assert not Engagement.objects.exists()


def test_refusals_are_explained_on_the_page(client, advocate_case):
    case, _advocate = advocate_case
    engagement = _engagement(case)

    missing = client.post(_url("engagement_create", case), {"service_type": "family_services", "status": "active"})
    future = client.post(_url("log_add", case, engagement_id=engagement.pk),
                         {"date": (timezone.localdate() + datetime.timedelta(days=2)).isoformat(), "kind": "attended"})
    no_reason = client.post(_url("engagement_status", case, engagement_id=engagement.pk),
                            {"status": "discontinued", "date": "2023-07-01"})

    assert missing.status_code == 400 and "This field is required." in missing.content.decode()
    assert future.status_code == 400 and "The date is in the future" in future.content.decode()
    assert no_reason.status_code == 400 and "Say why the engagement was discontinued." in no_reason.content.decode()
    assert Engagement.objects.count() == 1 and not engagement.log_entries.exists()


def test_an_attendance_file_with_a_bad_row_shows_the_line_and_imports_nothing(client, advocate_case, data_dir):
    case, _advocate = advocate_case
    ged = _engagement(case, service_type="education_services", provider_name="Brennan Co. Adult Learning Ctr.",
                      program="GED preparation classes", start_date="2023-05-15")
    url = _url("attendance_import", case)

    bad = client.post(url, {"engagement": str(ged.pk), "file": SimpleUploadedFile(
        "ged_attendance_bad_row.csv", (data_dir / "ged_attendance_bad_row.csv").read_bytes())})
    good = client.post(url, {"engagement": str(ged.pk), "file": SimpleUploadedFile(
        "ged_attendance.csv", (data_dir / "ged_attendance.csv").read_bytes())})

    page = bad.content.decode()
    assert bad.status_code == 400 and "Nothing was imported" in page
    assert "line 7: “06/31/2023” is not a date" in page
    assert good.status_code == 302 and ged.log_entries.count() == 64
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ATTENDANCE_IMPORTED)
    assert entry.detail["rows"] == 64 and entry.object_id == str(ged.pk)


def test_an_attendance_file_can_start_a_new_engagement(client, advocate_case, data_dir):
    case, _advocate = advocate_case

    response = client.post(_url("attendance_import", case), {
        "engagement": "new", "service_type": "education_services", "provider_name": "Brennan Co. Adult Learning Ctr.",
        "program": "GED preparation classes",
        "file": SimpleUploadedFile("ged.csv", (data_dir / "ged_attendance.csv").read_bytes()),
    })
    incomplete = client.post(_url("attendance_import", case), {
        "engagement": "new", "file": SimpleUploadedFile("ged.csv", b"date,status\n2023-06-01,attended\n"),
    })

    assert response.status_code == 302
    assert Engagement.objects.get().origin == "import"
    assert incomplete.status_code == 400 and "Name the provider of the new engagement." in incomplete.content.decode()


def test_goals_naming_and_collateral_concerns_from_their_pages(client, advocate_case):
    case, _advocate = advocate_case

    client.post(_url("goals", case), {"form": "goal", "text": "Stay in treatment."})
    client.post(_url("goals", case), {"form": "goal", "text": "Finish my GED."})
    second = case.goal_items.get(text="Finish my GED.")
    client.post(_url("goal_change", case, goal_id=second.pk, action="up"))
    client.post(_url("goals", case), {"form": "preference", "name_in_court": "Mr. Ashby", "pronoun": "he"})
    flagged = client.post(_url("collateral", case), {
        "concern": "drivers_licence", "status": "referred", "new_referral_provider": "Brennan Legal Aid",
        "share_in_narrative": "on", "note": "Suspended for unpaid fines.",
    })
    refused = client.post(_url("collateral", case), {"concern": "immigration", "status": "referred"})

    assert [g.text for g in case.goal_items.all()] == ["Finish my GED.", "Stay in treatment."]
    assert case.client_preference.name_in_court == "Mr. Ashby"
    assert flagged.status_code == 302
    flag = CollateralFlag.objects.get()
    assert flag.referral.provider_name == "Brennan Legal Aid" and flag.share_in_narrative
    assert refused.status_code == 400 and "Choose the referral" in refused.content.decode()
    case_page = client.get(reverse("cases:case_detail", kwargs={"case_id": case.pk})).content.decode()
    assert "Driver&#x27;s licence" in case_page and "may go in the narrative" in case_page
    assert client.get(_url("goal_change", case, goal_id=second.pk, action="up")).status_code == 405
    assert client.post(_url("goal_change", case, goal_id=second.pk, action="explode")).status_code == 404


def test_the_client_summary_speaks_plainly(client, advocate_case):
    case, advocate = advocate_case
    goal = client_goal_add(case=case, text="Finish my GED.", actor=Actor(user=advocate))
    ged = _engagement(case, service_type="education_services", provider_name="Brennan Co. Adult Learning Ctr.",
                      program="GED preparation classes", start_date="2023-05-15", client_goal_id=goal.pk,
                      next_step="Take the Language Arts test.")
    for day, kind in [(1, "attended"), (2, "attended"), (3, "excused"), (4, "missed")]:
        engagement_log_add(engagement=ged, date=datetime.date(2023, 6, day), kind=kind, actor=Actor(user=advocate))
    _engagement(case, status="referred", service_type="employment_services", provider_name="WorkReady Brennan",
                program="a job readiness program", start_date="", referral_date="2023-10-10")
    collateral_flag_set(case=case, concern="housing", status="raised", actor=Actor(user=advocate))

    page = client.get(_url("client_summary", case)).content.decode()

    assert "Your services and next steps" in page
    assert "You are going." in page and "You went to 2 of 3 sessions. 1 excused absence is not counted against you." in page
    assert "Take the Language Arts test." in page and "Helps with: Finish my GED." in page
    assert "You have been referred. It has not started yet." in page
    assert "Call them to set up a first visit." in page
    assert "<strong>Housing</strong>: we talked about it" in page


def test_following_an_engagement_found_in_records(client, advocate_case):
    case, _advocate = advocate_case
    engagement = _engagement(case)
    engagement_set_followed(engagement=engagement, followed=False, actor=Actor(user=engagement.created_by))

    response = client.post(_url("engagement_follow", case, engagement_id=engagement.pk), {"followed": "1", "next": "list"})

    assert response["Location"] == _url("engagement_list", case)
    assert Engagement.objects.get().followed
