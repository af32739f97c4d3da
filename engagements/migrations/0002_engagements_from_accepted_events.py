"""Events of kind service_engagement accepted before engagements existed become engagements (found in a record,
not followed), as accepting them now would make them. Their events are left exactly as they are."""

from django.db import migrations

CLOSED = {"completed", "discontinued"}


def forwards(apps, schema_editor):
    TimelineEvent = apps.get_model("narratives", "TimelineEvent")
    Engagement = apps.get_model("engagements", "Engagement")
    StatusChange = apps.get_model("engagements", "EngagementStatusChange")
    for event in TimelineEvent.objects.filter(kind="service_engagement", engagement__isnull=True).iterator():
        status = event.status or ""
        engagement = Engagement.objects.create(
            case_id=event.case_id, event=event, service_type=event.category, provider_name=event.provider[:200],
            status=status, referral_date=event.date if status == "referred" else "",
            start_date=event.date if status != "referred" else "", end_date=event.date_end,
            record_text=event.summary, origin="record", followed=False, created_by_id=event.created_by_id,
        )
        if status:
            StatusChange.objects.create(
                engagement=engagement, status=status,
                date=(event.date_end if status in CLOSED else event.date) or "",
                reason="as stated in the record" if status == "discontinued" else "",
                recorded_by_id=event.created_by_id,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("engagements", "0001_initial"),
        ("narratives", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
