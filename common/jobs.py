"""Background jobs whose state is kept on a row: queued → running → done, or failed with a reason a person can act on.

Each kind of job (reading a record, finding its events, producing an export) is described once by a `JobKind`; the
state changes, queueing and the sweep that queues again what a killed worker or a lost message left unfinished are
written here once for all of them. Every job is idempotent, so running one twice costs time, never data.

A job's `started_at` is when its current attempt was last queued or started, or, while it runs in a worker, when the
worker last marked it alive (its heartbeat, every JOB_HEARTBEAT_SECONDS). A running job silent for longer than
JOB_SILENT_AFTER lost its worker; a queued job whose `started_at` is older than the sweep's limit was queued (again)
and its message lost; one that has never been queued again counts from its row's `queued_at`."""

from __future__ import annotations

import datetime
import logging
import threading
from dataclasses import dataclass
from typing import Any

from celery import Task
from django.apps import apps
from django.db import connections, models, transaction
from django.db.models import Q
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class JobKind:
    name: str  # in logs, e.g. "evidence.record_reading"
    model: str  # the model whose rows hold the state, e.g. "evidence.Document"
    task: Task  # the Celery task; it is given the row's `key`
    key: str = "pk"  # the field whose value identifies the job and is given to the task
    own_row: bool = False  # the row is the job's own, made when the job is first queued or started
    queued: str = "queued"  # the status values of the model's status field
    running: str = "running"
    done: str = "done"
    failed: str = "failed"
    started_at: str = "started_at"
    finished_at: str = "finished_at"
    queued_at: str = "created_at"  # when a row that was never queued again was queued (a lookup may follow a key)

    @property
    def rows(self) -> models.QuerySet:
        return apps.get_model(self.model)._default_manager.all()


def _set(kind: JobKind, key: Any, values: dict[str, Any], *, make_row: bool = False) -> None:
    if make_row and kind.own_row:
        kind.rows.update_or_create(defaults=values, **{kind.key: key})
    else:
        kind.rows.filter(**{kind.key: key}).update(**values)  # a row deleted meanwhile stays deleted


def job_queue(kind: JobKind, *, key: Any, **fields: Any) -> None:
    """Mark the job queued (and set `fields`), then send its task once the transaction commits: a worker must
    never see an uncommitted row."""
    with transaction.atomic():
        _set(kind, key, {"status": kind.queued, kind.started_at: timezone.now(), kind.finished_at: None,
                         "failure_reason": "", **fields}, make_row=True)
        kind.task.delay_on_commit(key)


def job_start(kind: JobKind, *, key: Any, **fields: Any) -> None:
    _set(kind, key, {"status": kind.running, kind.started_at: timezone.now(), "failure_reason": "", **fields},
         make_row=True)


def job_finish(kind: JobKind, *, key: Any, **fields: Any) -> None:
    _set(kind, key, {"status": kind.done, kind.finished_at: timezone.now(), **fields})


def job_fail(kind: JobKind, *, key: Any, reason: str, **fields: Any) -> None:
    """Mark the job failed with a reason written for the person who asked for it (shown to them as it is)."""
    _set(kind, key, {"status": kind.failed, "failure_reason": reason, kind.finished_at: timezone.now(), **fields})


def jobs_requeue_stuck(
    *, kind: JobKind, older_than: datetime.timedelta, silent_for: datetime.timedelta | None = None
) -> list[Any]:
    """Queue again every job of the kind that has been running without a heartbeat for `silent_for` (default:
    `older_than`), or queued for longer than `older_than`; returns their keys. A job that was in fact still running
    is only run once more."""
    now = timezone.now()
    cutoff = now - older_than
    silent_since = now - (silent_for if silent_for is not None else older_than)
    stuck = list(
        kind.rows.filter(
            Q(status=kind.running, **{f"{kind.started_at}__lt": silent_since})
            | Q(status=kind.queued, **{f"{kind.started_at}__lt": cutoff})
            | Q(status=kind.queued, **{f"{kind.started_at}__isnull": True, f"{kind.queued_at}__lt": cutoff})
        ).values_list(kind.key, flat=True)
    )
    for key in stuck:
        with transaction.atomic():
            _set(kind, key, {"status": kind.queued, kind.started_at: timezone.now()})
            kind.task.delay_on_commit(key)
        logger.warning("jobs.requeued", extra={"job": kind.name, "key": key})
    return stuck


_kinds: dict[str, JobKind] = {}


def job_kind_register(kind: JobKind) -> None:
    """Have the periodic sweep look after this kind of job (call from the owning app's AppConfig.ready())."""
    _kinds[kind.name] = kind


def jobs_sweep(
    *, older_than: datetime.timedelta, silent_for: datetime.timedelta | None = None
) -> dict[str, list[Any]]:
    """Queue again the stuck jobs of every registered kind; returns their keys by kind."""
    return {
        name: jobs_requeue_stuck(kind=kind, older_than=older_than, silent_for=silent_for)
        for name, kind in _kinds.items()
    }


# ---- heartbeat: a worker marks its running job alive, so a worker killed whole is noticed in minutes ----------


class _Heartbeat(threading.Thread):
    """Beside a job in its worker process: refresh the running job's `started_at` until told to stop. It dies
    with the process, which is the point: a silent job lost its worker."""

    def __init__(self, kind: JobKind, key: Any, every: float) -> None:
        super().__init__(name=f"heartbeat {kind.name} {key}", daemon=True)
        self.kind, self.key, self.every = kind, key, every
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.every):
                try:
                    self.kind.rows.filter(**{self.kind.key: self.key, "status": self.kind.running}).update(
                        **{self.kind.started_at: timezone.now()})
                except Exception:  # a busy database must not stop the job; the next beat tries again
                    logger.warning("jobs.heartbeat_failed", extra={"job": self.kind.name, "key": self.key})
        finally:
            connections.close_all()  # this thread's own connections


_beating: dict[str, _Heartbeat] = {}


def _kind_of_task(task_name: str) -> JobKind | None:
    return next((kind for kind in _kinds.values() if kind.task.name == task_name), None)


def job_heartbeat_start(*, task_id: str, task_name: str, args: tuple, every: float) -> bool:
    """Start marking the job a task runs alive (from Celery's task_prerun); False if the task is no job's."""
    kind = _kind_of_task(task_name)
    if kind is None or not args:
        return False
    beat = _Heartbeat(kind, args[0], every)
    _beating[task_id] = beat
    beat.start()
    return True


def job_heartbeat_stop(*, task_id: str) -> None:
    """Stop the heartbeat of a task that ended, however it ended (from Celery's task_postrun)."""
    beat = _beating.pop(task_id, None)
    if beat is not None:
        beat.stopped.set()
        beat.join(timeout=5)
