"""Court exports: the privacy pass, the refusal of withheld facts, and producing the files in the background.

What an export contains is assembled in `assemble.py`; the services that hand out privileged material take an
`actor` and write the audit entry."""

from __future__ import annotations

import contextlib
import hashlib
import logging
from dataclasses import dataclass

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction

from audit.models import AuditEntry
from audit.services import Actor, audit_record
from cases.models import Case
from cases.roles import CaseAction, case_require
from common.jobs import job_fail, job_finish, job_queue, job_start
from common.storage import stored_file_local_copy
from exports.assemble import ExportData, bates_prefix_for, export_data, export_settings_for
from exports.checks import filing_checks
from exports.filing import exhibits_as_decided, filing_items, undecided
from exports.models import CaseExportSettings, Export
from exports.privacy import KIND_LABELS, Finding, find_private_data, propose_minors
from exports.redaction import document_text, redact_document
from exports.tasks import EXPORT_RENDERING
from narratives.models import Narrative, TimelineEvent

logger = logging.getLogger(__name__)


class ExportRefused(Exception):
    """An export that must not be produced; the message names what to fix."""

    def __init__(self, message: str, *, events: tuple[TimelineEvent, ...] = (), problems: tuple = ()) -> None:
        super().__init__(message)
        self.message = message
        self.events = events
        self.problems = problems  # the filing checks that failed (exports.checks.FilingProblem)


@dataclass(frozen=True, slots=True)
class PrivacyFinding:
    where: str  # "the narrative" or "Ex. C, page 4"
    finding: Finding
    document_id: int | None = None  # the record page it is on, to show it there
    page: int | None = None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.finding.kind, self.finding.kind)


def _minors(settings: CaseExportSettings) -> list[str]:
    return [line.strip() for line in settings.minors.splitlines() if line.strip()]


def minors_for(*, data: ExportData, case: Case) -> list[str]:
    """The minors an export reduces: those named in the filing settings, and those the records and the narrative
    show to be minors today (a son or daughter named, a name with an age or birth year under 18), proposed
    across the whole case so a child named with an age on one page is found by name on every other."""
    named = _minors(export_settings_for(case=case))
    texts = [document_text(data.document), *(text for exhibit in data.exhibits for text in exhibit.page_texts)]
    proposed = {name: None for text in texts for name in propose_minors(text, adults=[case.client_name])}
    return list(dict.fromkeys([*named, *proposed]))


def privacy_findings(*, data: ExportData, case: Case) -> list[PrivacyFinding]:
    """Everything Rule 49.1 reduces, in the narrative and in every exhibit page, with where it is."""
    minors = minors_for(data=data, case=case)
    dobs = [case.client_dob] if case.client_dob else []
    found = [
        PrivacyFinding("the narrative", f)
        for f in find_private_data(document_text(data.document), minors=minors, known_dobs=dobs)
    ]
    for exhibit in data.exhibits:
        for number, text in enumerate(exhibit.page_texts, 1):
            found += [
                PrivacyFinding(f"Ex. {exhibit.letter}, page {number}", f, exhibit.document_id, number)
                for f in find_private_data(text, minors=minors, known_dobs=dobs)
            ]
    return found


def refusal_of(data: ExportData) -> ExportRefused | None:
    """Why this narrative cannot go to court as it is, or None."""
    if data.withheld_events:
        names = "; ".join(f"“{e.summary[:80]}” ({e.date or 'undated'})" for e in data.withheld_events)
        return ExportRefused(
            f"The narrative cites facts the client withheld, so it cannot be exported: {names}. "
            "Remove those citations (and what they support) or record the client's new decision on the timeline.",
            events=data.withheld_events,
        )
    if data.missing_events:
        return ExportRefused(
            f"The narrative cites {len(data.missing_events)} event(s) that no longer exist on the timeline. "
            "Remove or replace those citations before exporting."
        )
    if not data.document.sections:
        return ExportRefused("The narrative has no text yet; write or assemble its sections before exporting.")
    return None


# What Rule 49.1 reduces without exception and the pass finds by shape and label: a public filing may never drop
# one. Minors' names and home addresses can be false positives (a letterhead, a namesake), so a person may.
REQUIRED_KINDS = frozenset({"ssn", "taxpayer_id", "birth_date", "financial_account"})


def floor_refusal(*, data: ExportData, case: Case, redactions: dict[str, str] | None) -> ExportRefused | None:
    """Why a public export must not go out with these reductions, or None: decisions missing, or a required
    finding dropped. Checked on the server, whatever the form or the script sent."""
    if redactions is None:
        return ExportRefused(
            "A public export needs the privacy review's decisions: review the findings (or export under seal)."
        )
    dropped = [
        item for item in privacy_findings(data=data, case=case)
        if item.finding.kind in REQUIRED_KINDS and item.finding.text.strip()
        and " ".join(item.finding.text.split()) not in {" ".join(k.split()) for k in redactions}
    ]
    if dropped:
        places = "; ".join(
            f"{item.finding.kind.replace('_', ' ')} in {item.where}" for item in dropped[:5]
        ) + ("; …" if len(dropped) > 5 else "")
        return ExportRefused(
            f"A public filing must reduce every social-security, taxpayer and account number and every full birth "
            f"date, but {len(dropped)} would be left in full ({places}). Keep those reductions, or export under seal."
        )
    return None


def decisions_refusal(*, data: ExportData, case: Case, decisions: dict[str, str] | None) -> ExportRefused | None:
    """Why a public export must wait for filing decisions (exports/filing.py), or None."""
    missing = undecided(filing_items(data=data, case=case), decisions or {})
    if not missing:
        return None
    listed = "; ".join(
        f"Ex. {item.letter}{f', page {item.page}' if item.kind == 'withheld' else ''}: {item.what}"
        for item in missing[:5]
    ) + ("; …" if len(missing) > 5 else "")
    return ExportRefused(
        f"{len(missing)} filing decision(s) are not made yet ({listed}). Decide how each is filed before a public "
        "export."
    )


@transaction.atomic
def export_create(
    *, narrative: Narrative, actor: Actor, sealed: bool, all_records: bool = False,
    redactions: dict[str, str] | None = None, decisions: dict[str, str] | None = None, draft: bool = False,
) -> Export:
    """Check the narrative can go to court, then queue its files (audited); raises ExportRefused naming the problem.

    `redactions` are the privacy findings the user kept (private text -> reduction); a sealed export has none.
    `decisions` settle the records with confidentiality notices and the pages stating withheld facts
    (exports/filing.py); a public export needs one for each. A draft (watermarked, not for filing) may be made by
    whoever drafts exports; filing versions, public or sealed, are the attorney's (cases/roles.py)."""
    case_require(case=narrative.case_id, user=actor.user,
                 action=CaseAction.DRAFT_EXPORT if draft else CaseAction.FILING)
    data = export_data(narrative=narrative, sealed=sealed, all_records=all_records)
    refusal = refusal_of(data)
    if refusal is None and not sealed:
        refusal = floor_refusal(data=data, case=narrative.case, redactions=redactions) or decisions_refusal(
            data=data, case=narrative.case, decisions=decisions
        )
    if refusal is not None:
        raise refusal
    problems = filing_checks(data=data, case=narrative.case, settings=export_settings_for(case=narrative.case))
    if problems and not draft:
        raise ExportRefused(
            "Not ready to file: " + " ".join(f"({n}) {p.message}" for n, p in enumerate(problems, 1))
            + " Fix these, or export a draft.",
            problems=tuple(problems),
        )
    items = filing_items(data=data, case=narrative.case)
    kept = {item.key: (decisions or {})[item.key] for item in items if (decisions or {}).get(item.key) in item.choices}
    export = Export.objects.create(
        case=narrative.case,
        narrative=narrative,
        section_versions={str(k): v for k, v in data.section_versions.items()},
        sealed=sealed,
        draft=draft,
        all_records=all_records,
        redactions={} if sealed else dict(redactions or {}),
        decisions=kept,
        requested_by=actor.user,
        step="Waiting for a worker",
    )
    audit_record(actor=actor, action=AuditEntry.Action.EXPORTED, case_id=export.case_id, target=export,
                 detail={"sealed": sealed, "draft": draft, "redactions": len(export.redactions), "decisions": kept})
    job_queue(EXPORT_RENDERING, key=export.pk)
    return export


SETTING_FIELDS = frozenset(
    field.name for field in CaseExportSettings._meta.get_fields() if field.concrete and field.name not in {"id", "case"}
)


@transaction.atomic
def export_settings_set(*, case: Case, **values) -> CaseExportSettings:
    """Set how a case's filings look and who signs them (only the fields of CaseExportSettings may be given)."""
    unknown = set(values) - SETTING_FIELDS
    if unknown:
        raise TypeError(f"not filing settings: {sorted(unknown)}")
    settings = export_settings_for(case=case)
    for name, value in values.items():
        setattr(settings, name, value)
    settings.full_clean()
    settings.save()
    return settings


def _progress(export_id: int, step: str, done: int) -> None:
    Export.objects.filter(pk=export_id).update(step=step, steps_done=done)


def export_render(*, export_id: int) -> bool:
    """Produce (or produce again) the files of one export; safe to run twice. Returns True when done."""
    from exports.packet import PacketExhibit, RedactionUnlocated, render_exhibit_packet
    from exports.render import render_docx, render_pdf

    export = Export.objects.select_related("narrative__case").filter(pk=export_id).first()
    if export is None:
        logger.warning("exports.export_missing", extra={"export_id": export_id})
        return False
    job_start(EXPORT_RENDERING, key=export.pk, steps_done=0)
    try:
        _progress(export.pk, "Building the document", 0)
        data = export_data(
            narrative=export.narrative, sealed=export.sealed, all_records=export.all_records,
            section_versions=export.section_versions, draft=export.draft,
        )
        refusal = refusal_of(data)
        if refusal is not None:  # consent can change between the request and the job
            raise refusal
        document = data.document if export.sealed else redact_document(data.document, export.redactions)
        _progress(export.pk, "Writing the Word document", 1)
        docx = render_docx(document)
        _progress(export.pk, "Writing the PDF", 2)
        pdf = render_pdf(document)
        _progress(export.pk, f"Assembling the exhibit packet ({sum(len(e.page_texts) for e in data.exhibits)} pages)", 3)
        settings = export_settings_for(case=export.case)
        with contextlib.ExitStack() as copies:  # the packet reads originals by path: local copies, then gone
            packet = render_exhibit_packet(
                [
                    PacketExhibit(
                        e.letter, e.description, copies.enter_context(stored_file_local_copy(e.stored_name)), e.kind,
                        e.page_texts, e.page_geometry,
                        copies.enter_context(stored_file_local_copy(e.rendition)) if e.rendition else None,
                        **changes,
                    )
                    for e, changes in exhibits_as_decided(
                        data=data, case=export.case, decisions=export.decisions, sealed=export.sealed
                    )
                ],
                bates_prefix=bates_prefix_for(case=export.case, settings=settings),
                redactions=None if export.sealed else export.redactions,
                title=f"Exhibits to {export.case.docket_number} ({'sealed' if export.sealed else 'public'})",
                made_at=export.created_at,
            )
    except ExportRefused as refusal:
        job_fail(EXPORT_RENDERING, key=export.pk, reason=refusal.message)
        return False
    except RedactionUnlocated as unlocated:
        job_fail(EXPORT_RENDERING, key=export.pk, reason=str(unlocated))
        return False
    except Exception:
        logger.exception("exports.render_failed", extra={"export_id": export_id})
        job_fail(EXPORT_RENDERING, key=export.pk,
                 reason="The files could not be produced because of an unexpected error. Try again; if it "
                 "fails again, tell your administrator the export number.")
        return False
    label = ("draft-" if export.draft else "") + ("sealed" if export.sealed else "public")
    stem = f"{export.case.docket_number}-{label}-{export.pk}".replace("/", "-")
    for field, content, suffix in (("docx_file", docx, "docx"), ("pdf_file", pdf, "pdf"), ("packet_file", packet.pdf, "exhibits.pdf")):
        old = getattr(export, field)
        if old:
            old.delete(save=False)  # a second run replaces its files instead of leaving orphans
        getattr(export, field).save(f"{stem}.{suffix}", ContentFile(content), save=False)
    export.docx_sha256 = hashlib.sha256(docx).hexdigest()
    export.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    export.packet_sha256 = hashlib.sha256(packet.pdf).hexdigest()
    export.packet_pages = packet.page_count
    export.save(update_fields=["docx_file", "pdf_file", "packet_file", "docx_sha256", "pdf_sha256", "packet_sha256",
                               "packet_pages"])
    job_finish(EXPORT_RENDERING, key=export.pk, step="Ready", steps_done=export.steps_total)
    logger.info("exports.export_done", extra={"export_id": export_id})
    return True


EXPORT_FILES = {"docx": "docx_file", "pdf": "pdf_file", "exhibits": "packet_file"}


def export_file_open(*, export: Export, kind: str, actor: Actor) -> File:
    """One file of a finished export ("docx", "pdf" or "exhibits"), open for reading; the download is audited.
    Raises FileNotFoundError when the export has no such file. Exports are for the people who make them."""
    case_require(case=export.case_id, user=actor.user, action=CaseAction.DRAFT_EXPORT, even_archived=True)  # a read
    stored = getattr(export, EXPORT_FILES[kind]) if kind in EXPORT_FILES else None
    if not stored:
        raise FileNotFoundError(kind)
    handle = stored.open("rb")
    audit_record(actor=actor, action=AuditEntry.Action.EXPORT_DOWNLOADED, case_id=export.case_id, target=export,
                 detail={"file": kind, "sealed": export.sealed})
    return handle


@transaction.atomic
def export_settings_update(*, case: Case, values: dict, actor: Actor) -> CaseExportSettings:
    """Change how the case's filings look and whom they name (the minors list drives the redaction): the attorney's."""
    case_require(case=case, user=actor.user, action=CaseAction.FILING)
    settings = export_settings_for(case=case)
    for name, value in values.items():
        setattr(settings, name, value)
    settings.full_clean()
    settings.save()
    return settings


def case_exports_destroy(*, case: Case, **_) -> dict[str, int]:
    """The case is being destroyed (cases.hooks.case_destroying): its exports' stored files (DOCX, PDF, exhibit
    packet), through the storage API, then the exports and the case's filing settings."""
    exports = list(Export.objects.filter(case=case))
    stored = 0
    for export in exports:
        for field_name in EXPORT_FILES.values():
            field = getattr(export, field_name)
            if field.name:
                field.storage.delete(field.name)
                stored += 1
    Export.objects.filter(case=case).delete()
    CaseExportSettings.objects.filter(case=case).delete()
    return {"exports": len(exports), "export files": stored}
