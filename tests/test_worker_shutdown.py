"""A worker asked to stop (SIGTERM, as systemd, compose and ./dev do) stops within seconds, even in the middle of a
long record and even with beat inside it (-B, as `./dev run` starts it); the record it was reading is not lost."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files import File
from pypdf import PdfReader, PdfWriter

from audit.services import Actor
from evidence.models import Document
from evidence.services import document_upload
from tests.conftest import _database_url_for_subprocess, start_worker, wait_until
from tests.factories import MembershipFactory

SCAN = Path(__file__).resolve().parents[1] / "demo" / "client-a" / "records" / "A06_substance_use_treatment_scan.pdf"


def _long_scan(copies: int) -> bytes:
    """A scanned record long enough to be read for many seconds (every page needs OCR)."""
    reader = PdfReader(SCAN)
    writer = PdfWriter()
    for _ in range(copies):
        for page in reader.pages:
            writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.worker
def test_sigterm_stops_a_busy_worker_with_beat_within_10_seconds_and_the_record_is_read_later(
    transactional_db, settings, media_root, tmp_path
):
    from config.celery import app as celery_app

    celery_app.control.purge()
    membership = MembershipFactory()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url_for_subprocess(),
        "MEDIA_ROOT": str(media_root),
        "DATA_DIR": str(settings.DATA_DIR),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "OMP_THREAD_LIMIT": "1",
        "RECORD_OCR_DPI": "150",
        "REMAP_SIGTERM": "SIGQUIT",  # as ./dev, the compose file and the systemd units set it
    }
    media_root.mkdir(parents=True, exist_ok=True)
    log_path = tmp_path / "busy-worker.log"
    with log_path.open("wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-B", "--concurrency=1", "--loglevel=INFO",
             "--schedule", str(tmp_path / "beat-schedule"), "-Q", settings.CELERY_TASK_DEFAULT_QUEUE],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            wait_until(lambda: b"ready." in log_path.read_bytes(), timeout=60)
            document = document_upload(case=membership.case, file=File(io.BytesIO(_long_scan(5)), name="scan.pdf"),
                                       actor=Actor(user=membership.user))

            def reading():
                document.refresh_from_db()
                return document.pages_done >= 1

            wait_until(reading, timeout=90)
            assert document.pages_done < document.page_count, "the record must still be being read"
            started = time.monotonic()
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=30)
            assert time.monotonic() - started < 10, log_path.read_text(errors="replace")[-2000:]
        finally:
            if worker.poll() is None:
                worker.kill()
    document.refresh_from_db()
    assert not document.is_finished

    # The message was handed back (acks_late): the next worker reads the whole record.
    env_worker = start_worker(settings=settings, media_root=media_root, log_path=tmp_path / "next-worker.log")
    try:
        def finished():
            document.refresh_from_db()
            return document.is_finished

        wait_until(finished, timeout=180)
    finally:
        env_worker.terminate()
        env_worker.wait(timeout=20)
    assert document.status == Document.Status.READY, document.failure_reason
    assert document.pages.count() == document.page_count == 10
