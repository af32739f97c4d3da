"""Write a narrative's court files to a folder, through the same services as the web export.

    python manage.py export_narrative --case 23-CF-00417 [--case-id ID] [--narrative ID] [--sealed | --draft] --out DIR

Writes narrative.docx, narrative.pdf and exhibits.pdf (public versions, every Rule 49.1 finding reduced,
unless --sealed) and exits non-zero with the reason when the export is refused."""

from __future__ import annotations

import shutil
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from audit.services import Actor
from cases.selectors import AmbiguousDocket, case_for_docket
from exports.assemble import export_data
from exports.models import Export
from exports.redaction import redactions_from_findings
from exports.services import ExportRefused, export_create, export_render, privacy_findings
from narratives.selectors import narrative_list


class Command(BaseCommand):
    help = "Export a narrative as DOCX, PDF and a Bates-numbered exhibit packet."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--case", required=True, metavar="DOCKET", help="The case's docket number.")
        parser.add_argument("--case-id", type=int, help="The case's id, when several cases share the docket number.")
        parser.add_argument("--narrative", type=int, help="The narrative's id (default: the case's only narrative).")
        parser.add_argument("--sealed", action="store_true", help="Unredacted, labelled for filing under seal.")
        parser.add_argument("--draft", action="store_true",
                            help="A redacted working copy labelled not for filing (the specialist may make one).")
        parser.add_argument("--all-records", action="store_true", help="Every record in the packet, not only cited ones.")
        parser.add_argument("--out", required=True, type=Path, help="Folder to write the files to (created if needed).")
        parser.add_argument("--as-user", default=None, help="Username recorded as the exporter (default: the case's creator).")

    def handle(self, *args, case: str, case_id: int | None, narrative: int | None, sealed: bool, draft: bool,
               all_records: bool, out: Path, as_user: str | None, **options) -> None:
        if sealed and draft:
            raise CommandError("A draft is never sealed: choose --sealed or --draft.")
        try:
            found = case_for_docket(docket_number=case, case_id=case_id)
        except AmbiguousDocket as ambiguous:
            raise CommandError(str(ambiguous)) from ambiguous
        if found is None:
            raise CommandError(f"No case with docket number {case!r}.")
        narratives = narrative_list(case=found)
        if narrative is not None:
            narratives = narratives.filter(pk=narrative)
        if narratives.count() != 1:
            choices = ", ".join(f"{n.pk} ({n.title})" for n in narrative_list(case=found)) or "none"
            raise CommandError(f"Say which narrative with --narrative; this case has: {choices}.")
        chosen = narratives.get()
        user = get_user_model().objects.filter(username=as_user).first() if as_user else found.created_by
        if user is None:
            raise CommandError(f"No user {as_user!r}.")

        redactions = {}
        if not sealed:
            data = export_data(narrative=chosen, sealed=False, all_records=all_records)
            findings = privacy_findings(data=data, case=found)
            redactions = redactions_from_findings(item.finding for item in findings)
            self.stdout.write(f"Rule 49.1: {len(findings)} findings reduced in the public version.")
        try:
            export = export_create(narrative=chosen, actor=Actor(user=user), sealed=sealed, all_records=all_records,
                                   redactions=redactions, draft=draft)
        except ExportRefused as refusal:
            raise CommandError(f"Export refused. {refusal.message}") from refusal
        except PermissionDenied as refusal:  # the command obeys the same roles as the app
            raise CommandError(f"Export refused for {user.get_username()}. {refusal}") from refusal
        export_render(export_id=export.pk)  # in this process: a script wants the files when the command ends
        export.refresh_from_db()
        if export.status != Export.Status.DONE:
            raise CommandError(f"Export failed. {export.failure_reason}")
        out.mkdir(parents=True, exist_ok=True)
        for field, name in (("docx_file", "narrative.docx"), ("pdf_file", "narrative.pdf"), ("packet_file", "exhibits.pdf")):
            with getattr(export, field).open("rb") as source, (out / name).open("wb") as target:
                shutil.copyfileobj(source, target)
        label = export.purpose
        self.stdout.write(self.style.SUCCESS(
            f"Wrote the {label} narrative.docx, narrative.pdf and exhibits.pdf ({export.packet_pages} pages) to {out}"
        ))
