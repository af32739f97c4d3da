"""Court exports: the privacy pass, the refusal of withheld facts, and producing the files in the background.

What an export contains is assembled in `assemble.py`; the services that hand out privileged material take an
`actor` and write the audit entry."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction

from audit.models import AuditEntry
from audit.services import Actor, audit_record
from cases.models import Case
from cases.roles import CaseAction, case_require
from common.jobs import job_fail, job_finish, job_queue, job_start
from exports.assemble import ExportData, bates_prefix_for, export_data, export_settings_for
from exports.models import CaseExportSettings, Export
from exports.privacy import Finding, find_private_data
from exports.redaction import document_text, redact_document
from exports.tasks import EXPORT_RENDERING
from narratives.models import Narrative, TimelineEvent

logger = logging.getLogger(__name__)


class ExportRefused(Exception):
    """An export that must not be produced; the message names what to fix."""

    def __init__(self, message: str, *, events: tuple[TimelineEvent, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.events = events


@dataclass(frozen=True, slots=True)
class PrivacyFinding:
    where: str  # "the narrative" or "Ex. C, page 4"
    finding: Finding


def _minors(settings: CaseExportSettings) -> list[str]:
    return [line.strip() for line in settings.minors.splitlines() if line.strip()]


def privacy_findings(*, data: ExportData, case: Case) -> list[PrivacyFinding]:
    """Everything Rule 49.1 reduces, in the narrative and in every exhibit page, with where it is."""
    settings = export_settings_for(case=case)
    minors = _minors(settings)
    dobs = [case.client_dob] if case.client_dob else []
    found = [
        PrivacyFinding("the narrative", f)
        for f in find_private_data(document_text(data.document), minors=minors, known_dobs=dobs)
    ]
    for exhibit in data.exhibits:
        for number, text in enumerate(exhibit.page_texts, 1):
            found += [
                PrivacyFinding(f"Ex. {exhibit.letter}, page {number}", f)
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


@transaction.atomic
def export_create(
    *, narrative: Narrative, actor: Actor, sealed: bool, all_records: bool = False,
    redactions: dict[str, str] | None = None, draft: bool = False,
) -> Export:
    """Check the narrative can go to court, then queue its files (audited); raises ExportRefused naming the problem.

    `redactions` are the privacy findings the user kept (private text -> reduction); a sealed export has none.
    A draft is redacted like the public version and labelled not for filing; filing versions are the attorney's."""
    if draft and sealed:
        raise ValidationError("A draft is never sealed: it is redacted like the public version.")
    case_require(case=narrative.case_id, user=actor.user,
                 action=CaseAction.DRAFT_EXPORT if draft else CaseAction.FILING)
    data = export_data(narrative=narrative, sealed=sealed, all_records=all_records)
    refusal = refusal_of(data)
    if refusal is not None:
        raise refusal
    export = Export.objects.create(
        case=narrative.case,
        narrative=narrative,
        section_versions={str(k): v for k, v in data.section_versions.items()},
        sealed=sealed,
        draft=draft,
        all_records=all_records,
        redactions={} if sealed else dict(redactions or {}),
        requested_by=actor.user,
        step="Waiting for a worker",
    )
    audit_record(actor=actor, action=AuditEntry.Action.EXPORTED, case_id=export.case_id, target=export,
                 detail={"sealed": sealed, "draft": draft, "redactions": len(export.redactions)})
    job_queue(EXPORT_RENDERING, key=export.pk)
    return export


def _progress(export_id: int, step: str, done: int) -> None:
    Export.objects.filter(pk=export_id).update(step=step, steps_done=done)


def export_render(*, export_id: int) -> bool:
    """Produce (or produce again) the files of one export; safe to run twice. Returns True when done."""
    from exports.packet import PacketExhibit, render_exhibit_packet
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
            section_versions=export.section_versions,
        )
        refusal = refusal_of(data)
        if refusal is not None:  # consent can change between the request and the job
            raise refusal
        document = data.document if export.sealed else redact_document(data.document, export.redactions)
        if export.draft:
            document = dataclasses.replace(document, draft=True)
        _progress(export.pk, "Writing the Word document", 1)
        docx = render_docx(document)
        _progress(export.pk, "Writing the PDF", 2)
        pdf = render_pdf(document)
        _progress(export.pk, f"Assembling the exhibit packet ({sum(len(e.page_texts) for e in data.exhibits)} pages)", 3)
        settings = export_settings_for(case=export.case)
        packet = render_exhibit_packet(
            [PacketExhibit(e.letter, e.description, e.path, e.kind, e.page_texts) for e in data.exhibits],
            bates_prefix=bates_prefix_for(case=export.case, settings=settings),
            redactions=None if export.sealed else export.redactions,
        )
    except ExportRefused as refusal:
        job_fail(EXPORT_RENDERING, key=export.pk, reason=refusal.message)
        return False
    except Exception:
        logger.exception("exports.render_failed", extra={"export_id": export_id})
        job_fail(EXPORT_RENDERING, key=export.pk,
                 reason="The files could not be produced because of an unexpected error. Try again; if it "
                 "fails again, tell your administrator the export number.")
        return False
    stem = f"{export.case.docket_number}-{export.purpose}-{export.pk}".replace("/", "-")
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
    case_require(case=export.case_id, user=actor.user, action=CaseAction.DRAFT_EXPORT)
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
