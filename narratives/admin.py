from django.contrib import admin

from narratives.models import Case, CaseMembership


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
