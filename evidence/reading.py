"""How a record is read. Evidence stores records and their pages; reading them (PDF text layers in reading order,
Word paragraphs and tables, OCR of scans, the checks against hostile files) is the work of the extraction app's
pure-Python pipeline, which plugs its reader in here from its AppConfig.ready(). So evidence never imports the app
above it (README.md, "Architecture"), and this module says all that evidence needs of a reader."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured


class RecordUnreadable(Exception):
    """A file that cannot (or must not) be read as a record; `message` tells a person what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ReadPage(Protocol):
    number: int  # 1-based, as a person cites it
    text: str
    ocr_used: bool
    ocr_confidence: float | None


class RecordReader(Protocol):
    def check(self, path: Path, *, max_bytes: int, max_pages: int, max_unzipped_bytes: int) -> str:
        """The record's file kind ("pdf", "docx", "text" or "image"), judged by its content, fast enough for an
        upload request; RecordUnreadable if it must not be stored."""

    def page_count(self, path: Path) -> int:
        """How many pages `pages` yields; RecordUnreadable for a file that cannot be read."""

    def pages(self, path: Path, *, ocr: bool, ocr_dpi: int) -> Iterator[ReadPage]:
        """The record's pages in order, one at a time; RecordUnreadable for a file that cannot be read."""


_reader: RecordReader | None = None


def record_reader_set(reader: RecordReader) -> None:
    global _reader
    _reader = reader


def record_reader() -> RecordReader:
    if _reader is None:
        raise ImproperlyConfigured("No record reader: the extraction app plugs its pipeline in when it is installed.")
    return _reader
