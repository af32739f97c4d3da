from django.urls import path

from engagements import views

app_name = "engagements"

ENGAGEMENT = "cases/<int:case_id>/engagements/<int:engagement_id>/"

urlpatterns = [
    path("advocate/", views.dashboard_view, name="dashboard"),
    path("cases/<int:case_id>/engagements/", views.engagement_list_view, name="engagement_list"),
    path("cases/<int:case_id>/engagements/new/", views.engagement_create_view, name="engagement_create"),
    path("cases/<int:case_id>/engagements/import/", views.attendance_import_view, name="attendance_import"),
    path(ENGAGEMENT, views.engagement_detail_view, name="engagement_detail"),
    path(ENGAGEMENT + "edit/", views.engagement_update_view, name="engagement_update"),
    path(ENGAGEMENT + "status/", views.engagement_status_view, name="engagement_status"),
    path(ENGAGEMENT + "log/", views.log_add_view, name="log_add"),
    path(ENGAGEMENT + "log/<int:entry_id>/remove/", views.log_remove_view, name="log_remove"),
    path(ENGAGEMENT + "evidence/", views.evidence_attach_view, name="evidence_attach"),
    path(ENGAGEMENT + "follow/", views.engagement_follow_view, name="engagement_follow"),
    path("cases/<int:case_id>/goals/", views.goals_view, name="goals"),
    path("cases/<int:case_id>/goals/<int:goal_id>/<slug:action>/", views.goal_change_view, name="goal_change"),
    path("cases/<int:case_id>/collateral/", views.collateral_view, name="collateral"),
    path("cases/<int:case_id>/client-summary/", views.client_summary_view, name="client_summary"),
]
