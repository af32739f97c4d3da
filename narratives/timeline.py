"""Presentation of the timeline that does not belong in templates: the year strip and spreadsheet rows."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass

from common.dates import describe_when, precision_of
from narratives.models import TimelineEvent


@dataclass(frozen=True, slots=True)
class YearBar:
    category: str
    count: int
    y: float
    height: float


@dataclass(frozen=True, slots=True)
class YearColumn:
    year: int
    x: float
    total: int
    bars: tuple[YearBar, ...]  # one stacked segment per category, bottom up
    decade_start: bool


@dataclass(frozen=True, slots=True)
class YearStrip:
    """A horizontal timeline: one column per year from the first to the last, empty years kept visible.

    Built from counts per (year, category), so its size does not depend on how many events there are."""

    columns: tuple[YearColumn, ...]
    width: float
    height: float
    baseline: float
    gaps: tuple[tuple[int, int], ...]  # runs of 3+ years with no event: a finding in itself
    birth_year: int | None
    column_width: float
    tallest: int


def year_strip(counts: list[tuple[int, str, int]], *, birth_year: int | None,
               today: datetime.date | None = None) -> YearStrip | None:
    """`counts` holds (year, category, number of events) for the dated events shown."""
    if not counts:
        return None
    by_year: dict[int, dict[str, int]] = {}
    for year, category, number in counts:
        by_year.setdefault(year, {})[category] = by_year.get(year, {}).get(category, 0) + number
    first = min([*by_year, *([birth_year] if birth_year else [])])
    last = max(max(by_year), (today or datetime.date.today()).year)
    years = last - first + 1
    column_width = max(14.0, min(40.0, 1000.0 / years))
    tallest = max(sum(c.values()) for c in by_year.values())
    plot_height = 150.0
    unit = plot_height / tallest
    baseline = plot_height + 6
    columns = []
    for year in range(first, last + 1):
        bars, top = [], baseline
        for category, number in sorted(by_year.get(year, {}).items()):
            height = max(2.0, number * unit)
            top -= height
            bars.append(YearBar(category=category, count=number, y=top, height=height))
        columns.append(YearColumn(year=year, x=(year - first) * column_width, total=sum(by_year.get(year, {}).values()),
                                  bars=tuple(bars), decade_start=year % 10 == 0))
    gaps, run_start = [], None
    for column in columns:
        if not column.total and run_start is None:
            run_start = column.year
        if column.total and run_start is not None:
            if column.year - run_start >= 3:
                gaps.append((run_start, column.year - 1))
            run_start = None
    if run_start is not None and last + 1 - run_start >= 3:
        gaps.append((run_start, last))
    return YearStrip(
        columns=tuple(columns), width=len(columns) * column_width, height=baseline + 30, baseline=baseline,
        gaps=tuple(gaps), birth_year=birth_year, column_width=column_width, tallest=tallest,
    )


def strip_svg(strip: YearStrip, *, labels: dict[str, str]) -> str:
    """The year strip as SVG markup, built here: a template loop over every bar was most of the page's cost."""
    from html import escape

    parts = [f'<svg class="strip" width="{strip.width:.0f}" height="{strip.height:.0f}" role="img" '
             f'aria-label="Accepted events by year">']
    width, inner = strip.column_width, strip.column_width - 6
    for column in strip.columns:
        parts.append(f'<g transform="translate({column.x:.1f},0)">')
        if not column.total:
            parts.append(f'<rect class="empty-year" x="1" y="0" width="{width - 2:.1f}" height="{strip.baseline:.1f}">'
                         f"<title>{column.year}: no accepted event</title></rect>")
        for bar in column.bars:
            label = escape(labels.get(bar.category, bar.category))
            plural = "" if bar.count == 1 else "s"
            parts.append(
                f'<a href="?category={bar.category}&amp;year_from={column.year}&amp;year_to={column.year}">'
                f'<rect class="bar cat-{bar.category}" x="3" y="{bar.y:.1f}" width="{inner:.1f}" height="{bar.height:.1f}">'
                f"<title>{column.year} · {label}: {bar.count} event{plural}</title></rect></a>"
            )
        parts.append(f'<line class="axis" x1="0" x2="{width:.1f}" y1="{strip.baseline:.1f}" y2="{strip.baseline:.1f}"></line>')
        if column.decade_start or column is strip.columns[0] or column is strip.columns[-1]:
            parts.append(f'<text class="year" x="0" y="{strip.height - 10:.0f}">{column.year}</text>')
        if column.decade_start:
            parts.append(f'<line class="decade" x1="0" x2="0" y1="0" y2="{strip.baseline:.1f}"></line>')
        if column.year == strip.birth_year:
            parts.append('<text class="birth" x="0" y="10">born</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


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
