"""Attendance arithmetic: excused absences are reported but not counted against the client."""

from __future__ import annotations

import datetime

import pytest

from engagements.attendance import Attendance, attendance_from

D = datetime.date


def test_scheduled_is_attended_plus_missed_and_excused_are_left_out():
    rows = [(D(2023, 5, 1 + i), "attended") for i in range(14)] + [
        (D(2023, 6, 1), "missed"), (D(2023, 6, 2), "missed"),
        (D(2023, 6, 3), "excused"), (D(2023, 6, 4), "excused"),
        (D(2023, 6, 5), "contact"),  # a call is not a session
    ]

    attendance = attendance_from(rows)

    assert (attendance.attended, attendance.missed, attendance.excused) == (14, 2, 2)
    assert attendance.scheduled == 16 and attendance.sessions_logged == 18
    assert attendance.counted() == "14 of 16" and attendance.percent == 88
    assert attendance.first == D(2023, 5, 1) and attendance.last == D(2023, 6, 4)
    assert attendance.phrase() == (
        "attended 14 of 16 scheduled sessions between May 1, 2023 and June 4, 2023 "
        "(2 excused absences not counted)"
    )


@pytest.mark.parametrize(
    ("attended", "missed", "excused", "expected"),
    [
        (12, 0, 0, "attended all 12 scheduled sessions"),
        (1, 0, 0, "attended the one scheduled session"),
        (0, 1, 0, "attended 0 of 1 scheduled session"),
        (3, 1, 1, "attended 3 of 4 scheduled sessions (1 excused absence not counted)"),
        (0, 0, 3, ""),  # nothing counts: nothing is said
        (0, 0, 0, ""),
    ],
)
def test_phrases(attended, missed, excused, expected):
    assert Attendance(attended=attended, missed=missed, excused=excused).phrase(with_period=False) == expected


def test_a_single_session_is_dated_on_its_day():
    attendance = attendance_from([(D(2023, 8, 22), "attended")])

    assert attendance.phrase() == "attended the one scheduled session on August 22, 2023"


def test_rate_of_nothing_is_none_not_zero():
    assert Attendance(excused=2).rate is None and Attendance().percent is None
