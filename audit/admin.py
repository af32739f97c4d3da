from django.contrib import admin

from audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: nobody changes or deletes the audit trail through the app."""

    list_display = ["at", "username", "action", "case_id", "object_type", "object_id", "ip_address"]
    list_filter = ["action"]
    search_fields = ["username", "object_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
