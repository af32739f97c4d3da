from django.contrib import admin

from audit.models import AuditEntry
from audit.services import Actor, audit_record
from cases.models import Case, CaseMembership


class CaseMembershipInline(admin.TabularInline):
    model = CaseMembership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["docket_number", "client_name", "court", "stage", "updated_at"]
    list_filter = ["stage"]
    search_fields = ["docket_number", "client_name"]
    inlines = [CaseMembershipInline]
    readonly_fields = ["created_at", "updated_at"]

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is CaseMembership and formset.has_changed():
            changes = {
                "added": [m.user_id for m in formset.new_objects],
                "changed": [m.user_id for m, _fields in formset.changed_objects],
                "removed": [m.user_id for m in formset.deleted_objects],
            }
            # Django's admin saves the team itself (no service of ours), so it records the change here.
            audit_record(actor=Actor.from_request(request), action=AuditEntry.Action.TEAM_CHANGED,
                         case_id=form.instance.pk, target=form.instance, detail=changes)
