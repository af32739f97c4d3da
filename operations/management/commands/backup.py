from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from operations.backup import backup_create


class Command(BaseCommand):
    help = "Back up the database and all stored files (records, exports) into one .tar.gz archive."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--out", type=Path, help="Archive path (default: DATA_DIR/backups/backup-<time>.tar.gz).")

    def handle(self, *args, out: Path | None, **options) -> None:
        from django.conf import settings

        out = out or Path(settings.DATA_DIR) / "backups" / f"backup-{timezone.now():%Y%m%d-%H%M%S}.tar.gz"
        summary = backup_create(out=out)
        self.stdout.write(self.style.SUCCESS(
            f"Backed up {sum(summary.rows.values())} rows and {summary.files} files to {summary.path}"
        ))
