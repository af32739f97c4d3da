"""The evidence app's panels: the records table and upload form on the case page, the search box on every case page."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from cases.models import Case
from evidence.forms import DocumentsDetailsForm, DocumentUploadForm
from evidence.hooks import record_columns
from evidence.models import Document
from evidence.selectors import document_list


def records_panel(*, request: HttpRequest, case: Case, upload_form: DocumentUploadForm | None = None, **_) -> dict:
    documents = list(document_list(case=case))
    table = records_table(documents=documents)
    return {
        "column_titles": table.titles,
        "rows": [(row.document, row.cells, row.busy) for row in table.rows],
        "upload_form": upload_form or DocumentUploadForm(),
        "bulk_form": DocumentsDetailsForm(documents=case.documents.none(), auto_id="bulk-%s"),
    }


@dataclass(frozen=True, slots=True)
class RecordRow:
    document: Document
    cells: tuple[str, ...]  # the other apps' columns
    busy: bool  # still being read, or another app's work on it is under way: the page keeps polling it


@dataclass(frozen=True, slots=True)
class RecordsTable:
    titles: tuple[str, ...]
    rows: tuple[RecordRow, ...]


def records_table(*, documents: list[Document]) -> RecordsTable:
    """The records table's rows: each record with the cells the apps above add to it."""
    columns = record_columns(documents=documents)
    return RecordsTable(
        titles=tuple(column.title for column in columns),
        rows=tuple(
            RecordRow(
                document=document,
                cells=tuple(column.values.get(document.pk, "") for column in columns),
                busy=not document.is_finished or any(document.pk in column.busy for column in columns),
            )
            for document in documents
        ),
    )


def search_box(*, request: HttpRequest, case: Case, **_) -> dict:
    """The header's search box, holding the words searched for on the search page and on a page opened from it."""
    match = request.resolver_match
    searching = match is not None and match.app_name == "evidence"
    return {
        "search_text": request.GET.get("q", "") if searching else "",
        "on_search_page": match is not None and match.view_name == "evidence:case_search",  # it has its own box
    }
