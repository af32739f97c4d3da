from django.urls import path

from narratives import editor_views, timeline_views, views

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
    path("cases/<int:case_id>/timeline/events/<int:event_id>/", timeline_views.timeline_event_view, name="timeline_event"),
    path(
        "cases/<int:case_id>/events/<int:event_id>/conflict/", timeline_views.event_conflict_view, name="event_conflict"
    ),
    path("cases/<int:case_id>/coverage/", timeline_views.coverage_view, name="coverage"),
    path("cases/<int:case_id>/coverage/<slug:category>/", timeline_views.domain_status_view, name="domain_status"),
    path("cases/<int:case_id>/narratives/", editor_views.narrative_list_view, name="narrative_list"),
    path("cases/<int:case_id>/narratives/<int:narrative_id>/", editor_views.narrative_editor_view, name="narrative_editor"),
    path(
        "cases/<int:case_id>/narratives/<int:narrative_id>/assemble/",
        editor_views.narrative_assemble_view,
        name="narrative_assemble",
    ),
    path(
        "cases/<int:case_id>/narratives/<int:narrative_id>/sections/add/",
        editor_views.section_add_view,
        name="section_add",
    ),
    path(
        "cases/<int:case_id>/narratives/<int:narrative_id>/sections/<int:section_id>/save/",
        editor_views.section_save_view,
        name="section_save",
    ),
    path(
        "cases/<int:case_id>/narratives/<int:narrative_id>/sections/<int:section_id>/history/",
        editor_views.section_history_view,
        name="section_history",
    ),
    path(
        "cases/<int:case_id>/narratives/<int:narrative_id>/sections/<int:section_id>/restore/<int:number>/",
        editor_views.section_restore_view,
        name="section_restore",
    ),
    path(
        "cases/<int:case_id>/narratives/<int:narrative_id>/sections/<int:section_id>/<slug:action>/",
        editor_views.section_change_view,
        name="section_change",
    ),
]
