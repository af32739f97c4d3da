"""The evidence app's panel on the case page: the records table and the upload form."""

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
