"""Step 3 of the move of Case and CaseMembership to the `cases` app (see 0002): no SQL, Django's state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("narratives", "0003_timelineevent_candidates"),
        ("cases", "0001_initial"),
        # Every foreign key to the case points at its new home before the old one is forgotten.
        ("evidence", "0004_case_in_cases_app"),
        ("engagements", "0003_case_in_cases_app"),
        ("exports", "0002_case_in_cases_app"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="timelineevent",
                    name="case",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="timeline_events", to="cases.case"
                    ),
                ),
                migrations.AlterField(
                    model_name="domainstatus",
                    name="case",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="domain_statuses", to="cases.case"
                    ),
                ),
                migrations.AlterField(
                    model_name="narrative",
                    name="case",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="narratives", to="cases.case"
                    ),
                ),
                migrations.DeleteModel(name="CaseMembership"),
                migrations.DeleteModel(name="Case"),
            ],
        ),
    ]
