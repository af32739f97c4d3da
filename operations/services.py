"""Writes of the operations app: the workers' heartbeats."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from operations.models import WorkerHeartbeat


def worker_heartbeat_record(*, hostname: str, at: datetime | None = None) -> WorkerHeartbeat:
    """Say that the worker `hostname` is alive now (one row per worker, updated in place)."""
    at = at or timezone.now()
    heartbeat, created = WorkerHeartbeat.objects.get_or_create(
        hostname=hostname[:255], defaults={"started_at": at, "seen_at": at}
    )
    if not created:
        WorkerHeartbeat.objects.filter(pk=heartbeat.pk).update(seen_at=at)
        heartbeat.seen_at = at
    return heartbeat


def worker_heartbeat_forget(*, hostname: str) -> None:
    """A worker that stopped cleanly is no longer counted as up."""
    WorkerHeartbeat.objects.filter(hostname=hostname[:255]).delete()
