from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from cases.models import Case
from extraction.models import DocumentExtraction, EventCandidate


def candidate_queue(*, case: Case, group: str = "record") -> QuerySet[EventCandidate]:
    """The case's pending proposals, grouped by record (in page order) or by category."""
    pending = EventCandidate.objects.pending().filter(document__case=case).select_related("document")
    if group == "category":
        return pending.order_by("category", "-confidence", "document_id", "start")
    return pending.order_by("document__uploaded_at", "document_id", "start")


def candidate_get(*, case: Case, candidate_id: int) -> EventCandidate | None:
    """A proposal of this case only: ids from another case are not found."""
    return EventCandidate.objects.filter(document__case=case, pk=candidate_id).select_related("document").first()


def candidate_counts(*, case: Case) -> dict[str, int]:
    counts = EventCandidate.objects.filter(document__case=case).aggregate(
        pending=Count("pk", filter=Q(review_status=EventCandidate.ReviewStatus.PENDING)),
        accepted=Count("pk", filter=Q(review_status=EventCandidate.ReviewStatus.ACCEPTED)),
        merged=Count("pk", filter=Q(review_status=EventCandidate.ReviewStatus.MERGED)),
        rejected=Count("pk", filter=Q(review_status=EventCandidate.ReviewStatus.REJECTED)),
    )
    return counts


def extraction_of(*, document) -> DocumentExtraction | None:
    """How finding the record's events went, or None when it was never started."""
    return DocumentExtraction.objects.filter(document=document).first()


def extractions_of(*, documents) -> list[DocumentExtraction]:
    return list(DocumentExtraction.objects.filter(document__in=documents))
