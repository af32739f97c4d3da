"""With AWS_STORAGE_BUCKET_NAME set, originals and exports live in an S3-compatible bucket and nothing of theirs on
the local disk; workers read through the storage API; downloads still pass the access-checked views.

Against a real S3-compatible server on loopback (moto's, started by `.ci/run` or by the `s3_endpoint` fixture)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.core.files import File
from django.core.management import call_command
from django.urls import reverse

from audit.services import Actor
from evidence.models import Document
from evidence.services import document_read_text, document_upload
from exports.models import Export
from exports.services import export_create, export_render
from extraction.services import document_extract
from narratives.models import Narrative
from operations.backup import backup_create
from operations.services import worker_heartbeat_record
from tests.conftest import wait_until
from tests.factories import MembershipFactory, UserFactory

ROOT = Path(__file__).resolve().parents[1]
RECORDS = ROOT / "demo" / "client-a" / "records"


def _files_on_disk(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


@pytest.mark.django_db
def test_a_record_is_stored_read_extracted_and_downloaded_through_the_bucket(s3_bucket, media_root, client):
    membership = MembershipFactory()
    original = (RECORDS / "A04_juvenile_court_record.pdf").read_bytes()
    with (RECORDS / "A04_juvenile_court_record.pdf").open("rb") as handle:
        document = document_upload(case=membership.case, file=File(handle, name="juvenile.pdf"),
                                   actor=Actor(user=membership.user))

    assert document.file.name in s3_bucket.keys()
    assert document_read_text(document_id=document.pk) >= 1
    document.refresh_from_db()
    assert document.status == Document.Status.READY
    assert "juvenile" in " ".join(document.pages.values_list("text", flat=True)).lower()
    assert document_extract(document_id=document.pk) >= 0

    url = reverse("evidence:document_original", args=[membership.case.pk, document.pk])
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404  # not on the case's team
    client.force_login(membership.user)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == original
    assert _files_on_disk(media_root) == []


@pytest.mark.django_db
def test_a_missing_object_fails_the_record_with_a_message(s3_bucket):
    membership = MembershipFactory()
    with (RECORDS / "A08_shelter_case_notes.txt").open("rb") as handle:
        document = document_upload(case=membership.case, file=File(handle, name="notes.txt"),
                                   actor=Actor(user=membership.user))
    document.file.storage.delete(document.file.name)

    assert document_read_text(document_id=document.pk) == 0
    document.refresh_from_db()
    assert document.status == Document.Status.FAILED
    assert "missing" in document.failure_reason


@pytest.mark.django_db(transaction=True)
def test_the_demo_is_stored_in_the_bucket_and_read_extracted_and_exported_from_there(s3_bucket, media_root, client):
    call_command("load_demo", "--now", "--allow-in-production")
    documents = list(Document.objects.all())
    narrative = Narrative.objects.get()
    attorney = narrative.case.memberships.get(is_lead=True).user  # a filing (sealed) is the attorney's
    export = export_create(narrative=narrative, actor=Actor(user=attorney), sealed=True)

    assert export_render(export_id=export.pk)

    export.refresh_from_db()
    keys = set(s3_bucket.keys())
    assert len(documents) == 10 and {d.file.name for d in documents} <= keys
    assert all(d.status == Document.Status.READY and d.pages.exists() for d in documents)
    assert {export.docx_file.name, export.pdf_file.name, export.packet_file.name} <= keys
    assert _files_on_disk(media_root) == []
    client.force_login(narrative.created_by)
    response = client.get(reverse("exports:export_download",
                                  args=[narrative.case_id, narrative.pk, export.pk, "exhibits"]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.worker
def test_a_worker_process_reads_the_record_from_the_bucket(s3_bucket, worker_process, media_root):
    membership = MembershipFactory()
    with (RECORDS / "A05_psychological_evaluation.pdf").open("rb") as handle:
        document = document_upload(case=membership.case, file=File(handle, name="evaluation.pdf"),
                                   actor=Actor(user=membership.user))

    def finished():
        document.refresh_from_db()
        return document.is_finished

    wait_until(finished, timeout=90)
    assert document.status == Document.Status.READY, document.failure_reason
    assert document.pages.count() == document.page_count >= 1
    assert _files_on_disk(media_root) == []


@pytest.mark.django_db
def test_healthz_writes_to_the_bucket_and_names_it_down_when_it_is_gone(s3_bucket, settings, client):
    worker_heartbeat_record(hostname="celery@web-1")
    body = json.loads(client.get("/healthz").content)
    assert body["checks"]["storage"] == {**body["checks"]["storage"], "status": "up", "backend": "S3Storage"}

    settings.AWS_STORAGE_BUCKET_NAME = "no-such-bucket-here"
    settings.STORAGES = {**settings.STORAGES}  # a new storage object with the new bucket
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["checks"]["storage"]["status"] == "down"
    assert "no-such-bucket" not in response.content.decode()


@pytest.mark.django_db
def test_a_backup_holds_the_bucket_objects(s3_bucket, tmp_path):
    membership = MembershipFactory()
    with (RECORDS / "A08_shelter_case_notes.txt").open("rb") as handle:
        document = document_upload(case=membership.case, file=File(handle, name="notes.txt"),
                                   actor=Actor(user=membership.user))

    summary = backup_create(out=tmp_path / "backup.tar.gz", portable=True)  # inside the test's transaction; pg_dump needs its own

    assert summary.files == 1
    import tarfile

    with tarfile.open(summary.path) as archive:
        assert f"media/{document.file.name}" in archive.getnames()


def test_no_code_asks_a_stored_file_for_its_path():
    """A bucket has no paths: every read goes through the storage API (common.storage.stored_file_local_copy)."""
    offenders = []
    for module in ROOT.glob("*/**/*.py"):
        top = module.parts[len(ROOT.parts)]
        if top.startswith(".") or top in {"tests", "benchmarks", "scripts"} or "pipeline" in module.parts:
            continue
        for number, line in enumerate(module.read_text().splitlines(), 1):
            if re.search(r"(_file|\.file|storage)\.path\b", line):
                offenders.append(f"{module.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []
