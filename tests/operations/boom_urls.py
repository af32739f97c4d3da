"""A URL that fails after reading a form, as a view with a bug would: for the error-report tests."""

from django.http import HttpRequest
from django.urls import path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt  # called through the WSGI application, which checks CSRF unlike the test client
def boom(request: HttpRequest):
    request.POST  # noqa: B018  (the body has been read, as any form view reads it)
    raise RuntimeError("boom: a bug in a view")


urlpatterns = [path("boom/", boom)]
