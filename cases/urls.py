from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list_view, name="case_list"),
    path("cases/new/", views.case_create_view, name="case_create"),
    path("cases/<int:case_id>/", views.case_detail_view, name="case_detail"),
    path("cases/<int:case_id>/details/", views.case_details_view, name="case_details"),
    path("cases/<int:case_id>/archive/", views.case_archive_view, name="case_archive"),
    path("cases/<int:case_id>/team/", views.case_team_view, name="case_team"),
    path("cases/<int:case_id>/team/add/", views.case_member_add_view, name="case_member_add"),
    path("cases/<int:case_id>/team/<int:membership_id>/<str:action>/", views.case_member_change_view,
         name="case_member_change"),
    path("cases/<int:case_id>/audit/", views.case_audit_view, name="case_audit"),
    path("cases/<int:case_id>/audit.csv", views.case_audit_csv_view, name="case_audit_csv"),
]
