"""The pipeline's record reading (`pipeline.text`), as the reader evidence asks for (see evidence/reading.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from evidence.reading import RecordUnreadable
from extraction.pipeline.text import UnreadableRecord, check_record, iter_pages, page_count
from extraction.pipeline.types import PageText


class PipelineRecordReader:
    def check(self, path: Path, *, max_bytes: int, max_pages: int, max_unzipped_bytes: int) -> str:
        try:
            return check_record(
                path, max_bytes=max_bytes, max_pages=max_pages, max_unzipped_bytes=max_unzipped_bytes
            ).value
        except UnreadableRecord as error:
            raise RecordUnreadable(error.message) from error

    def page_count(self, path: Path) -> int:
        try:
            return page_count(path)
        except UnreadableRecord as error:
            raise RecordUnreadable(error.message) from error

    def pages(self, path: Path, *, ocr: bool, ocr_dpi: int) -> Iterator[PageText]:
        try:
            yield from iter_pages(path, ocr=ocr, ocr_dpi=ocr_dpi)
        except UnreadableRecord as error:
            raise RecordUnreadable(error.message) from error
