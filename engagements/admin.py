"""Read-only views for administrators on the case's team: engagements are changed in the app, through services
that keep their timeline events in step and write the audit trail."""

from django.contrib import admin

from cases.admin import TeamOnlyAdmin as ReadOnlyAdmin
from engagements.models import ClientGoal, CollateralFlag, Engagement


@admin.register(Engagement)
class EngagementAdmin(ReadOnlyAdmin):
    list_display = ["case", "service_type", "provider_name", "status", "followed", "origin", "updated_at"]
    list_filter = ["service_type", "status", "followed", "origin"]
    search_fields = ["case__docket_number", "provider_name"]


@admin.register(ClientGoal)
class ClientGoalAdmin(ReadOnlyAdmin):
    list_display = ["case", "priority", "text"]


@admin.register(CollateralFlag)
class CollateralFlagAdmin(ReadOnlyAdmin):
    list_display = ["case", "concern", "status", "share_in_narrative", "updated_at"]
    list_filter = ["concern", "status"]
