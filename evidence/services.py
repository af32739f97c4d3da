"""Writes of the evidence app: storing uploaded records and reading their pages."""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import logging
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from evidence.models import Document, Page
from evidence.tasks import document_read_text as document_read_text_task
from extraction.pipeline.text import UnreadableRecord, check_record, iter_pages, page_count
from extraction.services import queue_extraction
from narratives.models import Case

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
    uploaded_by: AbstractBaseUser,
    record_type: str = "",
    source: str = "",
    date_received=None,
) -> Document:
    """Store an uploaded record and queue its reading once the row is committed.

    Raises RecordRejected (nothing stored) when the file is not a record we can read."""
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
            kind = check_record(
                path,
                max_bytes=settings.RECORD_MAX_BYTES,
                max_pages=settings.RECORD_MAX_PAGES,
                max_unzipped_bytes=settings.RECORD_MAX_UNZIPPED_BYTES,
            )
        except UnreadableRecord as error:
            raise RecordRejected(error.message) from error

    document = Document(
        case=case,
        original_name=name,
        file_kind=kind.value,
        size_bytes=file.size,
        sha256=sha256,
        record_type=record_type,
        source=source,
        date_received=date_received,
        uploaded_by=uploaded_by,
    )
    document.file.save(name, file, save=False)
    try:
        with transaction.atomic():
            document.full_clean(exclude=["file"])
            document.save()
            document_read_text_task.delay_on_commit(document.pk)  # a worker must never see an uncommitted row
    except IntegrityError:
        # Two uploads of the same file raced past the duplicate check: keep the first one only.
        document.file.delete(save=False)
        raise DuplicateRecord(Document.objects.get(case=case, sha256=sha256)) from None
    except BaseException:
        document.file.delete(save=False)  # nothing half-saved: no file without its row
        raise
    logger.info("evidence.document_uploaded", extra={"document_id": document.pk, "case_id": case.pk})
    return document


def documents_upload(
    *, case: Case, files: list[File], uploaded_by: AbstractBaseUser, **metadata
) -> list[UploadOutcome]:
    """Upload several records; one bad file never stops the others."""
    outcomes = []
    for file in files:
        try:
            document = document_upload(case=case, file=file, uploaded_by=uploaded_by, **metadata)
        except RecordRejected as rejection:
            outcomes.append(UploadOutcome(name=_display_name(file.name or ""), document=None, error=rejection.message))
        else:
            outcomes.append(UploadOutcome(name=document.original_name, document=document, error=None))
    return outcomes


def _fail(document_id: int, reason: str) -> None:
    Document.objects.filter(pk=document_id).update(status=Document.Status.FAILED, failure_reason=reason)


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
        total = page_count(path)
        with transaction.atomic():
            # Replace, never append: a redelivered message gives the same rows.
            document.pages.all().delete()
            Document.objects.filter(pk=document.pk).update(
                status=Document.Status.PROCESSING,
                failure_reason="",
                page_count=total,
                pages_done=0,
                processing_started_at=timezone.now(),
                processed_at=None,
            )
        done = 0
        for page in iter_pages(path, ocr=settings.RECORD_OCR_ENABLED, ocr_dpi=settings.RECORD_OCR_DPI):
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
    except UnreadableRecord as error:
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
        Document.objects.filter(pk=document.pk).update(
            status=Document.Status.READY, page_count=done, pages_done=done, processed_at=timezone.now()
        )
        queue_extraction(document_id=document.pk)  # the next link of the chain: finding events in the pages
    logger.info("evidence.document_read", extra={"document_id": document_id, "pages": done})
    return done


def document_retry(*, document: Document) -> Document:
    """Queue a failed (or stuck) record to be read again from its stored original."""
    with transaction.atomic():
        Document.objects.filter(pk=document.pk).update(
            status=Document.Status.QUEUED, failure_reason="", pages_done=0, read_attempts=0
        )
        document_read_text_task.delay_on_commit(document.pk)
    document.refresh_from_db()
    return document


def documents_requeue_stuck(*, older_than: datetime.timedelta) -> list[int]:
    """Queue again every record whose reading stopped without finishing (a killed worker, a lost message).

    Reading is idempotent, so a record that was in fact still being read is only read once more."""
    cutoff = timezone.now() - older_than
    stuck = list(
        Document.objects.filter(
            Q(status=Document.Status.PROCESSING, processing_started_at__lt=cutoff)
            | Q(status=Document.Status.QUEUED, uploaded_at__lt=cutoff, processing_started_at__isnull=True)
            | Q(status=Document.Status.QUEUED, processing_started_at__lt=cutoff)
        ).values_list("pk", flat=True)
    )
    for document_id in stuck:
        with transaction.atomic():
            Document.objects.filter(pk=document_id).update(status=Document.Status.QUEUED, processing_started_at=timezone.now())
            document_read_text_task.delay_on_commit(document_id)
        logger.warning("evidence.document_requeued", extra={"document_id": document_id})
    return stuck
