from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from operations.backup import RestoreError, backup_create
from operations.encryption import EncryptionError, passphrase_read


class Command(BaseCommand):
    help = ("Back up the database and all stored files (records, exports) into one archive: on PostgreSQL a pg_dump "
            "(optionally encrypted with --encrypt), elsewhere or with --portable Django's portable serialisation.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--out", type=Path, help="Archive path (default: DATA_DIR/backups/backup-<time>.tar.gz, "
                            "with .gpg added when encrypted).")
        parser.add_argument("--portable", action="store_true",
                            help="Django's serialisation instead of pg_dump: restores into SQLite or PostgreSQL.")
        parser.add_argument("--encrypt", action="store_true",
                            help="Encrypt with gpg (AES-256) using the passphrase in BACKUP_PASSPHRASE, or in the file "
                            "named by --passphrase-file or BACKUP_PASSPHRASE_FILE. Never give it on the command line.")
        parser.add_argument("--passphrase-file", type=Path, help="A file holding the passphrase on one line.")

    def handle(self, *args, out: Path | None, portable: bool, encrypt: bool, passphrase_file: Path | None,
               **options) -> None:
        from django.conf import settings

        try:
            passphrase = passphrase_read(passphrase_file=passphrase_file) if encrypt else None
        except EncryptionError as error:
            raise CommandError(str(error)) from error
        if encrypt and (portable or connection.vendor != "postgresql"):
            raise CommandError("--encrypt is for PostgreSQL backups made with pg_dump (not --portable ones).")
        suffix = ".tar.gz.gpg" if encrypt else ".tar.gz"
        out = out or Path(settings.DATA_DIR) / "backups" / f"backup-{timezone.now():%Y%m%d-%H%M%S}{suffix}"
        try:
            summary = backup_create(out=out, passphrase=passphrase, portable=portable)
        except (RestoreError, EncryptionError) as error:
            raise CommandError(str(error)) from error
        kind = "pg_dump" if connection.vendor == "postgresql" and not portable else "portable"
        self.stdout.write(self.style.SUCCESS(
            f"Backed up {sum(summary.rows.values())} rows ({kind}) and {summary.files} files to {summary.path}"
            + (" (encrypted)" if encrypt else "")
        ))
