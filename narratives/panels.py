"""What narratives shows on the case's pages: the case page's work bar, each record's facts (accepted, waiting,
rejected) in the records table and on the record's page, and "add as event" on a record page and a search hit."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from cases.models import Case
from common.dates import describe_when
from evidence.hooks import RecordColumn
from evidence.models import Document
from extraction.models import DocumentExtraction, EventCandidate
from extraction.selectors import (
    candidate_counts,
    candidate_counts_by_document,
    candidates_of,
    extraction_of,
    extractions_of,
)
from narratives.selectors import event_counts_by_document, events_citing
from narratives.timeline import when


def case_tools(*, request: HttpRequest, case: Case, **_) -> dict:
    return {
        "review_counts": candidate_counts(case=case),
        "event_count": case.timeline_events.count(),
        "flagged_count": case.timeline_events.exclude(review_flag="").count(),
    }


def record_review_status(*, request: HttpRequest, case: Case, document: Document, **_) -> dict:
    """A record's page: how finding its events went, and the way to review what was found."""
    return {"extraction": extraction_of(document=document)}


def add_event_action(*, request: HttpRequest, case: Case, document_id: int, number: int, start: int, end: int, **_
                     ) -> tuple[str, str]:
    """A search hit: add the sentence holding it as an event citing its page (the form shows it first)."""
    url = reverse("narratives:event_add_from_page", kwargs={"case_id": case.pk, "document_id": document_id,
                                                            "number": number})
    return "Add as event", f"{url}?start={start}&end={end}"


def record_facts_column(*, documents: list[Document]) -> RecordColumn:
    """The records table's "Facts" cell: how finding the record's events is going, then its facts by review state."""
    extractions = {x.document_id: x for x in extractions_of(documents=documents)}
    candidates = candidate_counts_by_document(documents=documents)
    accepted = event_counts_by_document(documents=documents)
    values, busy = {}, set()
    for document in documents:
        extraction = extractions.get(document.pk)
        counts = candidates.get(document.pk, {"pending": 0, "rejected": 0})
        facts = f"{accepted.get(document.pk, 0)} accepted · {counts['pending']} waiting · {counts['rejected']} rejected"
        if extraction is not None and extraction.status == DocumentExtraction.Status.DONE:
            values[document.pk] = facts
        elif document.status == Document.Status.FAILED:
            values[document.pk] = ""  # never read: the status cell says why
        elif extraction is None or extraction.status in {DocumentExtraction.Status.QUEUED,
                                                         DocumentExtraction.Status.RUNNING}:
            busy.add(document.pk)
            values[document.pk] = extraction.get_status_display() if extraction else "Waiting to find events"
        else:
            values[document.pk] = f"{extraction.get_status_display()} · {facts}"
    return RecordColumn(title="Facts", values=values, busy=frozenset(busy))


def record_facts(*, request: HttpRequest, case: Case, document: Document, **_) -> dict:
    """A record's page: the facts it gave, accepted (timeline events citing it), waiting and rejected."""
    return {
        "accepted": [(event, when(event)) for event in events_citing(document=document)],
        "waiting": [(candidate, _when(candidate)) for candidate in
                    candidates_of(document=document, statuses=[EventCandidate.ReviewStatus.PENDING])],
        "rejected": [(candidate, _when(candidate)) for candidate in
                     candidates_of(document=document, statuses=[EventCandidate.ReviewStatus.REJECTED])],
    }


def _when(candidate: EventCandidate) -> str:
    return describe_when(date=candidate.date, date_end=candidate.date_end, age=candidate.age)
