"""The evidence app's panels: the records table and upload form on the case page, the search box on every case page."""

from __future__ import annotations

from django.http import HttpRequest

from cases.models import Case
from evidence.forms import DocumentUploadForm
from evidence.hooks import record_columns
from evidence.selectors import document_list


def records_panel(*, request: HttpRequest, case: Case, upload_form: DocumentUploadForm | None = None, **_) -> dict:
    documents = list(document_list(case=case))
    columns = record_columns(documents=documents)
    return {
        "column_titles": [title for title, _values in columns],
        "rows": [(document, [values.get(document.pk, "") for _title, values in columns]) for document in documents],
        "upload_form": upload_form or DocumentUploadForm(),
    }


def search_box(*, request: HttpRequest, case: Case, **_) -> dict:
    """The header's search box, holding the words searched for on the search page and on a page opened from it."""
    match = request.resolver_match
    searching = match is not None and match.app_name == "evidence"
    return {"search_text": request.GET.get("q", "") if searching else ""}
