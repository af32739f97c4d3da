"""What narratives shows on the case's pages: the case page's work bar, a record's events waiting for review, and
"add as event" on a record page."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from cases.models import Case
from evidence.models import Document
from extraction.selectors import candidate_counts, extraction_of


def case_tools(*, request: HttpRequest, case: Case, **_) -> dict:
    return {"review_counts": candidate_counts(case=case), "event_count": case.timeline_events.count()}


def record_review_status(*, request: HttpRequest, case: Case, document: Document, **_) -> dict:
    """A record's page: how finding its events went, and the way to review what was found."""
    return {"extraction": extraction_of(document=document)}


def add_event_action(*, request: HttpRequest, case: Case, document_id: int, number: int, start: int, end: int, **_
                     ) -> tuple[str, str]:
    """A search hit: add the sentence holding it as an event citing its page (the form shows it first)."""
    url = reverse("narratives:event_add_from_page", kwargs={"case_id": case.pk, "document_id": document_id,
                                                            "number": number})
    return "Add as event", f"{url}?start={start}&end={end}"
