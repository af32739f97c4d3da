"""Backup and restore of everything the office would lose with the machine: the database and the files.

On PostgreSQL a backup is pg_dump's own dump of the database and the files, optionally encrypted with gpg
(operations/pg_backup.py, operations/encryption.py). Elsewhere (SQLite), the portable backup below.

A portable backup is one .tar.gz: `data.json` (every row, Django's serialisation, portable between SQLite and
PostgreSQL), `media/` (original records and exports, byte for byte) and `manifest.json` (row counts per
model and the sha256 of every file, checked again on restore). A backup made by an earlier version restores too:
its rows are read as today's schema has them (`_upgrade_rows`).

Streamed: the rows go to a temporary file and every stored file is read in chunks through the storage API (the
local folder or the bucket alike), so neither a large database nor a large record is ever held in memory whole."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.apps import apps
from django.core import management
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

# Heartbeats describe the machine that wrote them, not the office's work: a restored one would claim a worker is up.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "operations.workerheartbeat"]
NOT_BACKED_UP = {"healthz"}  # top-level storage folders of no value (health-check probes)
CHUNK = 1 << 20
FORMAT = 1
# Models that moved to another app since a backup may have been made: the label it has -> the label now.
MOVED_MODELS = {"narratives.case": "cases.case", "narratives.casemembership": "cases.casemembership"}


@dataclass(frozen=True, slots=True)
class BackupSummary:
    path: Path
    rows: dict[str, int]
    files: int


def _counts() -> dict[str, int]:
    skip_apps = {"contenttypes", "sessions", "admin"}
    return {
        model._meta.label_lower: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label not in skip_apps and model._meta.label_lower not in {"auth.permission",
                                                                                     "operations.workerheartbeat"}
    }


def _stored_files(folder: str = "") -> Iterator[str]:
    """Every stored file's name, through the storage API (a local folder or a bucket)."""
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:  # nothing stored yet
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        if folder or sub not in NOT_BACKED_UP:
            yield from _stored_files(f"{folder}/{sub}" if folder else sub)


def _sha256_stored(name: str) -> str:
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


class _Hashing(io.RawIOBase):
    """Reads through to `source`, hashing what passes: the archive and the manifest see the same bytes."""

    def __init__(self, source) -> None:
        self.source = source
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = self.source.read(size)
        self.digest.update(chunk)
        return chunk


def backup_create(*, out: Path, passphrase: bytes | None = None, portable: bool = False) -> BackupSummary:
    """Write a consistent backup archive to `out`, streaming rows and files; encrypted with gpg when a passphrase is
    given. On PostgreSQL the rows are a pg_dump (operations/pg_backup.py) unless `portable` asks for Django's
    serialisation, which restores into SQLite or PostgreSQL alike. The archive appears under its name only once it is
    complete."""
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")
    try:
        if connection.vendor == "postgresql" and not portable:
            from operations.pg_backup import pg_backup_write

            with _sink(partial, passphrase) as sink:
                rows, files = pg_backup_write(sink)
        else:
            if passphrase is not None:
                raise RestoreError("Encrypted backups are pg_dump backups of PostgreSQL; a portable backup is not "
                                   "encrypted (encrypt its archive with gpg yourself).")
            rows, files = _portable_backup_write(partial)
        partial.replace(out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupSummary(path=out, rows=rows, files=files)


@contextmanager
def _sink(path: Path, passphrase: bytes | None) -> Iterator[IO[bytes]]:
    if passphrase is None:
        with path.open("wb") as handle:
            yield handle
    else:
        from operations.encryption import encrypting_writer

        with encrypting_writer(path, passphrase) as handle:
            yield handle


def _portable_backup_write(out: Path) -> tuple[dict[str, int], int]:
    with tempfile.TemporaryDirectory(prefix="backup-") as temp:
        data_path = Path(temp) / "data.json"
        management.call_command("dumpdata", exclude=EXCLUDED, natural_foreign=True, natural_primary=False,
                                indent=None, output=str(data_path), verbosity=0)
        rows = _counts()
        files: dict[str, str] = {}
        with tarfile.open(out, "w:gz") as archive:
            archive.add(data_path, arcname="data.json", recursive=False)
            for name in _stored_files():
                info = tarfile.TarInfo(f"media/{name}")
                info.size = default_storage.size(name)
                with default_storage.open(name, "rb") as handle:
                    hashing = _Hashing(handle)
                    archive.addfile(info, hashing)
                files[name] = hashing.digest.hexdigest()
            # Last, so it lists exactly the files that went in; restore finds it by name.
            manifest = json.dumps({"format": FORMAT, "created_at": timezone.now().isoformat(), "rows": rows,
                                   "files": files}, indent=1).encode("utf-8")
            info = tarfile.TarInfo("manifest.json")
            info.size = len(manifest)
            archive.addfile(info, io.BytesIO(manifest))
    return rows, len(files)


class RestoreError(Exception):
    pass


def _database_is_empty() -> bool:
    from cases.models import Case

    return not Case.objects.exists() and not apps.get_model("auth", "User").objects.exists()


def backup_restore(*, archive_path: Path, passphrase: bytes | None = None) -> BackupSummary:
    """Restore a backup and verify every row count and file: a PostgreSQL one (pg_restore) into an empty database
    made by createdb, a portable one into an empty, migrated database; storage empty in both cases."""
    from operations.encryption import decrypting_reader, is_encrypted

    encrypted = is_encrypted(archive_path)
    if encrypted and passphrase is None:
        raise RestoreError("This backup is encrypted: give its passphrase (BACKUP_PASSPHRASE or --passphrase-file).")
    if encrypted or _is_pg_backup(archive_path):
        from operations.pg_backup import pg_backup_read

        with ExitStack() as stack:
            source = (stack.enter_context(decrypting_reader(archive_path, passphrase)) if encrypted
                      else stack.enter_context(archive_path.open("rb")))
            return pg_backup_read(source, archive_path=archive_path)
    return _portable_restore(archive_path)


def _is_pg_backup(path: Path) -> bool:
    """Format 2 (PostgreSQL) archives start with backup.json; portable ones with data.json."""
    try:
        with tarfile.open(path, "r|gz") as archive:
            first = archive.next()
    except (tarfile.TarError, OSError) as error:
        raise RestoreError(f"Not a backup archive: {path} ({error})") from error
    return first is not None and first.name == "backup.json"


def _portable_restore(archive_path: Path) -> BackupSummary:
    if not _database_is_empty():
        raise RestoreError("The database is not empty: restore only into a fresh database (run migrate on a new one).")
    with tarfile.open(archive_path, "r:gz") as archive:
        manifest = json.loads(archive.extractfile("manifest.json").read())
        if manifest.get("format") != FORMAT:
            raise RestoreError(f"Unknown backup format {manifest.get('format')!r}.")
        _upgrade_manifest(manifest)
        with tempfile.TemporaryDirectory(prefix="restore-") as temp:
            data_path = Path(temp) / "data.json"
            with archive.extractfile("data.json") as source:
                rows = _upgrade_rows(json.load(source))  # loaddata reads a fixture whole in any case
            with data_path.open("w", encoding="utf-8") as handle:
                json.dump(rows, handle)
            del rows
            for member in archive.getmembers():
                if not member.name.startswith("media/") or not member.isfile():
                    continue
                relative = member.name[len("media/"):]
                if relative not in manifest["files"]:
                    raise RestoreError(f"Unexpected file in the backup: {relative}")
                if relative.startswith("/") or ".." in Path(relative).parts:
                    raise RestoreError(f"Unsafe path in the backup: {relative}")
                if default_storage.exists(relative):
                    # A restore run again after a failure finds its own files: the same bytes are kept.
                    if _sha256_stored(relative) == manifest["files"][relative]:
                        continue
                    raise RestoreError(f"The storage already holds a different {relative}: restore into empty storage.")
                with archive.extractfile(member) as source, tempfile.TemporaryFile() as spool:
                    shutil.copyfileobj(source, spool, CHUNK)
                    spool.seek(0)
                    stored = default_storage.save(relative, File(spool, name=relative))
                if stored != relative:
                    raise RestoreError(f"The storage renamed {relative} to {stored}.")
            management.call_command("loaddata", str(data_path), verbosity=0)
    _reset_sequences()
    problems = [
        f"{label}: {count} expected, {have} restored"
        for label, count in manifest["rows"].items()
        if (have := _counts().get(label, 0)) != count
    ]
    problems += [
        f"file {relative}: missing or changed"
        for relative, digest in manifest["files"].items()
        if not default_storage.exists(relative) or _sha256_stored(relative) != digest
    ]
    if problems:
        raise RestoreError("The restore does not match the backup: " + "; ".join(problems[:10]))
    return BackupSummary(path=archive_path, rows=manifest["rows"], files=len(manifest["files"]))


def _upgrade_rows(rows: list[dict]) -> list[dict]:
    """Rows of a backup made by an earlier version, as today's schema has them: moved models under their new label,
    and the review's link from a proposal to the event it became kept by the event (`TimelineEvent.candidates`)."""
    candidates_of: dict[int, list[int]] = {}
    for row in rows:
        row["model"] = MOVED_MODELS.get(row["model"], row["model"])
        if row["model"] == "extraction.eventcandidate" and "timeline_event" in row["fields"]:
            event_id = row["fields"].pop("timeline_event")
            if event_id is not None:
                candidates_of.setdefault(event_id, []).append(row["pk"])
    for row in rows:
        if row["model"] == "narratives.timelineevent" and row["pk"] in candidates_of:
            row["fields"]["candidates"] = sorted({*row["fields"].get("candidates", []), *candidates_of[row["pk"]]})
    return rows


def _upgrade_manifest(manifest: dict) -> None:
    rows = manifest["rows"]
    for old, new in MOVED_MODELS.items():
        if old in rows:
            rows[new] = rows.get(new, 0) + rows.pop(old)


def _reset_sequences() -> None:
    """After loading rows with their ids, PostgreSQL's id sequences must move past them."""
    if connection.vendor != "postgresql":
        return
    from django.core.management.color import no_style

    models = list(apps.get_models())
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
