"""The audit trail is written here and only here: entries are added, never changed."""

from __future__ import annotations

import datetime
import ipaddress

from django.conf import settings
from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from audit.models import AuditEntry


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address; behind a trusted proxy, the first address it forwarded."""
    if request is None:
        return None
    candidates = []
    if settings.SECURE_PROXY_SSL_HEADER:  # only then is there a proxy we trust to set X-Forwarded-For
        candidates.append(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[0].strip())
    candidates.append(request.META.get("REMOTE_ADDR", ""))
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


def audit_record(
    *,
    action: str,
    request: HttpRequest | None = None,
    user=None,
    username: str = "",
    case_id: int | None = None,
    obj: models.Model | None = None,
    detail: dict | None = None,
) -> AuditEntry:
    """Add one entry: who (the request's user unless given), when, from where, what."""
    if user is None and request is not None and getattr(request, "user", None) is not None and request.user.is_authenticated:
        user = request.user
    return AuditEntry.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        username=(user.get_username() if user is not None and user.is_authenticated else username)[:150],
        ip_address=client_ip(request),
        action=action,
        case_id=case_id,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        detail=detail or {},
    )


def recent_login_failures(*, username: str, ip: str | None, window: datetime.timedelta) -> int:
    since = timezone.now() - window
    failures = AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED, at__gte=since)
    by_name = failures.filter(username__iexact=username).count() if username else 0
    by_ip = failures.filter(ip_address=ip).count() if ip else 0
    return max(by_name, by_ip // 3)  # one address may serve an office: allow it more tries in all
