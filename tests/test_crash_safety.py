"""A worker killed mid-job loses nothing: after a restart, the sweep re-queues the job and it completes."""

from __future__ import annotations

import datetime
import os
import signal
from pathlib import Path

import pytest
from django.core.files import File

from audit.services import Actor
from common.jobs import jobs_requeue_stuck
from evidence.models import Document
from evidence.services import document_upload
from evidence.tasks import RECORD_READING
from tests.conftest import start_worker, wait_until
from tests.factories import MembershipFactory

RECORDS = Path(__file__).resolve().parents[1] / "demo" / "client-a" / "records"


@pytest.mark.worker
def test_sigkill_during_ocr_then_restart_finishes_the_record(transactional_db, settings, media_root, tmp_path):
    from config.celery import app as celery_app

    celery_app.control.purge()
    membership = MembershipFactory()
    first = start_worker(settings=settings, media_root=media_root, log_path=tmp_path / "first.log")
    try:
        with (RECORDS / "A06_substance_use_treatment_scan.pdf").open("rb") as handle:
            document = document_upload(case=membership.case, file=File(handle, name="scan.pdf"), actor=Actor(user=membership.user))

        def processing():
            document.refresh_from_db()
            return document.status == Document.Status.PROCESSING

        wait_until(processing, timeout=60, interval=0.05)
        os.kill(first.pid, signal.SIGKILL)  # no warm shutdown, no ack, no cleanup
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    document.refresh_from_db()
    assert document.status == Document.Status.PROCESSING  # stuck, as after a real crash

    second = start_worker(settings=settings, media_root=media_root, log_path=tmp_path / "second.log")
    try:
        requeued = jobs_requeue_stuck(kind=RECORD_READING, older_than=datetime.timedelta(seconds=0))

        def finished():
            document.refresh_from_db()
            return document.is_finished

        wait_until(finished, timeout=120)
    finally:
        second.terminate()
        second.wait(timeout=20)
    assert requeued == [document.pk]
    assert document.status == Document.Status.READY
    assert list(document.pages.values_list("number", flat=True)) == [1, 2]  # no duplicates from the killed run


@pytest.mark.django_db
def test_the_sweep_leaves_fresh_and_finished_jobs_alone(sent_tasks, django_capture_on_commit_callbacks):
    from tests.factories import DocumentFactory

    ready = DocumentFactory(status=Document.Status.READY)
    fresh = DocumentFactory(status=Document.Status.PROCESSING)
    Document.objects.filter(pk=fresh.pk).update(processing_started_at=datetime.datetime.now(datetime.timezone.utc))

    with django_capture_on_commit_callbacks(execute=True):
        requeued = jobs_requeue_stuck(kind=RECORD_READING, older_than=datetime.timedelta(hours=1))

    assert requeued == [] and sent_tasks == []
    assert Document.objects.get(pk=ready.pk).status == Document.Status.READY


@pytest.mark.django_db
def test_a_running_job_is_requeued_once_its_heartbeat_falls_silent_a_queued_one_only_when_lost(
    sent_tasks, django_capture_on_commit_callbacks
):
    from tests.factories import DocumentFactory

    now = datetime.datetime.now(datetime.timezone.utc)
    beating = DocumentFactory(status=Document.Status.PROCESSING)
    silent = DocumentFactory(status=Document.Status.PROCESSING)
    waiting = DocumentFactory(status=Document.Status.QUEUED)
    Document.objects.filter(pk=beating.pk).update(processing_started_at=now - datetime.timedelta(seconds=20))
    Document.objects.filter(pk=silent.pk).update(processing_started_at=now - datetime.timedelta(minutes=3))
    Document.objects.filter(pk=waiting.pk).update(processing_started_at=now - datetime.timedelta(minutes=30))

    with django_capture_on_commit_callbacks(execute=True):
        requeued = jobs_requeue_stuck(kind=RECORD_READING, older_than=datetime.timedelta(hours=1),
                                      silent_for=datetime.timedelta(seconds=150))

    assert requeued == [silent.pk]
    assert sent_tasks == [("evidence.tasks.document_read_text", (silent.pk,))]
    assert Document.objects.get(pk=beating.pk).status == Document.Status.PROCESSING


@pytest.mark.django_db
def test_retry_is_offered_and_allowed_on_a_record_whose_worker_fell_silent(client, sent_tasks, settings):
    from django.urls import reverse

    from tests.factories import DocumentFactory

    document = DocumentFactory(status=Document.Status.PROCESSING)
    client.force_login(document.case.created_by)
    url = reverse("evidence:document_detail", kwargs={"case_id": document.case_id, "document_id": document.pk})
    retry = reverse("evidence:document_retry", kwargs={"case_id": document.case_id, "document_id": document.pk})
    Document.objects.filter(pk=document.pk).update(processing_started_at=datetime.datetime.now(datetime.timezone.utc))
    assert "Retry" not in client.get(url).content.decode()
    client.post(retry)
    assert Document.objects.get(pk=document.pk).status == Document.Status.PROCESSING  # alive: nothing to retry

    old = datetime.datetime.now(datetime.timezone.utc) - settings.JOB_SILENT_AFTER - datetime.timedelta(seconds=1)
    Document.objects.filter(pk=document.pk).update(processing_started_at=old)
    assert "No sign of the worker" in client.get(url).content.decode()
    client.post(retry)

    assert Document.objects.get(pk=document.pk).status == Document.Status.QUEUED


@pytest.mark.worker
def test_a_worker_killed_whole_falls_silent_and_its_job_is_requeued_and_finished(
    transactional_db, settings, media_root, tmp_path, monkeypatch
):
    """The worker marks its running job alive every second here (every 30 s by default); killed whole, it falls
    silent, the sweep re-queues the job after the silence limit (2.5 min by default, swept every minute: within 5
    minutes of the death), and another worker finishes it."""
    from config.celery import app as celery_app

    celery_app.control.purge()
    monkeypatch.setenv("JOB_HEARTBEAT_SECONDS", "1")
    membership = MembershipFactory()
    first = start_worker(settings=settings, media_root=media_root, log_path=tmp_path / "first.log")
    try:
        with (RECORDS / "A06_substance_use_treatment_scan.pdf").open("rb") as handle:
            document = document_upload(case=membership.case, file=File(handle, name="scan.pdf"),
                                       actor=Actor(user=membership.user))

        def heartbeat():
            document.refresh_from_db()
            return document.processing_started_at if document.status == Document.Status.PROCESSING else None

        first_beat = wait_until(heartbeat, timeout=60, interval=0.05)
        wait_until(lambda: (heartbeat() or first_beat) > first_beat, timeout=10, interval=0.1)  # alive, and says so
        os.kill(first.pid, signal.SIGKILL)  # the solo pool's one process is the whole worker: nothing survives
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    silent = datetime.timedelta(seconds=3)
    assert jobs_requeue_stuck(kind=RECORD_READING, older_than=datetime.timedelta(hours=1), silent_for=silent) == []
    requeued = wait_until(lambda: jobs_requeue_stuck(kind=RECORD_READING, older_than=datetime.timedelta(hours=1),
                                                     silent_for=silent), timeout=10, interval=0.5)

    second = start_worker(settings=settings, media_root=media_root, log_path=tmp_path / "second.log")
    try:
        def finished():
            document.refresh_from_db()
            return document.is_finished

        wait_until(finished, timeout=120)
    finally:
        second.terminate()
        second.wait(timeout=20)
    assert requeued == [document.pk]
    assert document.status == Document.Status.READY
    assert list(document.pages.values_list("number", flat=True)) == [1, 2]
