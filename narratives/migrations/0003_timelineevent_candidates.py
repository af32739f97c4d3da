"""Which proposals an event was accepted or merged from is kept by the event (`TimelineEvent.candidates`) instead of
by the proposal (`EventCandidate.timeline_event`), so that extraction no longer points at the app above it.
The links are copied here; extraction/0002 then drops the old column."""

from django.db import migrations, models


def _links(apps):
    # Until extraction/0002 drops the old column, its reverse accessor ("candidates") hides the new field's
    # descriptor on the event: reach the new field's table through the field itself.
    return apps.get_model("narratives", "TimelineEvent")._meta.get_field("candidates").remote_field.through


def copy_links_to_events(apps, schema_editor):
    EventCandidate = apps.get_model("extraction", "EventCandidate")
    Link = _links(apps)
    links = EventCandidate.objects.filter(timeline_event__isnull=False).values_list("pk", "timeline_event_id")
    Link.objects.bulk_create(
        (Link(timelineevent_id=event_id, eventcandidate_id=candidate_id) for candidate_id, event_id in links.iterator()),
        batch_size=1000,
    )


def copy_links_to_candidates(apps, schema_editor):
    EventCandidate = apps.get_model("extraction", "EventCandidate")
    for candidate_id, event_id in _links(apps).objects.values_list(
        "eventcandidate_id", "timelineevent_id"
    ).iterator():
        EventCandidate.objects.filter(pk=candidate_id).update(timeline_event_id=event_id)


class Migration(migrations.Migration):
    dependencies = [
        ("extraction", "0001_initial"),
        ("narratives", "0002_case_tables_renamed"),
    ]

    operations = [
        migrations.AddField(
            model_name="timelineevent",
            name="candidates",
            field=models.ManyToManyField(blank=True, related_name="+", to="extraction.eventcandidate"),
        ),
        migrations.RunPython(copy_links_to_events, copy_links_to_candidates),
    ]
