"""Deployment checks Django does not make itself (`manage.py check --deploy`)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def secret_key_is_set(app_configs, **kwargs) -> list[Error]:
    """Django only warns about a weak key; ours is published in the repository, so it is an error."""
    if settings.SECRET_KEY == settings.BUILT_IN_SECRET_KEY or not settings.SECRET_KEY:
        return [
            Error(
                "DJANGO_SECRET_KEY is not set: the built-in development key is public.",
                hint="Set DJANGO_SECRET_KEY to a long random value, e.g. "
                "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'.",
                id="operations.E001",
            )
        ]
    return []
