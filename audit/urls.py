from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("cases/<int:case_id>/audit/", views.case_audit_view, name="case_audit"),
    path("cases/<int:case_id>/audit.csv", views.case_audit_csv_view, name="case_audit_csv"),
]
