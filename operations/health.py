"""What /healthz reports: whether this machine can reach everything a request or a job needs.

Every check is bounded in time and reports only a state and the kind of error, never a URL, a host name with
credentials, a file name or anything of a case."""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CheckResult:
    name: str
    up: bool
    seconds: float
    detail: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"status": "up" if self.up else "down", "seconds": round(self.seconds, 3), **self.detail}


def _timed(name: str, probe) -> CheckResult:
    started = time.monotonic()
    try:
        up, detail = probe()
    except Exception as error:  # the kind of error only: messages can carry connection strings
        logger.warning("operations.health_check_failed", extra={"check": name, "error": type(error).__name__})
        up, detail = False, {"error": type(error).__name__}
    return CheckResult(name, up, time.monotonic() - started, detail)


def _database() -> tuple[bool, dict]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return True, {"vendor": connection.vendor}


def _broker() -> tuple[bool, dict]:
    from kombu import Connection

    url = settings.CELERY_BROKER_URL
    with Connection(url, connect_timeout=3, transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS) as broker:
        broker.ensure_connection(max_retries=1, timeout=3)
        broker.default_channel  # opens a channel too: a broker that accepts TCP but not clients is not up
    return True, {"transport": url.split(":", 1)[0]}


def _storage() -> tuple[bool, dict]:
    # A write and a delete: reading alone would pass a full disk or a read-only bucket that cannot take an upload.
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    default_storage.delete(name)
    return True, {"backend": default_storage.__class__.__name__}  # the wrapped class: S3Storage, FileSystemStorage


def _worker() -> tuple[bool, dict]:
    from operations.models import WorkerHeartbeat

    now = timezone.now()
    fresh_after = now - timedelta(seconds=3 * settings.WORKER_HEARTBEAT_SECONDS)
    latest = WorkerHeartbeat.objects.order_by("-seen_at").first()
    if latest is None:
        return False, {"last_heartbeat": None, "workers_up": 0}
    up = WorkerHeartbeat.objects.filter(seen_at__gte=fresh_after).count()
    return up > 0, {
        "last_heartbeat": latest.seen_at.isoformat(),
        "seconds_ago": round((now - latest.seen_at).total_seconds(), 1),
        "workers_up": up,
    }


def health_report() -> dict:
    """Every check's state; `ok` only when all are up."""
    results = [
        _timed("database", _database),
        _timed("broker", _broker),
        _timed("storage", _storage),
        _timed("worker", _worker),
    ]
    return {"ok": all(r.up for r in results), "checks": {r.name: r.as_json() for r in results}}
