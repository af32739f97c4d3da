"""Zip archives of records, as agencies deliver them: opened into their files, each then uploaded like any other.

A Word document is a zip file too; it is a record, not an archive (it has word/document.xml). An archive is
checked before anything is stored: encrypted members, members larger than a record may be, more unpacked bytes
than the zip-bomb limit, and too many files are refused with a message naming the file. Folders inside the archive
are flattened (names never reach the file system: evidence stores records under random names), hidden files and
the __MACOSX folder are skipped, and an archive inside an archive is opened once more, no deeper.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.files import File

MAX_MEMBERS = 2000
MAX_DEPTH = 2
_SKIPPED_NAMES = {".ds_store", "thumbs.db", "desktop.ini"}


@dataclass(frozen=True, slots=True)
class ArchiveMember:
    name: str  # "delivery.zip/school/A03.docx": where it came from, for the person reading the outcome
    file: File | None
    error: str | None = None


_OFFICE_SUFFIXES = (".docx", ".docm", ".dotx", ".xlsx", ".pptx", ".odt")


def is_archive(file: File) -> bool:
    """A zip file that is not a Word document, nor named as one (a damaged .docx is refused as a damaged Word
    document, not opened as an archive)."""
    if (file.name or "").lower().endswith(_OFFICE_SUFFIXES):
        return False
    file.seek(0)
    try:
        if not zipfile.is_zipfile(file):
            return False
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
        return "word/document.xml" not in names and "[Content_Types].xml" not in names
    except (OSError, zipfile.BadZipFile):
        return False
    finally:
        file.seek(0)


def _skipped(name: str) -> bool:
    parts = [part for part in name.replace("\\", "/").split("/") if part]
    return not parts or parts[0] == "__MACOSX" or parts[-1].startswith(".") or parts[-1].lower() in _SKIPPED_NAMES


def archive_members(file: File, *, name: str, depth: int = 1) -> Iterator[ArchiveMember]:
    """The records inside a zip archive, one at a time (each in a temporary file), or one error for the archive.

    Each yielded file is closed when the next one is asked for: upload it before going on."""
    file.seek(0)
    try:
        archive = zipfile.ZipFile(file)
    except (OSError, zipfile.BadZipFile):
        yield ArchiveMember(
            name, None, "The zip archive is damaged and cannot be opened. Ask the sender for a new copy."
        )
        return
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir() and not _skipped(m.filename)]
        total = sum(m.file_size for m in members)
        if len(members) > MAX_MEMBERS:
            yield ArchiveMember(name, None, f"The archive holds {len(members)} files; at most {MAX_MEMBERS} are "
                                "taken at once. Split it into smaller archives.")
            return
        if total > settings.RECORD_MAX_UNZIPPED_BYTES:
            yield ArchiveMember(name, None, f"The archive would unpack to {total / 1_048_576:.0f} MB, more than the "
                                f"{settings.RECORD_MAX_UNZIPPED_BYTES / 1_048_576:.0f} MB allowed. Split it into "
                                "smaller archives.")
            return
        if not members:
            yield ArchiveMember(name, None, "The archive holds no files.")
            return
        for member in members:
            where = f"{name}/{member.filename}"
            if member.flag_bits & 0x1:
                yield ArchiveMember(where, None, "This file is encrypted in the archive. Unpack the archive with "
                                    "its password and upload the files themselves.")
                continue
            if member.file_size > settings.RECORD_MAX_BYTES:
                yield ArchiveMember(where, None, f"The file is {member.file_size / 1_048_576:.0f} MB; the limit is "
                                    f"{settings.RECORD_MAX_BYTES / 1_048_576:.0f} MB. Split it into smaller files.")
                continue
            with tempfile.SpooledTemporaryFile(max_size=8 * 1_048_576) as copy:
                try:
                    with archive.open(member) as source:
                        # Never more than the member says it holds: a lying header is a zip bomb.
                        data = source.read(member.file_size + 1)
                        while data:
                            copy.write(data)
                            if copy.tell() > member.file_size:
                                raise zipfile.BadZipFile("member larger than declared")
                            data = source.read(1_048_576)
                except (OSError, zipfile.BadZipFile, EOFError, NotImplementedError):
                    yield ArchiveMember(where, None, "This file is damaged inside the archive and cannot be unpacked.")
                    continue
                copy.seek(0)
                inner = File(copy, name=member.filename.replace("\\", "/").rsplit("/", 1)[-1])
                inner.size = member.file_size
                if is_archive(inner):
                    if depth >= MAX_DEPTH:
                        yield ArchiveMember(where, None, "An archive inside an archive inside an archive is not "
                                            "opened. Unpack it and upload the files.")
                        continue
                    yield from archive_members(inner, name=where, depth=depth + 1)
                    continue
                yield ArchiveMember(where, inner)
