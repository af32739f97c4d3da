"""Backup and restore for PostgreSQL through its own tools: `pg_dump --format=custom` of the whole database (schema,
rows, sequences) and `pg_restore` into an empty database, plus every stored file as in the portable backup.

The archive (format 2) is one .tar.gz written and read front to back, so it can go through gpg without ever being on
disk in the clear (operations/encryption.py):

    backup.json                 what this is (format, database kind, when), read first to choose the restore path
    database.pgdump.00000 ...   pg_dump's output in parts of PART bytes, in order (tar needs each member's size
                                before its bytes, and a dump's size is known only at its end)
    media/<name>                every stored file, read through the storage API (a local folder or the bucket)
    manifest.json               last: row counts per model, the dump's SHA-256, every file's SHA-256

pg_dump's output is streamed from the process into the archive one part at a time: at most PART bytes of it are in
memory, whatever the database's size. Its snapshot is the one the row counts are taken in, so the counts describe
exactly the rows dumped even while the app is in use."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import IO

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from operations.backup import CHUNK, BackupSummary, RestoreError, _counts, _Hashing, _sha256_stored, _stored_files

FORMAT = 2
PART = 4 << 20
DUMP_PREFIX = "database.pgdump."


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise RestoreError(f"{name} is not installed: apt-get install postgresql-client (see README, Operations).")
    return path


def _pg_environment() -> dict[str, str]:
    """libpq's variables for Django's database: the password never appears on a command line."""
    db = connection.settings_dict
    env = {**os.environ, "PGDATABASE": db["NAME"]}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if db.get(key):
            env[variable] = str(db[key])
    for variable, option in (("PGSSLMODE", "sslmode"), ("PGSSLROOTCERT", "sslrootcert")):
        if db.get("OPTIONS", {}).get(option):
            env[variable] = str(db["OPTIONS"][option])
    return env


def _not_backed_up_tables() -> list[str]:
    """Tables whose rows describe this machine or its logins, not the office's work (as in the portable backup)."""
    from django.apps import apps

    return [apps.get_model(label)._meta.db_table for label in ("sessions.Session", "operations.WorkerHeartbeat")]


def _add_bytes(archive: tarfile.TarFile, name: str, payload: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(payload)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(payload))


def _dump_into(archive: tarfile.TarFile, snapshot: str) -> dict:
    command = [_tool("pg_dump"), "--format=custom", "--compress=0",  # the archive is gzipped once, as a whole
               f"--snapshot={snapshot}"]
    command += [f"--exclude-table-data={table}" for table in _not_backed_up_tables()]
    digest, size, parts = hashlib.sha256(), 0, 0
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, env=_pg_environment())
        try:
            while part := process.stdout.read(PART):
                digest.update(part)
                size += len(part)
                _add_bytes(archive, f"{DUMP_PREFIX}{parts:05d}", part)
                parts += 1
                del part
        finally:
            process.stdout.close()
            returncode = process.wait()
        if returncode != 0:
            errors.seek(0)
            raise RestoreError(f"pg_dump failed: {errors.read().decode('utf-8', 'replace').strip()}")
    return {"sha256": digest.hexdigest(), "bytes": size, "parts": parts}


def pg_backup_write(sink: IO[bytes]) -> tuple[dict[str, int], int]:
    """Write a format-2 archive of the database and the stored files to `sink`; returns the row counts and the number
    of files. Must run outside any transaction: it opens its own, to share pg_dump's snapshot."""
    if connection.in_atomic_block:
        raise RestoreError("A PostgreSQL backup must start outside a transaction: it shares its snapshot with "
                           "pg_dump.")
    files: dict[str, str] = {}
    with tarfile.open(fileobj=sink, mode="w|gz") as archive:
        _add_bytes(archive, "backup.json", json.dumps(
            {"format": FORMAT, "database": "postgresql", "created_at": timezone.now().isoformat()}).encode())
        with transaction.atomic(), connection.cursor() as cursor:
            # The counts and pg_dump see the same committed rows: pg_dump imports this transaction's snapshot.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone()
            rows = _counts()
            dump = _dump_into(archive, snapshot)
        for name in _stored_files():
            info = tarfile.TarInfo(f"media/{name}")
            info.size = default_storage.size(name)
            with default_storage.open(name, "rb") as handle:
                hashing = _Hashing(handle)
                archive.addfile(info, hashing)
            files[name] = hashing.digest.hexdigest()
        _add_bytes(archive, "manifest.json", json.dumps(
            {"format": FORMAT, "database": "postgresql", "rows": rows, "database_dump": dump, "files": files},
            indent=1).encode())
    return rows, len(files)


def _database_has_tables() -> bool:
    return bool(connection.introspection.table_names())


def pg_backup_read(source: IO[bytes], *, archive_path: Path) -> BackupSummary:
    """Restore a format-2 archive read from `source` into an empty PostgreSQL database (made by createdb, not
    migrated) and empty storage; verify the dump's and every file's SHA-256 and every row count."""
    if connection.vendor != "postgresql":
        raise RestoreError("This backup holds a PostgreSQL dump: restore it with DATABASE_URL naming a PostgreSQL "
                           "database.")
    if _database_has_tables():
        raise RestoreError("The database is not empty: restore a PostgreSQL backup into a new, empty database "
                           "(createdb), without running migrate first.")
    stored: dict[str, str] = {}
    manifest = None
    dump_digest, dump_size = hashlib.sha256(), 0
    with ExitStack() as stack:
        archive = stack.enter_context(tarfile.open(fileobj=source, mode="r|gz"))
        members = iter(archive)  # read once, front to back: the archive may be coming out of gpg
        header = next(members, None)
        if header is None or header.name != "backup.json":
            raise RestoreError("Not a PostgreSQL backup archive (no backup.json first).")
        meta = json.loads(archive.extractfile(header).read())
        if meta.get("format") != FORMAT:
            raise RestoreError(f"Unknown backup format {meta.get('format')!r}.")
        errors = stack.enter_context(tempfile.TemporaryFile())
        # --single-transaction: a restore that fails half-way leaves the database as empty as it was.
        restore = subprocess.Popen(
            [_tool("pg_restore"), "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
             "--dbname", connection.settings_dict["NAME"]],
            stdin=subprocess.PIPE, stderr=errors, env=_pg_environment())
        try:
            for member in members:
                if member.name.startswith(DUMP_PREFIX):
                    if restore.stdin.closed:
                        raise RestoreError("The dump's parts are not together in the archive.")
                    with archive.extractfile(member) as part:
                        for chunk in iter(lambda: part.read(CHUNK), b""):
                            dump_digest.update(chunk)
                            dump_size += len(chunk)
                            restore.stdin.write(chunk)
                    continue
                if not restore.stdin.closed:
                    restore.stdin.close()  # the dump is whole: pg_restore finishes while the files are copied
                if member.name == "manifest.json":
                    manifest = json.loads(archive.extractfile(member).read())
                elif member.name.startswith("media/") and member.isfile():
                    relative = member.name[len("media/"):]
                    stored[relative] = _store(relative, archive.extractfile(member))
                else:
                    raise RestoreError(f"Unexpected entry in the backup: {member.name}")
        except BrokenPipeError as error:
            raise RestoreError("pg_restore stopped: " + _output(errors, restore)) from error
        finally:
            if not restore.stdin.closed:
                restore.stdin.close()
            returncode = restore.wait()
        if returncode != 0:
            raise RestoreError("pg_restore failed: " + _output(errors, restore))
    if manifest is None:
        raise RestoreError("The backup has no manifest: it is incomplete.")
    dump = manifest["database_dump"]
    problems = []
    if (dump_digest.hexdigest(), dump_size) != (dump["sha256"], dump["bytes"]):
        problems.append("the database dump differs from the one backed up")
    problems += [f"file {name}: missing or changed" for name, digest in manifest["files"].items()
                 if stored.get(name) != digest]
    problems += [f"file {name}: not in the manifest" for name in set(stored) - set(manifest["files"])]
    counts = _counts()
    problems += [f"{label}: {count} expected, {counts.get(label, 0)} restored"
                 for label, count in manifest["rows"].items() if counts.get(label, 0) != count]
    if problems:
        raise RestoreError("The restore does not match the backup: " + "; ".join(problems[:10]))
    return BackupSummary(path=archive_path, rows=manifest["rows"], files=len(manifest["files"]))


def _output(errors: IO[bytes], process: subprocess.Popen) -> str:
    process.wait()
    errors.seek(0)
    return errors.read().decode("utf-8", "replace").strip()[-2000:] or f"exit status {process.returncode}"


def _store(relative: str, source: IO[bytes]) -> str:
    """Save one file from the archive through the storage API; returns its SHA-256 as stored."""
    if relative.startswith("/") or ".." in Path(relative).parts:
        raise RestoreError(f"Unsafe path in the backup: {relative}")
    with source, tempfile.TemporaryFile() as spool:
        digest = hashlib.sha256()
        for chunk in iter(lambda: source.read(CHUNK), b""):
            digest.update(chunk)
            spool.write(chunk)
        if default_storage.exists(relative):
            # A restore run again after a failure finds its own files: the same bytes are kept.
            if _sha256_stored(relative) == digest.hexdigest():
                return digest.hexdigest()
            raise RestoreError(f"The storage already holds a different {relative}: restore into empty storage.")
        spool.seek(0)
        if default_storage.save(relative, File(spool, name=relative)) != relative:
            raise RestoreError(f"The storage renamed {relative}.")
    return _sha256_stored(relative)
