"""What extraction shows on the evidence app's pages: how finding each record's events went, and finding them again."""

from __future__ import annotations

from evidence.models import Document
from extraction.selectors import extractions_of


def record_events_column(*, documents: list[Document]) -> tuple[str, dict[int, str]]:
    """The case page's records table: "Events found: 3 proposed", "Waiting to find events", ... per record."""
    return "Events", {
        x.document_id: f"{x.get_status_display()}: {x.proposed} proposed" if x.status == x.Status.DONE
        else x.get_status_display()
        for x in extractions_of(documents=documents)
    }
