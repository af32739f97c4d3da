from django.db import migrations, models


def name_leads(apps, schema_editor):
    """Each existing case gets a lead: its opener if they are an attorney on it, else its first attorney."""
    Case = apps.get_model("cases", "Case")
    CaseMembership = apps.get_model("cases", "CaseMembership")
    for case in Case.objects.all().only("pk", "created_by_id"):
        attorneys = CaseMembership.objects.filter(case=case, role="attorney")
        lead = attorneys.filter(user_id=case.created_by_id).first() or attorneys.order_by("added_at", "pk").first()
        if lead is not None:
            CaseMembership.objects.filter(pk=lead.pk).update(is_lead=True)


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_case_court_system_and_prosecution")]

    operations = [
        migrations.AddField(
            model_name="casemembership",
            name="is_lead",
            field=models.BooleanField(default=False, verbose_name="lead attorney"),
        ),
        migrations.RunPython(name_leads, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="casemembership",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_lead", True)), fields=("case",), name="one_lead_per_case"
            ),
        ),
        migrations.AddConstraint(
            model_name="casemembership",
            constraint=models.CheckConstraint(
                condition=models.Q(("is_lead", False), ("role", "attorney"), _connector="OR"),
                name="the_lead_is_an_attorney",
            ),
        ),
    ]
