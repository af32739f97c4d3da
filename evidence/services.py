"""Writes of the evidence app: storing uploaded records and reading their pages."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from PIL import Image

from audit.models import AuditEntry
from audit.services import Actor, audit_record
from cases.models import Case, CaseMembership
from cases.models import Case
from cases.roles import CaseAction, CaseArchived, case_require, standing_of
from common.jobs import job_fail, job_finish, job_queue, job_start
from common.storage import stored_file_local_copy, stored_folder_delete
from evidence import geometry
from evidence.archives import archive_members, is_archive
from evidence.hooks import record_read, record_removing
from evidence.models import Document, Page
from evidence.pictures import NoPicture, page_picture_png
from evidence.reading import RecordUnreadable, record_reader
from evidence.rendition import rendition_pdf
from evidence.search import SearchQuery
from evidence.selectors import SearchResults, record_search
from evidence.tasks import RECORD_READING

logger = logging.getLogger(__name__)

UNEXPECTED_FAILURE = (
    "The record could not be read because of an unexpected error. Try again with the Retry button; "
    "if it fails again, save the file again as PDF and upload that copy."
)
CRASHED_READER_FAILURE = (
    "Reading this record stopped the reader several times, so it was set aside to protect the other records. "
    "Print it to a new PDF (or ask the sender for another copy) and upload that file."
)
TOO_SLOW_FAILURE = (
    "Reading this record took longer than the time limit. Split it into smaller files "
    "(for example by section) and upload those."
)


class RecordRejected(Exception):
    """An upload that was not stored, with a message the uploader can act on."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DuplicateRecord(RecordRejected):
    def __init__(self, existing: Document) -> None:
        super().__init__(
            f"This file is already in the case as “{existing.original_name}” "
            f"(uploaded {timezone.localtime(existing.uploaded_at):%b %d, %Y}); it was not stored twice."
        )
        self.existing = existing


@dataclass(frozen=True, slots=True)
class UploadOutcome:
    name: str
    document: Document | None
    error: str | None
    existing: Document | None = None  # the copy already in the case, when the file was a duplicate


def sha256_of(file: File) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


@contextlib.contextmanager
def _on_disk(file: File) -> Iterator[Path]:
    """A path to the upload's bytes: content checks read files, not streams."""
    temporary_path = getattr(file, "temporary_file_path", None)
    if temporary_path is not None:
        yield Path(temporary_path())
        return
    with tempfile.NamedTemporaryFile(prefix="upload-", suffix=".bin") as copy:
        file.seek(0)
        shutil.copyfileobj(file, copy)
        copy.flush()
        file.seek(0)
        yield Path(copy.name)


def _display_name(name: str) -> str:
    """The name shown to people: no folders, no control characters, bounded length."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip() or "unnamed record"
    return cleaned[-200:]


def document_upload(
    *,
    case: Case,
    file: File,
    actor: Actor,
    record_type: str = "",
    source: str = "",
    date_received=None,
) -> Document:
    """Store an uploaded record (audited) and queue its reading once the row is committed.

    Raises RecordRejected (nothing stored) when the file is not a record we can read."""
    case_require(case=case, user=actor.user, action=CaseAction.UPLOAD)
    name = _display_name(file.name or "")
    if file.size == 0:
        raise RecordRejected("The file is empty (0 bytes). Check that the right file was chosen.")
    if file.size > settings.RECORD_MAX_BYTES:
        raise RecordRejected(
            f"The file is {file.size / 1_048_576:.0f} MB; the limit is "
            f"{settings.RECORD_MAX_BYTES / 1_048_576:.0f} MB. Split it into smaller files and upload those."
        )
    sha256 = sha256_of(file)
    existing = Document.objects.filter(case=case, sha256=sha256).first()
    if existing is not None:
        raise DuplicateRecord(existing)
    with _on_disk(file) as path:
        try:
            kind = record_reader().check(
                path,
                max_bytes=settings.RECORD_MAX_BYTES,
                max_pages=settings.RECORD_MAX_PAGES,
                max_unzipped_bytes=settings.RECORD_MAX_UNZIPPED_BYTES,
            )
        except RecordUnreadable as error:
            raise RecordRejected(error.message) from error

    document = Document(
        case=case,
        original_name=name,
        file_kind=kind,
        size_bytes=file.size,
        sha256=sha256,
        record_type=record_type,
        source=source,
        date_received=date_received,
        uploaded_by=actor.user,
    )
    document.file.save(name, file, save=False)
    try:
        with transaction.atomic():
            document.full_clean(exclude=["file"])
            document.save()
            audit_record(actor=actor, action=AuditEntry.Action.RECORD_UPLOADED, case_id=case.pk, target=document)
            job_queue(RECORD_READING, key=document.pk)
    except (IntegrityError, ValidationError) as error:
        # Two uploads of the same file raced past the duplicate check (full_clean sees the other row once it is
        # committed, the database's constraint before that): keep the first one only.
        document.file.delete(save=False)
        first = Document.objects.filter(case=case, sha256=sha256).first()
        if first is None:
            raise
        raise DuplicateRecord(first) from error
    except BaseException:
        document.file.delete(save=False)  # nothing half-saved: no file without its row
        raise
    logger.info("evidence.document_uploaded", extra={"document_id": document.pk, "case_id": case.pk})
    return document


def documents_upload(*, case: Case, files: list[File], actor: Actor, **metadata) -> list[UploadOutcome]:
    """Upload several records; one bad file never stops the others. A zip archive is opened and each record in it
    uploaded the same way (evidence/archives.py), with one outcome per file."""
    case_require(case=case, user=actor.user, action=CaseAction.UPLOAD)
    outcomes = []
    for file in files:
        if is_archive(file):
            archive = _display_name(file.name or "archive.zip")
            for member in archive_members(file, name=archive):
                if member.file is None:
                    outcomes.append(UploadOutcome(name=member.name, document=None, error=member.error))
                else:
                    outcomes.append(_upload_one(case, member.file, actor, metadata, shown=member.name))
            continue
        outcomes.append(_upload_one(case, file, actor, metadata, shown=_display_name(file.name or "")))
    return outcomes


def _upload_one(case: Case, file: File, actor: Actor, metadata: dict, *, shown: str) -> UploadOutcome:
    try:
        document = document_upload(case=case, file=file, actor=actor, **metadata)
    except RecordRejected as rejection:
        return UploadOutcome(name=shown, document=None, error=rejection.message,
                             existing=getattr(rejection, "existing", None))
    return UploadOutcome(name=shown, document=document, error=None)


def _fail(document_id: int, reason: str) -> None:
    job_fail(RECORD_READING, key=document_id, reason=reason)


def _read_pages(document: Document, path: Path) -> int:
    """Write the record's pages as they are read (progress shows; a long record is never held in memory)."""
    reader = record_reader()
    total = reader.page_count(path)
    with transaction.atomic():
        # Replace, never append: a redelivered message gives the same rows.
        document.pages.all().delete()
        job_start(RECORD_READING, key=document.pk, page_count=total, pages_done=0, processed_at=None)
    done = 0
    for page in reader.pages(path, ocr=settings.RECORD_OCR_ENABLED, ocr_dpi=settings.RECORD_OCR_DPI):
        measured = _measured(document, path, page)
        with transaction.atomic():
            Page.objects.create(
                document=document,
                number=page.number,
                text=page.text,
                ocr_used=page.ocr_used,
                ocr_confidence=page.ocr_confidence,
                geometry=measured,
            )
            done = page.number
            Document.objects.filter(pk=document.pk).update(pages_done=done, page_count=max(total, done))
    return done


def document_read_text(*, document_id: int) -> int:
    """(Re)build the pages of one record from its file; safe to run twice.

    Pages are written as they are read, so progress shows and a long record is never held in memory.
    Returns the number of pages read (0 when the record is gone or failed)."""
    document = Document.objects.filter(pk=document_id).first()
    if document is None:
        logger.warning("evidence.document_missing", extra={"document_id": document_id})
        return 0
    # Counted before reading: a file that crashes the worker process never reaches the except clauses,
    # and acks_late would hand it to the next worker forever.
    Document.objects.filter(pk=document.pk).update(read_attempts=F("read_attempts") + 1)
    document.refresh_from_db(fields=["read_attempts"])
    if document.read_attempts > settings.RECORD_MAX_READ_ATTEMPTS:
        _fail(document_id, CRASHED_READER_FAILURE)
        logger.error("evidence.document_crashed_reader", extra={"document_id": document_id})
        return 0
    try:
        with stored_file_local_copy(document.file.name, storage=document.file.storage) as path:
            done = _read_pages(document, path)
        if document.file_kind in (Document.FileKind.DOCX, Document.FileKind.TEXT):
            try:
                _draw_rendition(document)
            except (SoftTimeLimitExceeded, FileNotFoundError):
                raise
            except Exception:  # the record is read; its exhibits are drawn when first needed instead
                logger.exception("evidence.rendition_failed", extra={"document_id": document_id})
    except RecordUnreadable as error:
        _fail(document_id, error.message)
        logger.info("evidence.document_unreadable", extra={"document_id": document_id})
        return 0
    except SoftTimeLimitExceeded:
        _fail(document_id, TOO_SLOW_FAILURE)
        logger.warning("evidence.document_too_slow", extra={"document_id": document_id})
        return 0
    except FileNotFoundError:
        _fail(document_id, "The stored file is missing. Upload the record again.")
        logger.error("evidence.document_file_missing", extra={"document_id": document_id})
        return 0
    except Exception:
        _fail(document_id, UNEXPECTED_FAILURE)
        logger.exception("evidence.document_read_failed", extra={"document_id": document_id})
        return 0
    with transaction.atomic():
        job_finish(RECORD_READING, key=document.pk, page_count=done, pages_done=done)
        record_read(document_id=document.pk)  # the next link of the chain (extraction's: finding events)
    logger.info("evidence.document_read", extra={"document_id": document_id, "pages": done})
    return done


def _measured(document: Document, path: Path, page) -> dict:
    """The geometry of a page just read (evidence/geometry.py), or {} when it cannot be measured.

    Word and text records are measured on their rendition, once all their pages are read. A page that cannot be
    measured is still stored: reading must not fail for it, and the packet refuses to guess where its words are."""
    if document.file_kind not in (Document.FileKind.PDF, Document.FileKind.IMAGE) or not page.text.strip():
        return {}
    try:
        if document.file_kind == Document.FileKind.PDF and not page.ocr_used:
            return geometry.pdf_page_geometry(path, page.number - 1, page.text).to_json()
        if document.file_kind == Document.FileKind.PDF:
            dpi = settings.RECORD_OCR_DPI
            picture = geometry.render_pdf_page(path, page.number - 1, dpi=dpi, grayscale=True)
        else:
            picture = geometry.image_frame(path, page.number - 1)
            dpi = geometry.image_dpi_of(path)
        try:
            return geometry.ocr_page_geometry(picture, page.text, dpi=dpi).to_json()
        finally:
            picture.close()
    except SoftTimeLimitExceeded:
        raise
    except Exception:
        logger.exception("evidence.page_geometry_failed", extra={"document_id": document.pk, "page": page.number})
        return {}


def _draw_rendition(document: Document) -> None:
    """Draw a Word or text record's pages once (evidence/rendition.py) and measure each page on that drawing."""
    pages = list(document.pages.order_by("number"))
    pdf = rendition_pdf([p.text for p in pages], kind=document.file_kind, name=document.original_name)
    old = document.rendition.name if document.rendition else ""
    document.rendition.save(f"{document.original_name}.pdf", ContentFile(pdf), save=False)
    Document.objects.filter(pk=document.pk).update(rendition=document.rendition.name)
    if old and old != document.rendition.name:
        document.rendition.storage.delete(old)  # a second reading replaces the drawing, leaves no orphan
    _files_delete(document.file.storage, _pictures_folder(document))  # pictures of the old drawing would not match
    with tempfile.NamedTemporaryFile(suffix=".pdf") as drawn:
        drawn.write(pdf)
        drawn.flush()
        for page in pages:
            try:
                measured = geometry.pdf_page_geometry(drawn.name, page.number - 1, page.text, source="rendition")
            except Exception:
                logger.exception(
                    "evidence.page_geometry_failed", extra={"document_id": document.pk, "page": page.number}
                )
                continue
            Page.objects.filter(pk=page.pk).update(geometry=measured.to_json())


def document_retry(*, document: Document, actor: Actor) -> Document:
    """Queue a failed (or stuck) record to be read again from its stored original."""
    case_require(case=document.case_id, user=actor.user, action=CaseAction.UPLOAD)
    job_queue(RECORD_READING, key=document.pk, pages_done=0, read_attempts=0)
    document.refresh_from_db()
    return document


# ---- a record's details, and its removal ------------------------------------------------------------------------

DETAILS = ("record_type", "source", "description", "dates_from", "dates_to", "date_received")
RECORD_REMOVERS = {CaseMembership.Role.ATTORNEY, CaseMembership.Role.MITIGATION_SPECIALIST}


@transaction.atomic
def document_details_update(*, document: Document, actor: Actor, **details) -> Document:
    """Change a record's details (type, source, description, dates): what the exhibit index prints. Audited with
    the names of the fields changed, not their values. ValidationError (nothing saved) if they do not fit."""
    case_require(case=document.case_id, user=actor.user, action=CaseAction.UPLOAD)
    unknown = set(details) - set(DETAILS)
    if unknown:
        raise TypeError(f"not a record detail: {', '.join(sorted(unknown))}")
    changed = sorted(name for name, value in details.items() if getattr(document, name) != value)
    if not changed:
        return document
    for name in changed:
        setattr(document, name, details[name])
    document.full_clean(exclude=["file"])
    document.save(update_fields=changed)
    audit_record(actor=actor, action=AuditEntry.Action.RECORD_DETAILS_CHANGED, case_id=document.case_id,
                 target=document, detail={"fields": changed})
    return document


@transaction.atomic
def documents_details_update(*, documents: list[Document], actor: Actor, **details) -> int:
    """Set the same details on several records of one case, all or none (ValidationError names the record that
    refused them). Returns how many records changed."""
    changed = 0
    for document in documents:
        before = {name: getattr(document, name) for name in details}
        try:
            document_details_update(document=document, actor=actor, **details)
        except ValidationError as error:
            raise ValidationError(f"{document.original_name}: {' '.join(error.messages)}") from error
        changed += before != {name: getattr(document, name) for name in details}
    return changed


@dataclass(frozen=True, slots=True)
class RecordRemoval:
    name: str
    pages: int
    counts: dict[str, int]  # what the apps above did: proposals removed, facts flagged, evidence links removed


def document_removal_allowed(*, document: Document, user) -> bool:
    standing = standing_of(case=document.case_id, user=user)
    return standing.role in RECORD_REMOVERS and not standing.archived


@transaction.atomic
def document_remove(*, document: Document, actor: Actor) -> RecordRemoval:
    """Remove a record from its case: its pages and proposals go, the facts citing it stay but are flagged for
    review (the apps above do that through `record_removing`), the stored file is deleted once the removal is
    committed, and the audit log keeps an entry. Only the case's attorney or mitigation specialist may."""
    if not document_removal_allowed(document=document, user=actor.user):
        if standing_of(case=document.case_id, user=actor.user).archived:
            raise CaseArchived()
        raise PermissionDenied("Only the case's attorney or mitigation specialist can remove a record.")
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.status == Document.Status.PROCESSING:
        raise ValidationError("This record is being read right now; remove it once reading has finished.")
    counts: dict[str, int] = {}
    for result in record_removing(document=document, actor=actor):
        for name, count in (result or {}).items():
            counts[name] = counts.get(name, 0) + count
    removal = RecordRemoval(name=document.original_name, pages=document.pages.count(), counts=counts)
    audit_record(actor=actor, action=AuditEntry.Action.RECORD_REMOVED, case_id=document.case_id, target=document,
                 detail={"pages": removal.pages, **counts})
    storage, stored_name, document_id = document.file.storage, document.file.name, document.pk
    pictures = _pictures_folder(document)
    document.delete()

    def delete_files() -> None:
        storage.delete(stored_name)
        _files_delete(storage, pictures)

    # The files go only once the rows are gone for good: a rolled-back removal keeps a record that opens.
    transaction.on_commit(delete_files)
    logger.info("evidence.document_removed", extra={"document_id": document_id, "case_id": document.case_id})
    return removal


def case_records_destroy(*, case: Case) -> dict[str, int]:
    """The case is being destroyed (cases.hooks.case_destroying): delete its records' stored files (originals,
    renditions, page pictures, and anything else left in the case's folders), then its records and their pages.
    Files first, through the storage API: see cases.services.case_destroy for why."""
    documents = list(case.documents.all())
    stored = 0
    for document in documents:
        for field in (document.file, document.rendition):
            if field.name:
                field.storage.delete(field.name)
                stored += 1
    storage = Document._meta.get_field("file").storage
    stored += stored_folder_delete(f"pictures/case-{case.pk}", storage=storage)
    stored += stored_folder_delete(f"records/case-{case.pk}", storage=storage)  # e.g. a rolled-back upload's file
    pages = Page.objects.filter(document__case=case).count()
    case.documents.all().delete()  # their pages go with them
    return {"records": len(documents), "pages": pages, "stored files": stored}


# ---- page pictures ----------------------------------------------------------------------------------------------


def page_picture_open(*, document: Document, number: int) -> File:
    """The picture (PNG) of a page of the record, drawn on its first view and kept for the next: the PDF page (a scan
    as scanned), the image, or for a Word or text record the page of its rendition, the page its exhibits copy and
    its geometry was measured on. The one place record pictures are drawn, so what the page view shows, what a
    finding is outlined on and where the geometry puts the words are the same page.

    NoPicture for a page the record does not have. Not audited: it is shown with the page, whose view is."""
    if not document.pages.filter(number=number).exists():
        raise NoPicture(f"record {document.pk} has no page {number}")
    storage = document.file.storage
    name = f"{_pictures_folder(document)}/page-{number}.png"
    if not storage.exists(name):
        drawn_from, kind = _picture_source(document)
        with stored_file_local_copy(drawn_from.name, storage=drawn_from.storage) as path:  # a bucket has no paths
            drawn = page_picture_png(path, kind=kind, number=number)
        saved = storage.save(name, ContentFile(drawn))
        if saved != name:  # drawn by two requests at once: keep the first, drop the copy
            storage.delete(saved)
        logger.info("evidence.page_picture_drawn", extra={"document_id": document.pk, "page": number})
    return storage.open(name, "rb")


def _picture_source(document: Document) -> tuple[FieldFile, str]:
    """The stored file a record's pages are drawn from, and its kind: a Word or text record's rendition (drawn now
    if it was read before renditions were kept, as reading draws it), otherwise the original."""
    if document.file_kind in (Document.FileKind.DOCX, Document.FileKind.TEXT):
        if not document.rendition:
            _draw_rendition(document)
        return document.rendition, Document.FileKind.PDF
    return document.file, document.file_kind


def _pictures_folder(document: Document) -> str:
    return f"pictures/case-{document.case_id}/record-{document.pk}"


def _files_delete(storage, folder: str) -> None:
    try:
        _folders, names = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in names:
        storage.delete(f"{folder}/{name}")


# ---- reads of privileged material: each is audited ------------------------------------------------------------


def document_view(*, document: Document, actor: Actor) -> QuerySet[Page]:
    """A record's pages, in order, for a person to read; the reading is audited."""
    case_require(case=document.case_id, user=actor.user, action=CaseAction.READ)
    audit_record(actor=actor, action=AuditEntry.Action.RECORD_VIEWED, case_id=document.case_id, target=document)
    return document.pages.order_by("number")


def page_view(*, document: Document, number: int, actor: Actor) -> Page:
    """One page of a record for a person to read (Page.DoesNotExist if it has none such); audited."""
    case_require(case=document.case_id, user=actor.user, action=CaseAction.READ)
    page = document.pages.get(number=number)
    audit_record(actor=actor, action=AuditEntry.Action.RECORD_PAGE_VIEWED, case_id=document.case_id,
                 target=document, detail={"page": page.number})
    return page


def document_original_open(*, document: Document, actor: Actor) -> File:
    """The stored original, open for reading (FileNotFoundError if it is gone); the download is audited."""
    case_require(case=document.case_id, user=actor.user, action=CaseAction.READ)
    handle = document.file.open("rb")
    audit_record(actor=actor, action=AuditEntry.Action.ORIGINAL_DOWNLOADED, case_id=document.case_id, target=document)
    return handle


def page_picture(*, document: Document, number: int, actor: Actor, width: int = 850):
    """A picture of one record page as filed (the kept picture of `page_picture_open`, at most `width` pixels wide:
    850 is a Letter page at 100 dpi) with the page and its geometry, for a person to see where something is;
    audited as a page view.

    Raises Page.DoesNotExist for a page the record does not have, NoPicture when the file has no such page to
    draw, FileNotFoundError when the file is gone."""
    page = page_view(document=document, number=number, actor=actor)
    with page_picture_open(document=document, number=number) as handle:
        picture = Image.open(handle)
        picture.load()  # read before the handle closes
    if picture.width > width:
        picture.thumbnail((width, width * 10), Image.Resampling.LANCZOS)
    page.refresh_from_db(fields=["geometry"])  # a rendition drawn just now measured the page again
    return picture, page


def records_search(*, case: Case, query: SearchQuery, actor: Actor) -> SearchResults:
    """The case's pages holding the query, grouped by record; audited with counts only (the words searched for
    may name the client, and the log never holds record text)."""
    results = record_search(case=case, query=query)
    audit_record(actor=actor, action=AuditEntry.Action.RECORDS_SEARCHED, case_id=case.pk,
                 detail={"records": len(results.records), "pages": results.page_total})
    return results
