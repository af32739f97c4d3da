"""A backup restores into a fresh database and media folder with every record, event, version and export."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from audit.services import Actor
from evidence.models import Document, Page
from exports.models import Export
from exports.services import export_create, export_render
from narratives.models import EventSource, Narrative, SectionVersion, TimelineEvent
from operations.backup import RestoreError, backup_create, backup_restore

ROOT = Path(__file__).resolve().parents[2]
COUNT = (
    "import json; from evidence.models import Document, Page; from exports.models import Export; "
    "from narratives.models import EventSource, SectionVersion, TimelineEvent; from audit.models import AuditEntry; "
    "e = Export.objects.get(); "
    "print(json.dumps({'documents': Document.objects.count(), 'pages': Page.objects.count(), "
    "'events': TimelineEvent.objects.count(), 'sources': EventSource.objects.count(), "
    "'versions': SectionVersion.objects.count(), 'audit': AuditEntry.objects.count(), "
    "'export_pdf': e.pdf_file.open('rb').read().startswith(b'%PDF'), "
    "'original': Document.objects.order_by('pk').first().file.read()[:4].decode('latin-1')}))"
)


@pytest.fixture
def fresh_database_url(tmp_path):
    """A new, empty database of the same kind as the test's, dropped afterwards."""
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg

    name = f"restore_{uuid.uuid4().hex[:10]}"
    params = {"host": db.get("HOST") or "127.0.0.1", "port": db.get("PORT") or 5432, "user": db.get("USER") or "postgres",
              "password": db.get("PASSWORD") or None, "dbname": "postgres", "autocommit": True}
    with psycopg.connect(**params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    auth = params["user"] + (f":{params['password']}" if params["password"] else "")
    yield f"postgres://{auth}@{params['host']}:{params['port']}/{name}"
    with psycopg.connect(**params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _manage(*args: str, env: dict) -> str:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**os.environ, **env},
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:] + result.stdout[-2000:]
    return result.stdout


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_a_fresh_database_finds_everything(tmp_path, fresh_database_url):
    from audit.models import AuditEntry

    call_command("load_demo", "--now", "--allow-in-production")  # audited like work in the browser
    narrative = Narrative.objects.get()
    # a draft: this case is not ready to file, and a draft export is a row the backup must keep like any other
    export = export_create(narrative=narrative, actor=Actor(user=narrative.created_by), sealed=True, draft=True)
    assert export_render(export_id=export.pk)
    expected = {
        "documents": Document.objects.count(), "pages": Page.objects.count(), "events": TimelineEvent.objects.count(),
        "sources": EventSource.objects.count(), "versions": SectionVersion.objects.count(),
        "audit": AuditEntry.objects.count(),
    }
    assert expected["audit"] > 0  # the demo's review, consent and export entries go into the backup too
    archive = tmp_path / "backup.tar.gz"

    summary = backup_create(out=archive, portable=True)

    env = {"DATABASE_URL": fresh_database_url, "MEDIA_ROOT": str(tmp_path / "restored-media"),
           "DATA_DIR": str(tmp_path / "restored-data")}
    _manage("migrate", "--no-input", env=env)
    out = _manage("restore", str(archive), env=env)
    restored = json.loads(_manage("shell", "-c", COUNT, env=env).strip().splitlines()[-1])
    assert "Restored and verified" in out
    assert {k: restored[k] for k in expected} == expected
    assert restored["export_pdf"] is True and restored["original"] == "%PDF"
    renditions = Document.objects.exclude(rendition="").count()  # Word and text records drawn to pages when read
    assert renditions and summary.files == Document.objects.count() + renditions + 3  # and the three export files
    assert expected["versions"] > 0 and Export.objects.count() == 1


@pytest.mark.django_db
def test_restore_refuses_a_database_that_is_not_empty(tmp_path):
    from tests.factories import CaseFactory

    CaseFactory()
    archive = tmp_path / "b.tar.gz"
    backup_create(out=archive, portable=True)

    with pytest.raises(RestoreError, match="not empty"):
        backup_restore(archive_path=archive)


def _as_before_the_split(archive: Path, out: Path) -> Path:
    """The backup as the code before the apps were split wrote it: Case and CaseMembership under `narratives`, and
    each accepted proposal pointing at its event (EventCandidate.timeline_event) instead of the event keeping it."""
    import io
    import tarfile

    with tarfile.open(archive, "r:gz") as source, tarfile.open(out, "w:gz") as target:
        rows = json.loads(source.extractfile("data.json").read())
        events_of = {}
        for row in rows:
            row["model"] = {"cases.case": "narratives.case", "cases.casemembership": "narratives.casemembership"}.get(
                row["model"], row["model"])
            if row["model"] == "narratives.timelineevent":
                for candidate_id in row["fields"].pop("candidates"):
                    events_of[candidate_id] = row["pk"]
        for row in rows:
            if row["model"] == "extraction.eventcandidate":
                row["fields"]["timeline_event"] = events_of.get(row["pk"])
        manifest = json.loads(source.extractfile("manifest.json").read())
        manifest["rows"] = {label.replace("cases.", "narratives."): n for label, n in manifest["rows"].items()}
        for name, payload in (("data.json", json.dumps(rows)), ("manifest.json", json.dumps(manifest))):
            info = tarfile.TarInfo(name)
            info.size = len(payload.encode())
            target.addfile(info, io.BytesIO(payload.encode()))
        for member in source.getmembers():
            if member.name.startswith("media/"):
                target.addfile(member, source.extractfile(member))
    return out


@pytest.mark.django_db(transaction=True)
def test_a_backup_made_before_the_apps_were_split_restores_with_every_link(tmp_path):
    from audit.services import Actor
    from cases.models import Case, CaseMembership
    from extraction.models import EventCandidate
    from narratives.services import candidate_accept
    from tests.factories import EventCandidateFactory, MembershipFactory

    candidate = EventCandidateFactory()
    MembershipFactory(case=candidate.document.case)
    event = candidate_accept(candidate=candidate, actor=Actor(user=candidate.document.uploaded_by))
    EventCandidateFactory(document=candidate.document)  # still pending: no event
    memberships = CaseMembership.objects.count()  # the member added, and the case's lead
    now = backup_create(out=tmp_path / "now.tar.gz", portable=True).path
    legacy = _as_before_the_split(now, tmp_path / "before.tar.gz")
    call_command("flush", interactive=False, verbosity=0)

    backup_restore(archive_path=legacy)

    assert Case.objects.count() == 1 and CaseMembership.objects.count() == memberships
    assert list(TimelineEvent.objects.get(pk=event.pk).candidates.values_list("pk", flat=True)) == [candidate.pk]
    assert EventCandidate.objects.count() == 2


@pytest.mark.django_db
def test_backup_streams_a_large_record_instead_of_holding_it_in_memory(tmp_path):
    import tracemalloc

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    large = os.urandom(24 * 1024 * 1024)
    name = default_storage.save("records/large-scan.pdf", ContentFile(large))
    del large
    tracemalloc.start()
    try:
        summary = backup_create(out=tmp_path / "b.tar.gz", portable=True)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert summary.files == 1
    assert peak < 8 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB while backing up a 24 MB record"
    default_storage.delete(name)


@pytest.mark.django_db
def test_restore_refuses_a_stored_file_that_differs_from_the_backup(tmp_path):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    default_storage.save("records/a.txt", ContentFile(b"the original"))
    archive = backup_create(out=tmp_path / "b.tar.gz", portable=True).path
    default_storage.delete("records/a.txt")
    default_storage.save("records/a.txt", ContentFile(b"something else"))

    with pytest.raises(RestoreError, match="different records/a.txt"):
        backup_restore(archive_path=archive)
