from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from audit.forms import ThrottledAdminAuthenticationForm, ThrottledAuthenticationForm

admin.site.login_form = ThrottledAdminAuthenticationForm

urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=ThrottledAuthenticationForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"
    ),
    # Every app's pages, in the layer order of README.md's architecture (their paths never overlap).
    path("", include("cases.urls", namespace="cases")),
    path("", include("evidence.urls", namespace="evidence")),
    path("", include("extraction.urls", namespace="extraction")),
    path("", include("narratives.urls", namespace="narratives")),
    path("", include("engagements.urls", namespace="engagements")),
    path("", include("exports.urls", namespace="exports")),
    path("", include("operations.urls", namespace="operations")),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
