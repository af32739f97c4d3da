"""Presentation of the timeline that does not belong in templates: the year strip and spreadsheet rows."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass

from narratives.dates import describe_when, precision_of
from narratives.models import TimelineEvent


@dataclass(frozen=True, slots=True)
class YearColumn:
    year: int
    x: float
    events: tuple[TimelineEvent, ...]
    dots: tuple[tuple[TimelineEvent, float], ...]  # each event with the height of its dot
    decade_start: bool


@dataclass(frozen=True, slots=True)
class YearStrip:
    """A horizontal timeline: one column per year from the first to the last, empty years kept visible."""

    columns: tuple[YearColumn, ...]
    width: float
    height: float
    gaps: tuple[tuple[int, int], ...]  # runs of 3+ years with no event: a finding in itself
    birth_year: int | None
    column_width: float
    dot: float

    @property
    def center(self) -> float:
        return self.column_width / 2

    @property
    def baseline(self) -> float:
        return self.height - 30


def year_strip(events: list[TimelineEvent], *, birth_year: int | None, today: datetime.date | None = None) -> YearStrip | None:
    dated = [e for e in events if e.date_sort]
    if not dated:
        return None
    first = min([e.date_sort.year for e in dated] + ([birth_year] if birth_year else []))
    last = max(max(e.date_sort.year for e in dated), (today or datetime.date.today()).year)
    by_year: dict[int, list[TimelineEvent]] = {}
    for event in dated:
        by_year.setdefault(event.date_sort.year, []).append(event)
    years = last - first + 1
    column_width, dot = max(14.0, min(40.0, 1000.0 / years)), 10.0
    tallest = max(len(v) for v in by_year.values())
    height = tallest * (dot + 3) + 40
    baseline = height - 30

    def dots(year: int) -> tuple[tuple[TimelineEvent, float], ...]:
        return tuple((event, baseline - (i + 0.5) * (dot + 3)) for i, event in enumerate(by_year.get(year, ())))

    columns = tuple(
        YearColumn(
            year=year, x=(year - first) * column_width, events=tuple(by_year.get(year, ())), dots=dots(year),
            decade_start=year % 10 == 0,
        )
        for year in range(first, last + 1)
    )
    gaps, run_start = [], None
    for column in columns:
        if not column.events and run_start is None:
            run_start = column.year
        if column.events and run_start is not None:
            if column.year - run_start >= 3:
                gaps.append((run_start, column.year - 1))
            run_start = None
    if run_start is not None and last + 1 - run_start >= 3:
        gaps.append((run_start, last))
    return YearStrip(
        columns=columns,
        width=len(columns) * column_width,
        height=height,
        gaps=tuple(gaps),
        birth_year=birth_year,
        column_width=column_width,
        dot=dot,
    )


SPREADSHEET_HEADER = ["Date", "Until", "Precision", "Age", "Category", "Kind", "Summary", "Subject", "Sources",
                      "Key fact", "Client consent", "Staff note"]


def spreadsheet_rows(events: list[TimelineEvent]) -> list[list[str]]:
    rows = []
    for event in events:
        sources = "; ".join(f"{s.document.original_name} p. {s.page_number}" for s in event.sources.all())
        rows.append([
            event.date, event.date_end, precision_of(event.date) or ("age" if event.age is not None else "undated"),
            "" if event.age is None else str(event.age), event.get_category_display(), event.get_kind_display(),
            event.summary, event.subject, sources, "yes" if event.key_fact else "", event.get_consent_display(),
            event.note,
        ])
    return rows


def _spreadsheet_safe(value: str) -> str:
    # A cell starting with = + - @ is run as a formula by spreadsheet programs (CSV injection).
    return "'" + value if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value


def timeline_csv(events: list[TimelineEvent]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(SPREADSHEET_HEADER)
    for row in spreadsheet_rows(events):
        writer.writerow([_spreadsheet_safe(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


def timeline_xlsx(events: list[TimelineEvent], *, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Timeline"
    sheet.append(SPREADSHEET_HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in spreadsheet_rows(events):
        sheet.append([_spreadsheet_safe(cell) for cell in row])
    widths = [11, 11, 10, 6, 22, 18, 70, 12, 40, 9, 22, 40]
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    for row in sheet.iter_rows(min_row=2):
        row[6].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    workbook.properties.title = title
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def when(event: TimelineEvent) -> str:
    return describe_when(date=event.date, date_end=event.date_end, age=event.age)
