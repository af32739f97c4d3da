"""Backup and restore of everything the office would lose with the machine: the database and the files.

A backup is one .tar.gz: `data.json` (every row, Django's serialisation, portable between SQLite and
PostgreSQL), `media/` (original records and exports, byte for byte) and `manifest.json` (row counts per
model and the sha256 of every file, checked again on restore). A backup made by an earlier version restores too:
its rows are read as today's schema has them (`_upgrade_rows`)."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import management
from django.db import connection
from django.utils import timezone

EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]
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
        if model._meta.app_label not in skip_apps and model._meta.label_lower != "auth.permission"
    }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def backup_create(*, out: Path) -> BackupSummary:
    """Write a consistent backup archive to `out` (a file path ending in .tar.gz)."""
    media_root = Path(settings.MEDIA_ROOT)
    data = io.StringIO()
    management.call_command("dumpdata", exclude=EXCLUDED, natural_foreign=True, natural_primary=False,
                            indent=None, stdout=data)
    files = {
        str(path.relative_to(media_root)): _sha256(path)
        for path in sorted(media_root.rglob("*")) if path.is_file()
    } if media_root.exists() else {}
    manifest = {"format": FORMAT, "created_at": timezone.now().isoformat(), "rows": _counts(), "files": files}
    out.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(out, "w:gz") as archive:
        for name, payload in (("data.json", data.getvalue()), ("manifest.json", json.dumps(manifest, indent=1))):
            encoded = payload.encode("utf-8")
            info = tarfile.TarInfo(name)
            info.size = len(encoded)
            archive.addfile(info, io.BytesIO(encoded))
        for relative in files:
            archive.add(media_root / relative, arcname=f"media/{relative}", recursive=False)
    return BackupSummary(path=out, rows=manifest["rows"], files=len(files))


class RestoreError(Exception):
    pass


def _database_is_empty() -> bool:
    from cases.models import Case

    return not Case.objects.exists() and not apps.get_model("auth", "User").objects.exists()


def backup_restore(*, archive_path: Path) -> BackupSummary:
    """Restore a backup into an empty, migrated database and media folder; verify every row count and file."""
    if not _database_is_empty():
        raise RestoreError("The database is not empty: restore only into a fresh database (run migrate on a new one).")
    media_root = Path(settings.MEDIA_ROOT)
    with tarfile.open(archive_path, "r:gz") as archive:
        manifest = json.loads(archive.extractfile("manifest.json").read())
        if manifest.get("format") != FORMAT:
            raise RestoreError(f"Unknown backup format {manifest.get('format')!r}.")
        _upgrade_manifest(manifest)
        with tempfile.TemporaryDirectory(prefix="restore-") as temp:
            data_path = Path(temp) / "data.json"
            rows = _upgrade_rows(json.loads(archive.extractfile("data.json").read()))
            data_path.write_text(json.dumps(rows), encoding="utf-8")
            for member in archive.getmembers():
                if not member.name.startswith("media/") or not member.isfile():
                    continue
                relative = member.name[len("media/"):]
                if relative not in manifest["files"]:
                    raise RestoreError(f"Unexpected file in the backup: {relative}")
                target = (media_root / relative).resolve()
                if not target.is_relative_to(media_root.resolve()):
                    raise RestoreError(f"Unsafe path in the backup: {relative}")
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.extractfile(member) as source, target.open("wb") as handle:
                    handle.write(source.read())
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
        if not (media_root / relative).is_file() or _sha256(media_root / relative) != digest
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
