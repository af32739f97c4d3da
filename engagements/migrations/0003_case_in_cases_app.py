"""The case moved to the `cases` app (see narratives/0002): the same table, so Django's state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("engagements", "0002_engagements_from_accepted_events"),
        ("cases", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="clientgoal",
                    name="case",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="goal_items", to="cases.case"
                    ),
                ),
                migrations.AlterField(
                    model_name="clientpreference",
                    name="case",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE, related_name="client_preference", to="cases.case"
                    ),
                ),
                migrations.AlterField(
                    model_name="engagement",
                    name="case",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="engagements", to="cases.case"
                    ),
                ),
                migrations.AlterField(
                    model_name="collateralflag",
                    name="case",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="collateral_flags", to="cases.case"
                    ),
                ),
            ],
        ),
    ]
