"""The demo Advocate's work: loaded with `load_demo --now`, once, with a stale engagement on the dashboard."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from engagements.models import ClientGoal, CollateralFlag, Engagement, EngagementLogEntry, EngagementStatusChange
from engagements.selectors import dashboard_for_user
from narratives.models import NarrativeSection


def _counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Engagement, EngagementLogEntry, EngagementStatusChange,
                                                      ClientGoal, CollateralFlag))


@pytest.mark.django_db
def test_load_demo_now_records_the_advocates_work_once():
    call_command("load_demo", "--now", "--allow-in-production")
    counts = _counts()

    call_command("load_demo", "--now", "--allow-in-production")

    assert _counts() == counts
    advocate = get_user_model().objects.get(username="advocate")
    dashboard = dashboard_for_user(user=advocate)
    assert [(r.engagement.provider_name, r.days_since_contact) for r in dashboard.stale] == [
        ("Eastgate Community Health Ctr.", 41)
    ]
    assert {r.engagement.provider_name for r in dashboard.waiting_referrals} == {"Brennan Legal Aid", "WorkReady Brennan"}
    assert [r.engagement.program for r in dashboard.upcoming_ends] == ["transitional housing"]
    assert len(dashboard.cases[0].goals) == 4
    now = NarrativeSection.objects.get(title="What the client is doing now").body
    assert "Since May 15, 2023, Mr. Ashby has been enrolled in GED preparation classes at Brennan Co. Adult " \
           "Learning Ctr. (active). It serves a goal he set: “Finish my GED.”" in now
