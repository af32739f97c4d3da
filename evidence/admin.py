from django.contrib import admin

from evidence.models import Document


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    """Read-only: records change only through upload and the worker, so nothing is lost by hand."""

    list_display = ["original_name", "case", "status", "page_count", "uploaded_by", "uploaded_at"]
    list_filter = ["status", "file_kind", "record_type"]
    search_fields = ["original_name", "case__docket_number", "sha256"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
