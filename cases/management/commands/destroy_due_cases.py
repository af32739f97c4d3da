"""Destroy the archived cases whose retention date is over, as the periodic sweep does (`celery -A config beat`).

    python manage.py destroy_due_cases [--dry-run]

Each destroyed case leaves one audit entry (docket number, who archived it, what was deleted). --dry-run lists the
cases that are due and deletes nothing."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from cases.models import Case
from cases.services import cases_destroy_due


class Command(BaseCommand):
    help = "Destroy archived cases whose 'destroy after' date has passed (records, pages, exports and their files)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List the cases that are due; delete nothing.")

    def handle(self, *args, dry_run: bool, **options) -> None:
        today = timezone.localdate()
        if dry_run:
            due = Case.objects.due_for_destruction(today=today).order_by("destroy_after", "pk")
            for case in due:
                self.stdout.write(f"due: case {case.pk}, No. {case.docket_number}, destroy after {case.destroy_after}")
            self.stdout.write(f"{len(due)} case(s) due; nothing deleted (--dry-run).")
            return
        destroyed = cases_destroy_due(today=today)
        for done in destroyed:
            counts = ", ".join(f"{count} {kind}" for kind, count in done.counts.items())
            self.stdout.write(f"destroyed: case {done.case_id}, No. {done.docket_number} ({counts})")
        self.stdout.write(f"{len(destroyed)} case(s) destroyed.")
