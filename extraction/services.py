"""Writes of the extraction app: proposals (event candidates) from a record's pages, and their review marks."""

from __future__ import annotations

import bisect
import logging
from itertools import accumulate

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from evidence.models import Document
from evidence.selectors import document_extracted_text
from extraction.models import DocumentExtraction, EventCandidate
from extraction.pipeline.events import find_events
from extraction.pipeline.types import PAGE_SEPARATOR, ExtractedText, FoundEvent

logger = logging.getLogger(__name__)


def _page_starts(pages: tuple[str, ...]) -> list[int]:
    """Offset in the joined text at which each page begins."""
    return [0, *accumulate(len(page) + len(PAGE_SEPARATOR) for page in pages[:-1])]


def candidate_row(document: Document, event: FoundEvent, page_starts: list[int], text: str) -> EventCandidate:
    page_index = max(0, bisect.bisect_right(page_starts, event.start) - 1)
    offset = page_starts[page_index]
    return EventCandidate(
        document=document,
        kind=event.kind,
        category=event.category,
        status=event.status or "",
        provider=(event.provider or "")[:200],
        date=event.date or "",
        date_end=event.date_end or "",
        age=event.age,
        subject=(event.subject or "client")[:60],
        start=event.start,
        end=event.end,
        page=page_index + 1,
        page_start=event.start - offset,
        page_end=event.end - offset,
        sentence=event.sentence,
        evidence=text[event.start : event.end],  # exactly the cited span, from the text itself
        confidence=event.confidence,
    )


def _overlaps(a: EventCandidate, b: EventCandidate) -> bool:
    return a.start < b.end and b.start < a.end


def queue_extraction(*, document_id: int) -> None:
    """Mark a record's events as waiting to be found and start the job once the row is committed."""
    from extraction.tasks import document_extract as document_extract_task

    DocumentExtraction.objects.update_or_create(
        document_id=document_id,
        defaults={"status": DocumentExtraction.Status.QUEUED, "failure_reason": "", "finished_at": None},
    )
    document_extract_task.delay_on_commit(document_id)


def document_extract(*, document_id: int) -> int:
    """(Re)build the pending proposals of one record from its pages; safe to run twice.

    Reviewed candidates (accepted, merged, rejected) are never touched, and a proposal for a span
    that a person already reviewed in the same category is not made again. Returns the proposals made."""
    document = Document.objects.select_related("case").filter(pk=document_id).first()
    if document is None:
        logger.warning("extraction.document_missing", extra={"document_id": document_id})
        return 0
    if document.status != Document.Status.READY:
        logger.info("extraction.document_not_ready", extra={"document_id": document_id})
        return 0
    DocumentExtraction.objects.update_or_create(
        document=document,
        defaults={"status": DocumentExtraction.Status.RUNNING, "started_at": timezone.now(), "failure_reason": ""},
    )
    pages = document_extracted_text(document=document)
    record = ExtractedText(path=document.original_name, pages=pages)
    try:
        events = find_events(record, dob=document.case.client_dob)
    except Exception:
        logger.exception("extraction.failed", extra={"document_id": document_id})
        DocumentExtraction.objects.filter(document=document).update(
            status=DocumentExtraction.Status.FAILED,
            failure_reason="Finding events in this record failed unexpectedly. Its pages are still available; "
            "try again later, or add its events by hand from the page view.",
            finished_at=timezone.now(),
        )
        return 0
    text = record.text
    page_starts = _page_starts(pages)
    rows = [candidate_row(document, event, page_starts, text) for event in events]
    with transaction.atomic():  # replace, never append: a redelivered message gives the same rows
        document.event_candidates.pending().delete()
        reviewed = list(document.event_candidates.reviewed().only("category", "start", "end"))
        fresh = [
            row for row in rows if not any(r.category == row.category and _overlaps(r, row) for r in reviewed)
        ]
        EventCandidate.objects.bulk_create(fresh)
        DocumentExtraction.objects.filter(document=document).update(
            status=DocumentExtraction.Status.DONE, proposed=len(fresh), finished_at=timezone.now()
        )
    logger.info("extraction.document_done", extra={"document_id": document_id, "proposed": len(fresh)})
    return len(fresh)


def candidate_mark_reviewed(
    *, candidate: EventCandidate, review_status: str, reviewed_by, timeline_event=None
) -> EventCandidate:
    """Record a person's decision on a proposal (called by the narratives services that act on it)."""
    candidate.review_status = review_status
    candidate.reviewed_by = reviewed_by
    candidate.reviewed_at = timezone.now()
    candidate.timeline_event = timeline_event
    candidate.save(update_fields=["review_status", "reviewed_by", "reviewed_at", "timeline_event"])
    return candidate


def extractions_requeue_stuck(*, older_than) -> list[int]:
    """Queue again event finding that stopped without finishing; it is idempotent."""
    from extraction.tasks import document_extract as document_extract_task

    cutoff = timezone.now() - older_than
    stuck = list(
        DocumentExtraction.objects.filter(
            status__in=[DocumentExtraction.Status.QUEUED, DocumentExtraction.Status.RUNNING]
        ).filter(Q(started_at__lt=cutoff) | Q(started_at__isnull=True, document__processed_at__lt=cutoff))
        .values_list("document_id", flat=True)
    )
    for document_id in stuck:
        DocumentExtraction.objects.filter(document_id=document_id).update(started_at=timezone.now())
        transaction.on_commit(lambda document_id=document_id: document_extract_task.delay(document_id))
        logger.warning("extraction.requeued", extra={"document_id": document_id})
    return stuck
