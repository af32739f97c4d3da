import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402  (configured by get_wsgi_application)

if not settings.DEBUG and settings.SECRET_KEY == settings.BUILT_IN_SECRET_KEY:
    # Sessions and password-reset links are signed with this key: with the published one, anyone could forge them.
    raise ImproperlyConfigured(
        "Refusing to serve with the built-in secret key: set DJANGO_SECRET_KEY to a long random value."
    )
