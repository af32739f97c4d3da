from django.urls import path

from narratives import views

app_name = "narratives"

urlpatterns = [
    path("", views.case_list_view, name="case_list"),
    path("cases/new/", views.case_create_view, name="case_create"),
    path("cases/<int:case_id>/", views.case_detail_view, name="case_detail"),
]
