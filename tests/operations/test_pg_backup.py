"""PostgreSQL backups through pg_dump and pg_restore, plain and encrypted: a backup of a case's records, events and
audit trail restores into a new database made with createdb, with the same row counts and the same file bytes."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import dj_database_url
import pytest
from django.core.management import CommandError, call_command

from operations.backup import RestoreError, backup_restore
from operations.encryption import EncryptionError, decrypting_reader, encrypting_writer

ROOT = Path(__file__).resolve().parents[2]
DATABASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRESQL = DATABASE_URL.startswith(("postgres://", "postgresql://"))
needs_postgresql = pytest.mark.skipif(
    not ON_POSTGRESQL or shutil.which("pg_dump") is None,
    reason="pg_dump/pg_restore backups need PostgreSQL: this run uses SQLite (CI's second run, with "
    "DATABASE_URL=postgres://..., runs them)" if not ON_POSTGRESQL else "pg_dump is not installed (postgresql-client)",
)
PASSPHRASE = "correct horse battery staple"
COUNT = (
    "import hashlib, json; from django.apps import apps; from evidence.models import Document; "
    "d = Document.objects.get(original_name='school-records.pdf'); "
    "print(json.dumps({'rows': {m._meta.label_lower: m._default_manager.count() for m in apps.get_models()}, "
    "'sha256': hashlib.sha256(d.file.open('rb').read()).hexdigest(), 'recorded': d.sha256}))"
)


def _libpq_env(url: str) -> dict[str, str]:
    db = dj_database_url.parse(url)
    env = {**os.environ, "PGHOST": db.get("HOST") or "127.0.0.1", "PGPORT": str(db.get("PORT") or 5432),
           "PGUSER": db.get("USER") or "postgres"}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


@pytest.fixture
def scratch_database():
    """A new, empty database made with createdb (as the README says to), dropped afterwards; yields its URL."""
    base = dj_database_url.parse(DATABASE_URL)
    name = f"{base['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    env = _libpq_env(DATABASE_URL)
    subprocess.run(["createdb", name], env=env, check=True, capture_output=True, timeout=60)
    auth = env["PGUSER"] + (f":{env['PGPASSWORD']}" if env.get("PGPASSWORD") else "")
    try:
        yield f"postgres://{auth}@{env['PGHOST']}:{env['PGPORT']}/{name}"
    finally:
        subprocess.run(["dropdb", "--if-exists", "--force", name], env=env, check=True, capture_output=True,
                       timeout=60)


def _manage(*args: str, env: dict, check: bool = True) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BACKUP_PASSPHRASE")}
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env},
                            capture_output=True, text=True, timeout=300)
    if check:
        assert result.returncode == 0, result.stderr[-3000:] + result.stdout[-2000:]
    return result


def _demo_like_data() -> bytes:
    """A case with its team, two records (one a binary original), their pages, an accepted event with its source and
    the audit entries the review writes; returns the original's bytes."""
    from django.core.files.base import ContentFile

    from audit.services import Actor
    from narratives.services import candidate_accept
    from tests.factories import (DocumentFactory, EventCandidateFactory, EventSourceFactory, MembershipFactory,
                                 PageFactory)

    original = b"%PDF-1.7\n" + os.urandom(300_000)  # larger than one read, not text
    document = DocumentFactory(content=original, file=ContentFile(original, name="school-records.pdf"),
                               original_name="school-records.pdf")
    MembershipFactory(case=document.case)
    PageFactory(document=document)
    candidate = EventCandidateFactory(document=document)
    event = candidate_accept(candidate=candidate, actor=Actor(user=document.uploaded_by))
    EventSourceFactory(event=event, document=DocumentFactory(case=document.case))
    return original


@needs_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_pg_backup_restores_into_a_fresh_database_with_every_row_and_file(tmp_path, scratch_database, monkeypatch,
                                                                          encrypted):
    from django.apps import apps

    original = _demo_like_data()
    expected = {m._meta.label_lower: m._default_manager.count() for m in apps.get_models()}
    archive = tmp_path / ("backup.tar.gz.gpg" if encrypted else "backup.tar.gz")
    if encrypted:
        monkeypatch.setenv("BACKUP_PASSPHRASE", PASSPHRASE)

    call_command("backup", "--out", str(archive), *(["--encrypt"] if encrypted else []))

    payload = archive.read_bytes()
    if encrypted:
        assert payload[:1] in (b"\x8c", b"\xc3")  # an OpenPGP message: nothing readable without the passphrase
        assert b"manifest.json" not in payload and original[:4096] not in payload
    env = {"DATABASE_URL": scratch_database, "MEDIA_ROOT": str(tmp_path / "restored-media"),
           "DATA_DIR": str(tmp_path / "restored-data")}
    if encrypted:
        wrong = _manage("restore", str(archive), env={**env, "BACKUP_PASSPHRASE": "not it"}, check=False)
        assert wrong.returncode != 0 and "gpg failed" in wrong.stderr
        env["BACKUP_PASSPHRASE"] = PASSPHRASE
    out = _manage("restore", str(archive), env=env).stdout  # no migrate first: pg_restore makes the schema

    restored = json.loads(_manage("shell", "-c", COUNT, env=env).stdout.strip().splitlines()[-1])
    assert "Restored and verified" in out
    for label in ("sessions.session", "operations.workerheartbeat"):  # machine state, not the office's work
        expected.pop(label), restored["rows"].pop(label)
    assert restored["rows"] == expected
    assert expected["audit.auditentry"] > 0 and expected["narratives.timelineevent"] == 1
    assert restored["sha256"] == restored["recorded"] == hashlib.sha256(original).hexdigest()
    # The restored database takes new rows: its id sequences came with the dump.
    _manage("shell", "-c", "from tests.factories import CaseFactory; CaseFactory()", env=env)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_pg_restore_refuses_a_database_that_has_tables(tmp_path, monkeypatch, encrypted):
    """Encrypted or not, the refusal says why (not a gpg error from the decryption it stopped)."""
    monkeypatch.setenv("BACKUP_PASSPHRASE", PASSPHRASE)
    archive = tmp_path / "b.tar.gz"
    call_command("backup", "--out", str(archive), *(["--encrypt"] if encrypted else []))

    with pytest.raises(RestoreError, match="not empty"):
        backup_restore(archive_path=archive, passphrase=PASSPHRASE.encode() if encrypted else None)


@pytest.mark.skipif(ON_POSTGRESQL, reason="the refusal is for SQLite, this run uses PostgreSQL")
@pytest.mark.django_db
def test_encrypt_is_refused_for_a_portable_backup(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKUP_PASSPHRASE", PASSPHRASE)

    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("backup", "--out", str(tmp_path / "b.tar.gz"), "--encrypt")

    assert not list(tmp_path.iterdir())


def test_encryption_streams_both_ways_and_a_wrong_passphrase_is_refused(tmp_path):
    secret = os.urandom(3 << 20)
    with encrypting_writer(tmp_path / "x.gpg", PASSPHRASE.encode()) as sink:
        for start in range(0, len(secret), 1 << 20):
            sink.write(secret[start:start + (1 << 20)])

    with decrypting_reader(tmp_path / "x.gpg", PASSPHRASE.encode()) as source:
        assert source.read() == secret
    with pytest.raises(EncryptionError, match="gpg failed"), decrypting_reader(tmp_path / "x.gpg", b"wrong") as source:
        source.read()


def test_the_passphrase_is_never_taken_from_the_command_line(tmp_path, monkeypatch):
    monkeypatch.delenv("BACKUP_PASSPHRASE", raising=False)
    monkeypatch.delenv("BACKUP_PASSPHRASE_FILE", raising=False)

    with pytest.raises(CommandError, match="No passphrase"):
        call_command("backup", "--out", str(tmp_path / "b.tar.gz"), "--encrypt")
    (tmp_path / "passphrase").write_text(PASSPHRASE + "\n")
    from operations.encryption import passphrase_read

    assert passphrase_read(passphrase_file=tmp_path / "passphrase") == PASSPHRASE.encode()
