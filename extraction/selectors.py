from __future__ import annotations

from collections.abc import Collection

from django.db.models import Count, Q, QuerySet

from cases.models import Case
from extraction.models import DocumentExtraction, EventCandidate


def candidate_queue(
    *, case: Case, group: str = "record", min_confidence: float = 0.0, order: str = "position"
) -> QuerySet[EventCandidate]:
    """The case's pending proposals at or above ``min_confidence``, grouped by record (in page order) or by
    category; ``order="confidence"`` puts the surest first within each group."""
    pending = (
        EventCandidate.objects.pending()
        .filter(document__case=case, confidence__gte=min_confidence)
        .select_related("document")
    )
    if group == "category":
        within = ("-confidence", "document_id", "start") if order == "confidence" else ("document_id", "start")
        return pending.order_by("category", *within)
    within = ("-confidence", "start") if order == "confidence" else ("start",)
    return pending.order_by("document__uploaded_at", "document_id", *within)


def candidate_confidence_counts(*, case: Case, likely: float, possible: float) -> dict[str, int]:
    """Pending proposals by confidence in words: likely, possible, and below the threshold."""
    return EventCandidate.objects.pending().filter(document__case=case).aggregate(
        likely=Count("pk", filter=Q(confidence__gte=likely)),
        possible=Count("pk", filter=Q(confidence__gte=possible, confidence__lt=likely)),
        unlikely=Count("pk", filter=Q(confidence__lt=possible)),
    )


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


def candidate_counts_by_document(*, documents) -> dict[int, dict[str, int]]:
    """Per record: its proposals waiting for review and those rejected (accepted ones are the timeline's to count)."""
    rows = (
        EventCandidate.objects.filter(document__in=documents)
        .values("document_id")
        .annotate(
            pending=Count("pk", filter=Q(review_status=EventCandidate.ReviewStatus.PENDING)),
            rejected=Count("pk", filter=Q(review_status=EventCandidate.ReviewStatus.REJECTED)),
        )
    )
    return {row["document_id"]: {"pending": row["pending"], "rejected": row["rejected"]} for row in rows}


def candidates_of(*, document, statuses: Collection[str]) -> QuerySet[EventCandidate]:
    """A record's proposals in these review states, in reading order."""
    return EventCandidate.objects.filter(document=document, review_status__in=statuses).order_by("page", "page_start")


def candidates_rejected(*, case: Case) -> QuerySet[EventCandidate]:
    """The case's rejected proposals, the latest decision first (to undo one)."""
    return (EventCandidate.objects.filter(document__case=case, review_status=EventCandidate.ReviewStatus.REJECTED)
            .select_related("document", "reviewed_by").order_by("-reviewed_at", "-pk"))


def candidate_audit_names(*, object_type: str, ids: list[str]) -> dict[str, str]:
    """The audit log's names for proposals still in the app (registered with cases.hooks.audit_object_names): their
    category and record, not the record's words."""
    if object_type != "extraction.eventcandidate":
        return {}
    from extraction.pipeline.taxonomy import CATEGORY_CHOICES

    numbers = [int(i) for i in ids if i.isascii() and i.isdigit()]
    categories = dict(CATEGORY_CHOICES)
    return {str(pk): f"proposal no. {pk} ({categories.get(category, category)}) in record “{name}”"
            for pk, category, name in EventCandidate.objects.filter(pk__in=numbers)
            .values_list("pk", "category", "document__original_name")}
