"""Permissions and admin history name a model through its content type: the moved models keep theirs."""

from django.db import migrations

MOVED = ("case", "casemembership")


def _move(apps, old_app: str, new_app: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        # A database migrated before content types existed has none to move; one that already has the new
        # content type (made by a later post_migrate) keeps it and the old one stays stale.
        if not ContentType.objects.filter(app_label=new_app, model=model).exists():
            ContentType.objects.filter(app_label=old_app, model=model).update(app_label=new_app)


def forwards(apps, schema_editor):
    _move(apps, "narratives", "cases")


def backwards(apps, schema_editor):
    _move(apps, "cases", "narratives")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
