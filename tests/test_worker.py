"""The real path: upload -> broker -> a separate `celery worker` process -> pages in the database."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files import File

from audit.services import Actor
from evidence.models import Document
from evidence.services import document_upload
from tests.conftest import wait_until
from tests.factories import MembershipFactory

RECORDS = Path(__file__).resolve().parents[1] / "demo" / "client-a" / "records"


@pytest.mark.worker
def test_a_worker_process_reads_an_uploaded_record_through_the_broker(worker_process, settings):
    membership = MembershipFactory()
    with (RECORDS / "A04_juvenile_court_record.pdf").open("rb") as handle:
        document = document_upload(case=membership.case, file=File(handle, name="juvenile.pdf"), actor=Actor(user=membership.user))

    def finished():
        document.refresh_from_db()
        return document.is_finished

    wait_until(finished, timeout=90)
    assert document.status == Document.Status.READY, document.failure_reason
    assert document.pages.count() == document.page_count >= 1
    assert "juvenile" in " ".join(document.pages.values_list("text", flat=True)).lower()
    assert settings.CELERY_BROKER_URL.split(":")[0] in {"sqla+sqlite", "redis"}
