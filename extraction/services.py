"""Writes of the extraction app: proposals (event candidates) from a record's pages, and their review marks.

Extraction only proposes: the review (narratives) decides, and tells this app through `candidate_mark_reviewed`."""

from __future__ import annotations

import bisect
import logging
from itertools import accumulate

from django.db import transaction
from django.utils import timezone

from common.jobs import job_fail, job_finish, job_queue, job_start
from evidence.models import Document
from evidence.selectors import document_extracted_text, document_get
from extraction.confidence import STORED_FLOOR
from extraction.models import DocumentExtraction, EventCandidate
from extraction.pipeline.events import find_events
from extraction.pipeline.types import PAGE_SEPARATOR, ExtractedText, FoundEvent
from extraction.tasks import EVENT_FINDING

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
        cue=event.cue[:100],
    )


def _overlaps(a: EventCandidate, b: EventCandidate) -> bool:
    return a.start < b.end and b.start < a.end


def queue_extraction(*, document_id: int) -> None:
    """Mark a record's events as waiting to be found and start the job once the row is committed."""
    job_queue(EVENT_FINDING, key=document_id)


def document_extract(*, document_id: int) -> int:
    """(Re)build the pending proposals of one record from its pages; safe to run twice.

    Reviewed candidates (accepted, merged, rejected) are never touched, and a proposal for a span
    that a person already reviewed in the same category is not made again. Returns the proposals made."""
    document = document_get(document_id=document_id)
    if document is None:
        logger.warning("extraction.document_missing", extra={"document_id": document_id})
        return 0
    if document.status != Document.Status.READY:
        logger.info("extraction.document_not_ready", extra={"document_id": document_id})
        return 0
    job_start(EVENT_FINDING, key=document.pk)
    pages = document_extracted_text(document=document)
    record = ExtractedText(path=document.original_name, pages=pages)
    try:
        # everything down to the floor is kept: the queue shows what reaches the model's threshold and a
        # reviewer who wants recall first can look lower without the record being read again
        events = find_events(record, dob=document.case.client_dob, threshold=STORED_FLOOR)
    except Exception:
        logger.exception("extraction.failed", extra={"document_id": document_id})
        job_fail(EVENT_FINDING, key=document.pk,
                 reason="Finding events in this record failed unexpectedly. Its pages are still available; "
                 "try again later, or add its events by hand from the page view.")
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
        job_finish(EVENT_FINDING, key=document.pk, proposed=len(fresh))
    logger.info("extraction.document_done", extra={"document_id": document_id, "proposed": len(fresh)})
    return len(fresh)


def candidate_mark_reviewed(*, candidate: EventCandidate, review_status: str, reviewed_by) -> EventCandidate:
    """Record a person's decision on a proposal (called by the review, in narratives, that acts on it)."""
    candidate.review_status = review_status
    candidate.reviewed_by = reviewed_by
    candidate.reviewed_at = timezone.now()
    candidate.save(update_fields=["review_status", "reviewed_by", "reviewed_at"])
    return candidate


def record_proposals_remove(*, document: Document, **_) -> dict[str, int]:
    """A record is being removed: its proposals go with it, reviewed or not (the facts made from them keep their
    own copy of what they say). Returns how many waited for review, for the audit entry."""
    waiting = EventCandidate.objects.pending().filter(document=document).count()
    EventCandidate.objects.filter(document=document).delete()
    DocumentExtraction.objects.filter(document=document).delete()
    return {"proposals_removed": waiting}


def case_proposals_destroy(*, case, **_) -> dict[str, int]:
    """The case is being destroyed (cases.hooks.case_destroying): every proposal found in its records goes."""
    proposals = EventCandidate.objects.filter(document__case=case)
    count = proposals.count()
    proposals.delete()
    DocumentExtraction.objects.filter(document__case=case).delete()
    return {"proposals": count}


def candidate_reopen(*, candidate: EventCandidate) -> EventCandidate:
    """Put a reviewed proposal back in the queue, undecided (called by the review, in narratives, when a person
    undoes a rejection or sends an accepted fact back)."""
    candidate.review_status = EventCandidate.ReviewStatus.PENDING
    candidate.reviewed_by = None
    candidate.reviewed_at = None
    candidate.save(update_fields=["review_status", "reviewed_by", "reviewed_at"])
    return candidate
