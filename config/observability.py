"""Errors sent to Sentry when SENTRY_DSN is set (config/settings.py calls `sentry_init`), from the web processes and
the workers alike (the Django and Celery integrations).

The records are privileged: nothing a client's record or a session holds may leave for the error tracker. So no
personal data (send_default_pii off), no request bodies, no query strings (searches are record text), no cookies
or headers beyond a harmless few, and no local variables of the failing frames (they hold page text)."""

from __future__ import annotations

from typing import Any

KEPT_HEADERS = {"host", "user-agent", "content-type", "content-length", "x-forwarded-proto", "accept"}


def scrub_event(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """The event with the request reduced to its method, URL (no query) and harmless headers; what logging passed
    as `extra` keeps its ids but not the request object (its text would carry the query string)."""
    request = event.get("request")
    if isinstance(request, dict):
        headers = request.get("headers") or {}
        event["request"] = {
            "method": request.get("method"),
            "url": (request.get("url") or "").split("?", 1)[0],
            "headers": {key: value for key, value in headers.items() if key.lower() in KEPT_HEADERS},
        }
    extra = event.get("extra")
    if isinstance(extra, dict):
        extra.pop("request", None)
    for breadcrumb in (event.get("breadcrumbs") or {}).get("values", []):
        if isinstance(breadcrumb.get("data"), dict):
            breadcrumb["data"].pop("request", None)
    return event


def sentry_init(*, dsn: str, environment: str, release: str | None = None, traces_sample_rate: float = 0.0,
                transport: Any = None) -> None:
    """Start the Sentry SDK; `transport` replaces sending (tests record events instead)."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    options: dict[str, Any] = {}
    if transport is not None:
        options["transport"] = transport
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        traces_sample_rate=traces_sample_rate,  # off by default: spans would carry URLs and queries
        before_send=scrub_event,
        before_send_transaction=scrub_event,
        **options,
    )
