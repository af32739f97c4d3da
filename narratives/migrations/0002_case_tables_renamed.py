"""Case and CaseMembership move to the `cases` app, in three steps that keep every row, id and foreign key.

1. here: their tables take the names the `cases` app gives them (a rename; PostgreSQL and SQLite both carry the
   foreign keys that point at them along);
2. cases/0001: the models' new home, recorded in Django's state only (no SQL);
3. narratives/0004, after every other app points its foreign keys at `cases.Case` (state only): the old home is
   forgotten (no SQL)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("narratives", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelTable(name="case", table="cases_case"),
        migrations.AlterModelTable(name="casemembership", table="cases_casemembership"),
    ]
