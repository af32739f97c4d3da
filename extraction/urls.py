from django.urls import path

from extraction import views

app_name = "extraction"

urlpatterns = [
    path(
        "cases/<int:case_id>/records/<int:document_id>/find-events/",
        views.document_reextract_view,
        name="document_reextract",
    ),
]
