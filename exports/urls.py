from django.urls import path

from exports import views

app_name = "exports"

urlpatterns = [
    path("cases/<int:case_id>/narratives/<int:narrative_id>/export/", views.export_prepare_view, name="export_prepare"),
    path("cases/<int:case_id>/narratives/<int:narrative_id>/exports/", views.export_list_view, name="export_list"),
    path(
        "cases/<int:case_id>/narratives/<int:narrative_id>/export/pages/<int:document_id>/<int:number>/"
        "<int:start>-<int:end>.png",
        views.finding_picture_view,
        name="finding_picture",
    ),
    path(
        "cases/<int:case_id>/narratives/<int:narrative_id>/exports/<int:export_id>/status/",
        views.export_status_view,
        name="export_status",
    ),
    path(
        "cases/<int:case_id>/narratives/<int:narrative_id>/exports/<int:export_id>/<slug:kind>/",
        views.export_download_view,
        name="export_download",
    ),
]
