"""Step 2 of the move of Case and CaseMembership from `narratives` (see narratives/0002): the tables already have
this app's names, so the models are only recorded here, without SQL."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("narratives", "0002_case_tables_renamed"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Case",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("client_name", models.CharField(max_length=200)),
                        ("client_dob", models.DateField(blank=True, null=True, verbose_name="client's date of birth")),
                        ("docket_number", models.CharField(max_length=80, unique=True)),
                        ("court", models.CharField(blank=True, max_length=200)),
                        ("jurisdiction", models.CharField(blank=True, max_length=200)),
                        ("charges", models.TextField(blank=True)),
                        (
                            "stage",
                            models.CharField(
                                choices=[
                                    ("investigation", "Investigation"),
                                    ("pretrial", "Pretrial"),
                                    ("plea", "Plea"),
                                    ("sentencing", "Sentencing"),
                                    ("post_conviction", "Post-conviction"),
                                ],
                                default="pretrial",
                                max_length=20,
                            ),
                        ),
                        (
                            "client_goals",
                            models.TextField(
                                blank=True,
                                help_text="In the client's own words: what they want from this case.",
                                verbose_name="client's stated goals",
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "created_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                            ),
                        ),
                    ],
                    options={"ordering": ["-updated_at"]},
                ),
                migrations.CreateModel(
                    name="CaseMembership",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        (
                            "role",
                            models.CharField(
                                choices=[
                                    ("attorney", "Attorney"),
                                    ("mitigation_specialist", "Mitigation specialist"),
                                    ("advocate", "Advocate"),
                                    ("supervisor", "Supervisor"),
                                ],
                                max_length=30,
                            ),
                        ),
                        ("added_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "case",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="memberships", to="cases.case"
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="case_memberships",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["role", "user__last_name", "user__username"],
                        "constraints": [
                            models.UniqueConstraint(fields=("case", "user"), name="one_membership_per_user_and_case")
                        ],
                    },
                ),
            ],
        ),
    ]
