"""Attendance arithmetic, in one place, so the engagement page, the timeline and the narrative agree.

The rule (what courts and providers usually mean by "attendance"): an **excused** absence (illness, a court date,
a clash with work agreed with the provider) is not held against the client, so

    scheduled = attended + missed        rate = attended / scheduled

and excused absences are reported beside the count, never hidden: "attended 14 of 16 scheduled sessions
(2 excused absences not counted)". Contacts (calls, check-ins) are not sessions and count for nothing here.
Pure Python: no Django, no database."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

ATTENDED, MISSED, EXCUSED, CONTACT = "attended", "missed", "excused", "contact"
SESSION_KINDS = (ATTENDED, MISSED, EXCUSED)
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def long_date(day: datetime.date) -> str:
    """"October 13, 2023"."""
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


@dataclass(frozen=True, slots=True)
class Attendance:
    attended: int = 0
    missed: int = 0
    excused: int = 0
    first: datetime.date | None = None  # first and last logged session (of any of the three kinds)
    last: datetime.date | None = None

    @property
    def scheduled(self) -> int:
        """Sessions that count: attended or missed. Excused absences are left out."""
        return self.attended + self.missed

    @property
    def sessions_logged(self) -> int:
        return self.attended + self.missed + self.excused

    @property
    def rate(self) -> float | None:
        return self.attended / self.scheduled if self.scheduled else None

    @property
    def percent(self) -> int | None:
        return round(100 * self.rate) if self.rate is not None else None

    def counted(self) -> str:
        """"14 of 16" (or "" when no session counts)."""
        return f"{self.attended} of {self.scheduled}" if self.scheduled else ""

    def excused_note(self) -> str:
        if not self.excused:
            return ""
        return f"{_plural(self.excused, 'excused absence')} not counted"

    def phrase(self, *, with_period: bool = True) -> str:
        """"attended 14 of 16 scheduled sessions between May 15, 2023 and October 13, 2023 (2 excused absences
        not counted)", or "" when no session counts (nothing is said rather than something invented)."""
        if not self.scheduled:
            return ""
        n = self.scheduled
        if self.attended == n:
            text = f"attended all {n} scheduled sessions" if n > 1 else "attended the one scheduled session"
        else:
            text = f"attended {self.attended} of {_plural(n, 'scheduled session')}"
        if with_period and self.first and self.last:
            if self.first == self.last:
                text += f" on {long_date(self.first)}"
            else:
                text += f" between {long_date(self.first)} and {long_date(self.last)}"
        if self.excused:
            text += f" ({self.excused_note()})"
        return text


def attendance_from(rows: Iterable[tuple[datetime.date, str]]) -> Attendance:
    """Count (date, kind) log rows; contacts and unknown kinds are ignored."""
    counts = {ATTENDED: 0, MISSED: 0, EXCUSED: 0}
    days: list[datetime.date] = []
    for day, kind in rows:
        if kind in counts:
            counts[kind] += 1
            days.append(day)
    return Attendance(
        attended=counts[ATTENDED],
        missed=counts[MISSED],
        excused=counts[EXCUSED],
        first=min(days) if days else None,
        last=max(days) if days else None,
    )
