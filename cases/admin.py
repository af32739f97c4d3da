"""The admin site shows case data only to people on the case's team, and never changes or deletes it.

Cases, teams, records and the rest change in the app, through services that check roles, remove stored files
and write the audit trail; an admin form would do none of that. A superuser outside a team sees none of its
cases, as in the app."""

from django.contrib import admin

from cases.models import Case


class TeamOnlyAdmin(admin.ModelAdmin):
    """Read-only, and only rows of cases on whose team the signed-in person is. `team_lookup` leads from the
    model to the team's users."""

    team_lookup = "case__memberships__user"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(**{self.team_lookup: request.user}).distinct()

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(TeamOnlyAdmin):
    team_lookup = "memberships__user"
    list_display = ["docket_number", "client_name", "court", "stage", "updated_at"]
    list_filter = ["stage"]
    search_fields = ["docket_number", "client_name"]
