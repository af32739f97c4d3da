from django.urls import path

from narratives import editor_views, review_views, timeline_views

app_name = "narratives"

urlpatterns = [
    # The review of proposals, and events added by hand from a record page.
    path("cases/<int:case_id>/review/", review_views.review_queue_view, name="review_queue"),
    path("cases/<int:case_id>/review/<int:candidate_id>/accept/", review_views.candidate_accept_view, name="candidate_accept"),
    path("cases/<int:case_id>/review/<int:candidate_id>/reject/", review_views.candidate_reject_view, name="candidate_reject"),
    path("cases/<int:case_id>/review/<int:candidate_id>/merge/", review_views.candidate_merge_view, name="candidate_merge"),
    path("cases/<int:case_id>/review/decide/", review_views.candidate_bulk_view, name="candidate_bulk"),
    path("cases/<int:case_id>/review/<int:candidate_id>/unreject/", review_views.candidate_unreject_view,
         name="candidate_unreject"),
    path("cases/<int:case_id>/review/<int:candidate_id>/edit/", review_views.candidate_edit_view, name="candidate_edit"),
    path(
        "cases/<int:case_id>/records/<int:document_id>/pages/<int:number>/add-event/",
        review_views.event_add_from_page_view,
        name="event_add_from_page",
    ),
    # The timeline.
    path("cases/<int:case_id>/timeline/", timeline_views.timeline_view, name="timeline"),
    path(
        "cases/<int:case_id>/timeline/export.<str:format>",
        timeline_views.timeline_export_view,
        name="timeline_export",
    ),
    path("cases/<int:case_id>/events/<int:event_id>/", timeline_views.event_update_view, name="event_update"),
    path("cases/<int:case_id>/timeline/consent/", timeline_views.timeline_consent_view, name="timeline_consent"),
    path("cases/<int:case_id>/timeline/changes/", timeline_views.event_changes_view, name="event_changes"),
    path("cases/<int:case_id>/timeline/events/<int:event_id>/correct/", timeline_views.event_edit_view,
         name="event_edit"),
    path("cases/<int:case_id>/timeline/events/<int:event_id>/<slug:how>/", timeline_views.event_withdraw_view,
         name="event_withdraw"),
    path("cases/<int:case_id>/timeline/events/<int:event_id>/", timeline_views.timeline_event_view, name="timeline_event"),
    path(
        "cases/<int:case_id>/events/<int:event_id>/conflict/", timeline_views.event_conflict_view, name="event_conflict"
    ),
    path("cases/<int:case_id>/coverage/", timeline_views.coverage_view, name="coverage"),
    path("cases/<int:case_id>/coverage/<slug:category>/", timeline_views.domain_status_view, name="domain_status"),
    # Narratives and their sections.
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
