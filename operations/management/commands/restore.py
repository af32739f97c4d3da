from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.backup import RestoreError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup archive into a fresh, migrated database and media folder, and verify it."

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive", type=Path)

    def handle(self, *args, archive: Path, **options) -> None:
        if not archive.is_file():
            raise CommandError(f"No backup at {archive}")
        try:
            summary = backup_restore(archive_path=archive)
        except RestoreError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(
            f"Restored and verified {sum(summary.rows.values())} rows and {summary.files} files from {archive}"
        ))
