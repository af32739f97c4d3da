"""Values the extraction pipeline passes around: plain frozen dataclasses, no Django."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

PAGE_SEPARATOR = "\f"  # the extract contract joins pages with form feeds


@dataclass(frozen=True, slots=True)
class PageText:
    """One page of a record as read: its text and how it was read."""

    number: int  # 1-based, as a person cites it
    text: str
    ocr_used: bool = False
    ocr_confidence: float | None = None  # Tesseract's mean word confidence, 0-100


@dataclass(frozen=True, slots=True)
class ExtractedText:
    path: str
    pages: tuple[str, ...]
    ocr_pages: frozenset[int] = field(default_factory=frozenset)  # 1-based numbers of pages read by OCR

    @property
    def text(self) -> str:
        return PAGE_SEPARATOR.join(self.pages)


@dataclass(frozen=True, slots=True)
class FoundEvent:
    """One event a record asserts; field names as in the JSON of shared/eval/CONTRACT.md."""

    kind: Literal["life_event", "service_engagement"]
    category: str
    start: int  # character offsets into ExtractedText.text
    end: int
    sentence: str
    page: int
    date: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD
    date_end: str | None = None
    age: int | None = None
    status: str | None = None
    provider: str | None = None
    subject: str = "client"  # or the family member whose fact shaped the client's life
    confidence: float = 0.5  # the model's probability that the span states this event
    cue: str = ""  # the word the model weighed most for this category: what a reviewer checks first
