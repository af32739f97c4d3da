import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.backup import RestoreError, backup_restore
from operations.encryption import EncryptionError, is_encrypted, passphrase_read


class Command(BaseCommand):
    help = ("Restore a backup archive and verify it: a PostgreSQL (pg_dump) backup into a new, empty database made "
            "with createdb; a portable one into a fresh, migrated database. Storage must be empty in both cases.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument("--passphrase-file", type=Path, help="For an encrypted backup: a file holding the "
                            "passphrase (or set BACKUP_PASSPHRASE or BACKUP_PASSPHRASE_FILE).")

    def handle(self, *args, archive: Path, passphrase_file: Path | None, **options) -> None:
        if not archive.is_file():
            raise CommandError(f"No backup at {archive}")
        try:
            passphrase = None
            if is_encrypted(archive) or passphrase_file or os.environ.get("BACKUP_PASSPHRASE_FILE"):
                passphrase = passphrase_read(passphrase_file=passphrase_file)
            summary = backup_restore(archive_path=archive, passphrase=passphrase)
        except (RestoreError, EncryptionError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(
            f"Restored and verified {sum(summary.rows.values())} rows and {summary.files} files from {archive}"
        ))
