from django.contrib import admin

from cases.admin import TeamOnlyAdmin
from evidence.models import Document


@admin.register(Document)
class DocumentAdmin(TeamOnlyAdmin):
    """Read-only: records change only through upload and the worker (deleting one here would leave its file on
    disk and nothing in the audit trail)."""

    list_display = ["original_name", "case", "status", "page_count", "uploaded_by", "uploaded_at"]
    list_filter = ["status", "file_kind", "record_type"]
    search_fields = ["original_name", "case__docket_number", "sha256"]
