"""Write a narrative's court files to a folder, through the same services as the web export.

    python manage.py export_narrative --case 23-CF-00417 [--case-id ID] [--narrative ID] [--sealed] [--draft]
        [--all-records] [--decide KEY=CHOICE ...] [--accept-defaults] --out DIR

Writes narrative.docx, narrative.pdf and exhibits.pdf (public versions, every Rule 49.1 finding reduced,
unless --sealed) and exits non-zero with the reason when the export is refused.

Filing decisions (exports/filing.py) are made with --decide, e.g. `--decide record:12=seal` for a record with a
confidentiality notice (seal, omit or public) or `--decide page:12:3=reduce` for a page stating a withheld fact
(reduce, omit or seal); --accept-defaults takes the safe choice for every item not decided (notice-bearing
records under seal, withheld passages reduced). The decisions are printed either way."""

from __future__ import annotations

import shutil
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from audit.services import Actor
from cases.roles import CaseAction, case_require
from cases.selectors import AmbiguousDocket, case_for_docket
from exports.assemble import export_data, export_settings_for
from exports.checks import filing_checks
from exports.filing import describe, filing_items, safe_decisions, undecided
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
                            help="A working copy, not for filing (the specialist may make one): exported even though "
                            "filing checks fail; every page is watermarked DRAFT.")
        parser.add_argument("--all-records", action="store_true", help="Every record in the packet, not only cited ones.")
        parser.add_argument("--out", required=True, type=Path, help="Folder to write the files to (created if needed).")
        parser.add_argument("--as-user", default=None, help="Username recorded as the exporter (default: the case's creator).")
        parser.add_argument("--decide", action="append", default=[], metavar="KEY=CHOICE",
                            help="A filing decision, e.g. record:12=seal or page:12:3=reduce (repeatable).")
        parser.add_argument("--accept-defaults", action="store_true",
                            help="Take the safe choice for every filing decision not given with --decide.")

    def handle(self, *args, case: str, case_id: int | None, narrative: int | None, sealed: bool, draft: bool,
               all_records: bool, out: Path, as_user: str | None, decide: list[str], accept_defaults: bool,
               **options) -> None:
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
        try:  # the roles first: a specialist asking for a filing hears that, not the filing checks
            case_require(case=found, user=user, action=CaseAction.DRAFT_EXPORT if draft else CaseAction.FILING)
        except PermissionDenied as refusal:
            raise CommandError(f"Export refused for {user.get_username()}. {refusal}") from refusal

        data = export_data(narrative=chosen, sealed=sealed, all_records=all_records)
        items = filing_items(data=data, case=found)
        decisions = self._decisions(decide, items, accept_defaults=accept_defaults)
        for line in describe(items, decisions):
            self.stdout.write(f"Filing decision: {line}")
        missing = undecided(items, decisions)
        if missing and not sealed:
            raise CommandError(
                "Export refused. Decide how these are filed (or pass --accept-defaults): "
                + "; ".join(f"{item.key} ({item.what}; choices: {', '.join(item.choices)})" for item in missing)
            )
        redactions = {}
        problems = filing_checks(data=data, case=found, settings=export_settings_for(case=found))
        if problems:
            listing = "\n".join(f"  {n}. {p.message}" for n, p in enumerate(problems, 1))
            if not draft:
                raise CommandError(f"Not ready to file ({len(problems)} filing checks fail):\n{listing}\n"
                                   "Fix them, or pass --draft for a watermarked draft.")
            self.stdout.write(f"Filing checks that fail (exporting a DRAFT):\n{listing}")
        else:
            self.stdout.write("Filing checks: all pass.")
        if not sealed:
            findings = privacy_findings(data=data, case=found)
            redactions = redactions_from_findings(item.finding for item in findings)
            self.stdout.write(f"Privacy pass ({data.document.privacy_label}): {len(findings)} findings reduced.")
        try:
            export = export_create(narrative=chosen, actor=Actor(user=user), sealed=sealed, all_records=all_records,
                                   redactions=redactions, draft=draft, decisions=decisions)
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

    @staticmethod
    def _decisions(given: list[str], items, *, accept_defaults: bool) -> dict[str, str]:
        known = {item.key: item for item in items}
        decisions: dict[str, str] = {}
        for entry in given:
            key, _, choice = entry.partition("=")
            key, choice = key.strip(), choice.strip()
            if key not in known:
                listed = ", ".join(known) or "none for this export"
                raise CommandError(f"--decide {entry!r}: no such filing decision (this export has: {listed}).")
            if choice not in known[key].choices:
                raise CommandError(f"--decide {entry!r}: choose one of {', '.join(known[key].choices)}.")
            decisions[key] = choice
        if accept_defaults:
            decisions = {**safe_decisions(items), **decisions}
        return decisions
