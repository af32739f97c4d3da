from django.urls import path

from extraction import views

app_name = "extraction"

urlpatterns = [
    path("cases/<int:case_id>/review/", views.review_queue_view, name="review_queue"),
    path("cases/<int:case_id>/review/<int:candidate_id>/accept/", views.candidate_accept_view, name="candidate_accept"),
    path("cases/<int:case_id>/review/<int:candidate_id>/reject/", views.candidate_reject_view, name="candidate_reject"),
    path("cases/<int:case_id>/review/<int:candidate_id>/merge/", views.candidate_merge_view, name="candidate_merge"),
    path("cases/<int:case_id>/review/<int:candidate_id>/edit/", views.candidate_edit_view, name="candidate_edit"),
    path(
        "cases/<int:case_id>/records/<int:document_id>/pages/<int:number>/add-event/",
        views.event_add_from_page_view,
        name="event_add_from_page",
    ),
    path(
        "cases/<int:case_id>/records/<int:document_id>/find-events/",
        views.document_reextract_view,
        name="document_reextract",
    ),
]
