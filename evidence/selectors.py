from __future__ import annotations

from django.db.models import QuerySet

from evidence.models import Document, Page
from narratives.models import Case


def document_list(*, case: Case) -> QuerySet[Document]:
    return case.documents.select_related("uploaded_by", "extraction").order_by("uploaded_at", "pk")


def document_pages(*, document: Document) -> QuerySet[Page]:
    return document.pages.order_by("number")


def document_extracted_text(*, document: Document) -> tuple[str, ...]:
    """The record's page texts in page order, as the extraction pipeline reads them."""
    return tuple(document.pages.order_by("number").values_list("text", flat=True))
