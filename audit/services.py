"""The audit trail is written here and only here: entries are added, never changed.

Services write the entries (not views), each in the transaction of the change it records, so a change made in
a browser, by a management command or by the demo loader is audited the same way. `Actor` says who acted and
from where."""

from __future__ import annotations

import csv
import datetime
import io
import ipaddress
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from audit.models import AuditEntry


@dataclass(frozen=True, slots=True)
class Actor:
    """Who does something and from where: a signed-in person at a browser, or a command or the demo acting for a
    user (no address). Someone not signed in has no user, only the name they tried (a failed login)."""

    user: AbstractBaseUser | None
    ip_address: str | None = None
    username: str = ""

    @classmethod
    def from_request(cls, request: HttpRequest) -> Actor:
        user = getattr(request, "user", None)
        return cls(user=user if user is not None and user.is_authenticated else None, ip_address=client_ip(request))


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
    actor: Actor,
    action: str,
    case_id: int | None = None,
    target: models.Model | None = None,
    detail: dict | None = None,
) -> AuditEntry:
    """Add one entry: who, when, from where, what (ids and choices in `detail`, never record text or names)."""
    user = actor.user if actor.user is not None and actor.user.is_authenticated else None
    return AuditEntry.objects.create(
        user=user,
        username=(user.get_username() if user is not None else actor.username)[:150],
        ip_address=actor.ip_address,
        action=action,
        case_id=case_id,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        detail=detail or {},
    )


def login_throttled(*, username: str, ip: str | None, window: datetime.timedelta) -> bool:
    """Whether to refuse a login now, from the failures in the audit trail (the app's and the admin's alike).

    Counted per username *and* address, so one person guessing does not lock out everyone behind an office's
    shared address; an address (many usernames tried) and a username (tried from many addresses) each have a
    separate, higher limit."""
    since = timezone.now() - window
    failures = AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED, at__gte=since)
    by_name = failures.filter(username__iexact=username) if username else failures.none()
    if ip and by_name.filter(ip_address=ip).count() >= settings.LOGIN_MAX_FAILURES:
        return True
    wide = settings.LOGIN_MAX_FAILURES_PER_ADDRESS
    if ip and failures.filter(ip_address=ip).count() >= wide:
        return True
    return by_name.count() >= (wide if ip else settings.LOGIN_MAX_FAILURES)


@dataclass(frozen=True, slots=True)
class AuditFilters:
    username: str = ""
    action: str = ""
    since: datetime.date | None = None  # days in the office's time zone, both included
    until: datetime.date | None = None


def audit_entry_list(*, case_id: int, filters: AuditFilters = AuditFilters()) -> models.QuerySet[AuditEntry]:
    """A case's audit trail, newest first, narrowed to a person, an action and days."""
    entries = AuditEntry.objects.filter(case_id=case_id)
    if filters.username:
        entries = entries.filter(username__iexact=filters.username)
    if filters.action:
        entries = entries.filter(action=filters.action)
    zone = timezone.get_current_timezone()
    if filters.since:
        entries = entries.filter(at__gte=datetime.datetime.combine(filters.since, datetime.time.min, tzinfo=zone))
    if filters.until:
        next_day = filters.until + datetime.timedelta(days=1)
        entries = entries.filter(at__lt=datetime.datetime.combine(next_day, datetime.time.min, tzinfo=zone))
    return entries


def audit_people(*, case_id: int) -> list[str]:
    """Everyone who appears in the case's audit trail, for choosing whose entries to see."""
    return sorted(set(AuditEntry.objects.filter(case_id=case_id).exclude(username="")
                      .values_list("username", flat=True)), key=str.lower)


def audit_trail_csv(
    *,
    actor: Actor,
    case_id: int,
    filters: AuditFilters = AuditFilters(),
    describe: Callable[[list[AuditEntry]], dict[tuple[str, str], str]] | None = None,
    detail_words: Callable[[list[AuditEntry]], dict[int, str]] | None = None,
) -> bytes:
    """A case's audit trail (as filtered) as CSV, oldest first, times in the office's time zone as on screen, each
    object as `describe` names it and each detail as `detail_words` puts it (the detail as recorded, ids and
    all, in the last column); the export itself is recorded (and listed) first."""
    audit_record(actor=actor, action=AuditEntry.Action.AUDIT_EXPORTED, case_id=case_id,
                 detail={key: str(value) for key, value in asdict(filters).items() if value})
    entries = list(audit_entry_list(case_id=case_id, filters=filters).order_by("at", "pk"))
    labels = describe(entries) if describe is not None else {}
    words = detail_words(entries) if detail_words is not None else {}
    zone = timezone.get_current_timezone()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([f"When ({timezone.get_current_timezone_name()})", "User", "IP address", "Action", "What",
                     "Object", "Object type", "Object id", "Detail", "Detail as recorded"])
    for entry in entries:
        writer.writerow([
            entry.at.astimezone(zone).isoformat(timespec="seconds"), entry.username, entry.ip_address or "",
            entry.action, entry.get_action_display(), labels.get((entry.object_type, entry.object_id), ""),
            entry.object_type, entry.object_id, words.get(entry.pk, ""), json.dumps(entry.detail, sort_keys=True),
        ])
    return buffer.getvalue().encode("utf-8")
