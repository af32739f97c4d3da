"""The link from a proposal to the event it became is now kept by the event (narratives/0003 copied it there)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("extraction", "0001_initial"),
        ("narratives", "0003_timelineevent_candidates"),
    ]

    operations = [
        migrations.RemoveField(model_name="eventcandidate", name="timeline_event"),
    ]
