from django.urls import path

from evidence import views

app_name = "evidence"

urlpatterns = [
    path("cases/<int:case_id>/search/", views.case_search_view, name="case_search"),
    path("cases/<int:case_id>/records/upload/", views.document_upload_view, name="document_upload"),
    path("cases/<int:case_id>/records/status/", views.records_status_view, name="records_status"),
    path("cases/<int:case_id>/records/details/", views.documents_details_view, name="documents_details"),
    path(
        "cases/<int:case_id>/records/<int:document_id>/details/", views.document_details_view, name="document_details"
    ),
    path("cases/<int:case_id>/records/<int:document_id>/remove/", views.document_remove_view, name="document_remove"),
    path("cases/<int:case_id>/records/<int:document_id>/", views.document_detail_view, name="document_detail"),
    path(
        "cases/<int:case_id>/records/<int:document_id>/status/", views.document_status_view, name="document_status"
    ),
    path(
        "cases/<int:case_id>/records/<int:document_id>/pages/<int:number>/",
        views.document_page_view,
        name="document_page",
    ),
    path(
        "cases/<int:case_id>/records/<int:document_id>/pages/<int:number>/picture.png",
        views.page_picture_view,
        name="page_picture",
    ),
    path(
        "cases/<int:case_id>/records/<int:document_id>/original/",
        views.document_original_view,
        name="document_original",
    ),
    path("cases/<int:case_id>/records/<int:document_id>/retry/", views.document_retry_view, name="document_retry"),
]
