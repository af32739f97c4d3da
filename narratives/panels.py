"""What narratives shows on the case's pages: the case page's work bar, a record's events waiting for review, and
"add as event" on a record page."""

from __future__ import annotations

from django.http import HttpRequest

from cases.models import Case
from evidence.models import Document
from extraction.selectors import candidate_counts, extraction_of


def case_tools(*, request: HttpRequest, case: Case, **_) -> dict:
    return {"review_counts": candidate_counts(case=case), "event_count": case.timeline_events.count()}


def record_review_status(*, request: HttpRequest, case: Case, document: Document, **_) -> dict:
    """A record's page: how finding its events went, and the way to review what was found."""
    return {"extraction": extraction_of(document=document)}
