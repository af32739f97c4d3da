"""The case moved to the `cases` app (see narratives/0002): the same table, so Django's state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("exports", "0001_initial"),
        ("cases", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="caseexportsettings",
                    name="case",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE, related_name="export_settings", to="cases.case"
                    ),
                ),
                migrations.AlterField(
                    model_name="export",
                    name="case",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="exports", to="cases.case"
                    ),
                ),
            ],
        ),
    ]
