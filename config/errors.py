"""Error pages that say what happened and how to go on, for errors raised before any view of ours runs."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


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
