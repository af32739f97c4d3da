"""Import records into a case from files, folders and zip archives, as agencies deliver them.

    python manage.py import_records --case 23-CF-00417 [--now] [--record-type TYPE] [--source WHO] PATH [PATH ...]

Every file goes through the web upload's checks (evidence.services.documents_upload: size, content, duplicates,
zip archives opened); a file that fails them is named with the reason and nothing of it is stored, and the others
go through. Reading and event finding are queued for the worker, as after a web upload, or done here with --now
(as `load_demo --now` does). One line of outcome per file; the command fails (exit 1) after the last file if any
was refused, so a script notices."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from audit.services import Actor
from cases.selectors import case_for_docket
from evidence.models import Document
from evidence.services import UploadOutcome, document_read_text, documents_upload
from extraction.services import document_extract

_SKIPPED = {".ds_store", "thumbs.db", "desktop.ini"}


def _files_under(path: Path) -> list[Path]:
    """A folder's files, in name order, hidden ones and system clutter left out."""
    return sorted(
        p for p in path.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
        and p.name.lower() not in _SKIPPED and "__MACOSX" not in p.parts
    )


class Command(BaseCommand):
    help = "Import records (files, folders, zip archives) into a case, through the same checks as the web upload."

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="Files, folders or zip archives.")
        parser.add_argument("--case", required=True, metavar="DOCKET", help="The case's docket number.")
        parser.add_argument("--now", action="store_true",
                            help="Read each record and find its events in this process instead of queueing them.")
        parser.add_argument("--record-type", default="", choices=["", *Document.RecordType.values])
        parser.add_argument("--source", default="", help="Who produced the records, e.g. 'Brennan County Schools'.")
        parser.add_argument("--as-user", default=None, help="Username recorded as the uploader (default: the "
                            "case's creator).")

    def handle(self, *args, paths: list[Path], case: str, now: bool, record_type: str, source: str,
               as_user: str | None, **options) -> None:
        found = case_for_docket(docket_number=case)
        if found is None:
            raise CommandError(f"No case with docket number {case!r}.")
        user = get_user_model().objects.filter(username=as_user).first() if as_user else found.created_by
        if user is None:
            raise CommandError(f"No user {as_user!r}.")
        actor = Actor(user=user)
        counts = {"stored": 0, "skipped": 0, "refused": 0}
        for path in paths:
            if not path.exists():
                self._line("refused", str(path), "No such file or folder.")
                counts["refused"] += 1
                continue
            for file_path in _files_under(path) if path.is_dir() else [path]:
                try:
                    handle = file_path.open("rb")
                except OSError as error:
                    self._line("refused", str(file_path), f"The file cannot be opened ({error.strerror}).")
                    counts["refused"] += 1
                    continue
                with handle:
                    outcomes = documents_upload(case=found, files=[File(handle, name=file_path.name)], actor=actor,
                                                record_type=record_type, source=source)
                for outcome in outcomes:
                    shown = outcome.name if outcome.name != file_path.name else str(file_path)
                    counts[self._report(outcome, shown, now=now)] += 1
        summary = f"{counts['stored']} stored, {counts['skipped']} already in the case, {counts['refused']} refused."
        if counts["refused"]:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))

    def _report(self, outcome: UploadOutcome, shown: str, *, now: bool) -> str:
        if outcome.existing is not None:
            self._line("skipped", shown, f"already in the case as “{outcome.existing.original_name}”.")
            return "skipped"
        if outcome.document is None:
            self._line("refused", shown, outcome.error or "")
            return "refused"
        document = outcome.document
        if not now:
            self._line("stored", shown, f"record {document.pk}; queued for reading.")
            return "stored"
        pages = document_read_text(document_id=document.pk)
        document.refresh_from_db()
        if document.status != Document.Status.READY:
            self._line("stored", shown, f"record {document.pk}; reading failed: {document.failure_reason}")
            return "stored"
        events = document_extract(document_id=document.pk)
        self._line("stored", shown, f"record {document.pk}; {pages} page{'s' if pages != 1 else ''} read, "
                   f"{events} event{'s' if events != 1 else ''} proposed.")
        return "stored"

    def _line(self, outcome: str, name: str, detail: str) -> None:
        self.stdout.write(f"{outcome:<8} {name}: {detail}")
