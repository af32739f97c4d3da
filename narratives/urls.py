from django.urls import path

from narratives import timeline_views, views

app_name = "narratives"

urlpatterns = [
    path("", views.case_list_view, name="case_list"),
    path("cases/new/", views.case_create_view, name="case_create"),
    path("cases/<int:case_id>/", views.case_detail_view, name="case_detail"),
    path("cases/<int:case_id>/timeline/", timeline_views.timeline_view, name="timeline"),
    path(
        "cases/<int:case_id>/timeline/export.<str:format>",
        timeline_views.timeline_export_view,
        name="timeline_export",
    ),
    path("cases/<int:case_id>/events/<int:event_id>/", timeline_views.event_update_view, name="event_update"),
    path(
        "cases/<int:case_id>/events/<int:event_id>/conflict/", timeline_views.event_conflict_view, name="event_conflict"
    ),
    path("cases/<int:case_id>/coverage/", timeline_views.coverage_view, name="coverage"),
    path("cases/<int:case_id>/coverage/<slug:category>/", timeline_views.domain_status_view, name="domain_status"),
]
