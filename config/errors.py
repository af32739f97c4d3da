"""Error pages that say what happened and how to go on, for errors raised before any view of ours runs; and the
error report mailed to ADMINS, which leaves out the request's data."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400. Too many files in one upload is read (by the CSRF check) before the upload view could answer, so the
    advice to upload in batches is given here."""
    if isinstance(exception, TooManyFilesSent):
        message = (f"That was more than {settings.DATA_UPLOAD_MAX_NUMBER_FILES} files in one upload, so none were "
                   f"stored. Go back and upload them in batches of up to {settings.DATA_UPLOAD_MAX_NUMBER_FILES}.")
    elif isinstance(exception, TooManyFieldsSent):
        message = "The form sent more fields than the app accepts at once, so nothing was saved. Go back and send fewer."
    else:
        message = "The app could not read what the browser sent, so nothing was saved. Go back and try again."
    return render(request, "400.html", {"message": message}, status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403, saying why. A refusal may carry its own heading (an archived case is not a matter of role)."""
    return render(request, "403.html", {"exception": str(exception or ""),
                                        "heading": getattr(exception, "heading", "")}, status=403)


# Error reports (mail to ADMINS) must not carry what a client's record or a session holds: of a request only these
# headers and server variables are shown as they are; the rest, and every GET, POST, file and cookie value, is hidden.
REPORTED_META = {"REQUEST_METHOD", "PATH_INFO", "SCRIPT_NAME", "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL",
                 "CONTENT_TYPE", "CONTENT_LENGTH", "HTTP_HOST", "HTTP_USER_AGENT", "HTTP_ACCEPT", "REMOTE_ADDR",
                 "HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "wsgi.url_scheme"}


class PrivilegedExceptionReporterFilter(SafeExceptionReporterFilter):
    """Hides every request value (not only those marked sensitive) and the settings that hold credentials in URLs."""

    # Django's list, plus URLs and DSNs: DATABASE_URL-like values carry passwords in them.
    hidden_settings = re.compile("API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|URL|DSN|ADMINS", flags=re.I)

    def is_active(self, request) -> bool:
        return True  # the base filter only works with DEBUG off; a mailed report leaves the machine either way

    def get_post_parameters(self, request) -> dict:
        return {key: self.cleansed_substitute for key in request.POST} if request is not None else {}

    def get_safe_cookies(self, request) -> dict:
        return {key: self.cleansed_substitute for key in request.COOKIES} if request is not None else {}

    def get_safe_request_meta(self, request) -> dict:
        if request is None:
            return {}
        return {key: value if key in REPORTED_META else self.cleansed_substitute for key, value in request.META.items()}

    def get_traceback_frame_variables(self, request, tb_frame) -> list[tuple[str, str]]:
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]


class PrivilegedExceptionReporter(ExceptionReporter):
    """The report mailed to ADMINS: what failed and where (path, view, traceback), never the request's data."""

    def __init__(self, request, exc_type, exc_value, tb, is_email=False) -> None:
        super().__init__(request, exc_type, exc_value, tb, is_email)
        self.filter = PrivilegedExceptionReporterFilter()

    def get_traceback_data(self) -> dict:
        data = super().get_traceback_data()
        if self.request is not None:
            hidden = self.filter.cleansed_substitute
            # Query strings hold searches (record text); file names are often a client's name.
            data["request_GET_items"] = [(key, hidden) for key in self.request.GET]
            data["request_FILES_items"] = [(key, hidden) for key in self.request.FILES]
            data["request_insecure_uri"] = self.request.path
        return data
