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
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import Actor, audit_record
from cases.models import Case
from cases.roles import CaseAction, case_require
from common.jobs import job_fail, job_finish, job_queue, job_start
from evidence.hooks import record_read
from evidence.models import Document, Page
from evidence.reading import RecordUnreadable, record_reader
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
    """Upload several records; one bad file never stops the others."""
    case_require(case=case, user=actor.user, action=CaseAction.UPLOAD)
    outcomes = []
    for file in files:
        try:
            document = document_upload(case=case, file=file, actor=actor, **metadata)
        except RecordRejected as rejection:
            outcomes.append(UploadOutcome(name=_display_name(file.name or ""), document=None, error=rejection.message))
        else:
            outcomes.append(UploadOutcome(name=document.original_name, document=document, error=None))
    return outcomes


def _fail(document_id: int, reason: str) -> None:
    job_fail(RECORD_READING, key=document_id, reason=reason)


def document_read_text(*, document_id: int) -> int:
    """(Re)build the pages of one record from its file; safe to run twice.

    Pages are written as they are read, so progress shows and a long record is never held in memory.
    Returns the number of pages read (0 when the record is gone or failed)."""
    document = Document.objects.filter(pk=document_id).first()
    if document is None:
        logger.warning("evidence.document_missing", extra={"document_id": document_id})
        return 0
    path = Path(document.file.path)
    # Counted before reading: a file that crashes the worker process never reaches the except clauses,
    # and acks_late would hand it to the next worker forever.
    Document.objects.filter(pk=document.pk).update(read_attempts=F("read_attempts") + 1)
    document.refresh_from_db(fields=["read_attempts"])
    if document.read_attempts > settings.RECORD_MAX_READ_ATTEMPTS:
        _fail(document_id, CRASHED_READER_FAILURE)
        logger.error("evidence.document_crashed_reader", extra={"document_id": document_id})
        return 0
    try:
        reader = record_reader()
        total = reader.page_count(path)
        with transaction.atomic():
            # Replace, never append: a redelivered message gives the same rows.
            document.pages.all().delete()
            job_start(RECORD_READING, key=document.pk, page_count=total, pages_done=0, processed_at=None)
        done = 0
        for page in reader.pages(path, ocr=settings.RECORD_OCR_ENABLED, ocr_dpi=settings.RECORD_OCR_DPI):
            with transaction.atomic():
                Page.objects.create(
                    document=document,
                    number=page.number,
                    text=page.text,
                    ocr_used=page.ocr_used,
                    ocr_confidence=page.ocr_confidence,
                )
                done = page.number
                Document.objects.filter(pk=document.pk).update(pages_done=done, page_count=max(total, done))
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


def document_retry(*, document: Document, actor: Actor) -> Document:
    """Queue a failed (or stuck) record to be read again from its stored original."""
    case_require(case=document.case_id, user=actor.user, action=CaseAction.UPLOAD)
    job_queue(RECORD_READING, key=document.pk, pages_done=0, read_attempts=0)
    document.refresh_from_db()
    return document


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
