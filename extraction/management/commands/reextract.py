"""Find events again in records already read, e.g. after a change to the rules.

Only proposals nobody has reviewed are replaced; accepted, merged and rejected work is kept."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from cases.selectors import AmbiguousDocket, case_for_docket
from evidence.selectors import documents_ready
from extraction.services import document_extract


class Command(BaseCommand):
    help = "Re-run event extraction over ready records (all cases, or one case by docket number)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--case", metavar="DOCKET", help="Only the records of the case with this docket number.")
        parser.add_argument("--case-id", type=int, help="The case's id, when several cases share the docket number.")

    def handle(self, *args, case: str | None, case_id: int | None, **options) -> None:
        documents = documents_ready()
        if case:
            try:
                found = case_for_docket(docket_number=case, case_id=case_id)
            except AmbiguousDocket as ambiguous:
                raise CommandError(str(ambiguous)) from ambiguous
            documents = documents_ready(case=found) if found is not None else documents.none()
            if not documents.exists():
                raise CommandError(f"No ready records in a case with docket number {case!r}.")
        total = 0
        for document in documents.iterator():
            proposed = document_extract(document_id=document.pk)
            total += proposed
            self.stdout.write(f"record {document.pk}: {proposed} pending proposals")
        self.stdout.write(self.style.SUCCESS(f"Done: {total} pending proposals in {documents.count()} records."))
