"""Reading a provider's attendance export (CSV): every row is checked, and any error rejects the whole file.

Columns (named on the first line, in any order, any case): `date`, `status` (attended / missed / excused),
optionally `note` and `client_id` (the provider's id for the client, e.g. a student number). Dates are
YYYY-MM-DD or MM/DD/YYYY. Errors say where: "line 7: ...", counting the header as line 1.
Pure Python: the checks that need the engagement (sessions already logged, its client id, its start) are in
`services.attendance_import`."""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass

from engagements.attendance import ATTENDED, EXCUSED, MISSED, long_date

MAX_ROWS = 1000
MAX_BYTES = 1_000_000
MAX_NOTE = 500
MAX_ERRORS_SHOWN = 500  # every bad row of any real export; beyond, the file is not an attendance export

COLUMN_NAMES = {
    "date": "date", "session date": "date", "date of session": "date", "service date": "date",
    "status": "status", "attendance": "status", "attendance status": "status",
    "note": "note", "notes": "note", "comment": "note", "comments": "note",
    "client id": "client_id", "clientid": "client_id", "client": "client_id", "participant id": "client_id",
    "student no": "client_id", "student no.": "client_id", "student number": "client_id", "student id": "client_id",
}
STATUS_WORDS = {
    "attended": ATTENDED, "present": ATTENDED, "attended session": ATTENDED,
    "missed": MISSED, "absent": MISSED, "no show": MISSED, "no-show": MISSED, "unexcused": MISSED,
    "excused": EXCUSED, "excused absence": EXCUSED,
}
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y")


@dataclass(frozen=True, slots=True)
class AttendanceRow:
    line: int
    date: datetime.date
    status: str  # attended / missed / excused
    note: str = ""
    client_id: str = ""


class AttendanceCsvRejected(Exception):
    """The file was not imported; `errors` says why, line by line."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors[:3]))
        self.errors = errors


def _header_key(name: str) -> str:
    return " ".join(name.replace("_", " ").strip().lower().split())


def _parse_date(raw: str) -> datetime.date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    return None


def _decode(data: bytes) -> str:
    if not data.strip():
        raise AttendanceCsvRejected(["The file is empty. Export the attendance again: it needs a header line "
                                     "(date, status, note) and one line per session."])
    if data[:2] == b"PK" or data[:4] == b"\xd0\xcf\x11\xe0":
        raise AttendanceCsvRejected(["This is a spreadsheet workbook, not a CSV file. In Excel, use "
                                     "File › Save As › “CSV UTF-8 (Comma delimited)” and import that file."])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise AttendanceCsvRejected([f"line {line}: the file is not UTF-8 text. Save it again as "
                                     "“CSV UTF-8” (in Excel: File › Save As) and import that file."]) from None
    if "\x00" in text:
        raise AttendanceCsvRejected(["The file holds binary data, not CSV text. Export the attendance as CSV."])
    return text


def parse_attendance_csv(
    data: bytes, *, today: datetime.date, max_rows: int = MAX_ROWS, max_bytes: int = MAX_BYTES
) -> list[AttendanceRow]:
    """The rows of a valid file, or AttendanceCsvRejected listing every problem found (nothing partial)."""
    rows, errors = read_attendance_csv(data, today=today, max_rows=max_rows, max_bytes=max_bytes)
    if errors:
        raise AttendanceCsvRejected(errors)
    return rows


def errors_by_line(errors: list[str]) -> list[str]:
    """Problems in the order of the file's lines (those about the whole file first), each said once."""
    def line_of(error: str) -> int:
        match = re.match(r"line (\d+):", error)
        return int(match[1]) if match else 0

    return sorted(dict.fromkeys(errors), key=line_of)


def read_attendance_csv(
    data: bytes, *, today: datetime.date, max_rows: int = MAX_ROWS, max_bytes: int = MAX_BYTES
) -> tuple[list[AttendanceRow], list[str]]:
    """The good rows of the file and a problem for every bad one, so a person fixes the file in one go; raises
    AttendanceCsvRejected when the file as a whole cannot be read (empty, not CSV, no date or status column)."""
    if len(data) > max_bytes:
        raise AttendanceCsvRejected([f"The file is {len(data) / 1_000_000:.1f} MB; an attendance export is at most "
                                     f"{max_bytes / 1_000_000:.0f} MB. Check that this is the right file."])
    text = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    errors: list[str] = []
    try:
        header = next(reader)
    except StopIteration:
        raise AttendanceCsvRejected(["The file is empty."]) from None
    except csv.Error as error:
        raise AttendanceCsvRejected([f"line 1: not valid CSV ({error})."]) from None

    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        key = COLUMN_NAMES.get(_header_key(name))
        if key is None:
            continue  # other columns a provider exports (hours, instructor) are left alone
        if key in columns:
            errors.append(f"line 1: two columns mean “{key}” (“{header[columns[key]]}” and “{name.strip()}”); keep one.")
        columns.setdefault(key, index)
    missing = [name for name in ("date", "status") if name not in columns]
    if missing:
        found = ", ".join(f"“{h.strip()}”" for h in header if h.strip()) or "nothing"
        raise AttendanceCsvRejected([
            f"line 1: no {' and no '.join(f'“{m}”' for m in missing)} column (the first line has {found}). "
            "The first line must name the columns: date, status, and optionally note and client_id."
        ] + errors)

    rows: list[tuple[int, list[str]]] = []
    try:
        for values in reader:
            if not any(value.strip() for value in values):
                continue  # blank lines, e.g. at the end of the file
            rows.append((reader.line_num, values))
            if len(rows) > max_rows:
                break
    except csv.Error as error:
        raise AttendanceCsvRejected([f"line {reader.line_num}: not valid CSV ({error}). Check for a stray quote mark."]) from None
    if not rows:
        raise AttendanceCsvRejected(["The file has a header line but no sessions: there is nothing to import."])
    if len(rows) > max_rows:
        raise AttendanceCsvRejected([f"The file has more than {max_rows:,} sessions; import at most {max_rows:,} "
                                     "at a time (split the file by month or year)."])

    parsed: list[AttendanceRow] = []
    seen_dates: dict[datetime.date, int] = {}
    first_client: tuple[int, str] | None = None
    for line, values in rows:
        if len(values) > len(header):
            errors.append(f"line {line}: {len(values)} values but the header names {len(header)} columns "
                          "(a comma inside a note needs quotes around the note).")
            continue

        def cell(name: str) -> str:
            index = columns.get(name)
            return values[index].strip() if index is not None and index < len(values) else ""

        raw_date, raw_status, note, client_id = cell("date"), cell("status"), cell("note"), cell("client_id")
        row_ok = True
        day = None
        if not raw_date:
            errors.append(f"line {line}: the date is empty.")
            row_ok = False
        else:
            day = _parse_date(raw_date)
            if day is None:
                errors.append(f"line {line}: “{raw_date}” is not a date; write it as YYYY-MM-DD (2023-06-13) "
                              "or MM/DD/YYYY (06/13/2023).")
                row_ok = False
            elif day > today:
                errors.append(f"line {line}: {long_date(day)} is in the future; only sessions that have happened "
                              "can be logged.")
                row_ok = False
            elif day in seen_dates:
                errors.append(f"line {line}: {long_date(day)} is also on line {seen_dates[day]}; one line per session.")
                row_ok = False
            else:
                seen_dates[day] = line
        status = STATUS_WORDS.get(" ".join(raw_status.lower().split()))
        if not raw_status:
            errors.append(f"line {line}: the status is empty; write attended, missed or excused.")
            row_ok = False
        elif status is None:
            errors.append(f"line {line}: status “{raw_status}” is not one of attended, missed, excused.")
            row_ok = False
        if len(note) > MAX_NOTE:
            errors.append(f"line {line}: the note has {len(note)} characters; at most {MAX_NOTE}.")
            row_ok = False
        if "client_id" in columns:
            if not client_id:
                errors.append(f"line {line}: the client id is empty.")
                row_ok = False
            elif first_client is None:
                first_client = (line, client_id)
            elif client_id != first_client[1]:
                errors.append(f"line {line}: client id “{client_id}” differs from “{first_client[1]}” on line "
                              f"{first_client[0]}; a file must hold one client's attendance only.")
                row_ok = False
        if row_ok and day is not None and status is not None:
            parsed.append(AttendanceRow(line=line, date=day, status=status, note=note, client_id=client_id))
    return parsed, errors
