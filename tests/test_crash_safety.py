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
