"""A provider's attendance file: every row checked, errors by line number, and nothing imported unless all is well."""

from __future__ import annotations

import datetime

import pytest

from audit.services import Actor
from engagements.attendance_csv import AttendanceCsvRejected, parse_attendance_csv
from engagements.models import AttendanceImport, Engagement, EngagementLogEntry
from engagements.services import EngagementDetails, attendance_import, engagement_create, engagement_log_add
from tests.factories import CaseFactory

TODAY = datetime.date(2026, 11, 27)


def _errors(data: bytes, **options) -> list[str]:
    with pytest.raises(AttendanceCsvRejected) as rejected:
        parse_attendance_csv(data, today=TODAY, **options)
    return rejected.value.errors


def test_the_provider_export_is_read_whole(data_dir):
    rows = parse_attendance_csv((data_dir / "ged_attendance.csv").read_bytes(), today=TODAY)

    assert len(rows) == 64
    assert sum(row.status == "attended" for row in rows) == 60
    assert {row.client_id for row in rows} == {"ALC-23-1187"}
    assert rows[0].line == 2 and rows[0].date == datetime.date(2023, 5, 15)
    excused = [row for row in rows if row.status == "excused"]
    assert [row.note for row in excused] == ["Court date", "Sick; doctor's note on file"]


def test_the_bad_row_is_named_by_its_line(data_dir):
    assert _errors((data_dir / "ged_attendance_bad_row.csv").read_bytes()) == [
        "line 7: “06/31/2023” is not a date; write it as YYYY-MM-DD (2023-06-13) or MM/DD/YYYY (06/13/2023)."
    ]


def test_us_dates_columns_in_any_order_and_case_and_a_bom_are_understood():
    data = "\ufeffStatus,Session Date,Notes\nPresent,06/13/2023,\nabsent,06/14/2023,no call\nExcused,2023-06-15,court\n"

    rows = parse_attendance_csv(data.encode("utf-8"), today=TODAY)

    assert [(row.date.isoformat(), row.status, row.note) for row in rows] == [
        ("2023-06-13", "attended", ""), ("2023-06-14", "missed", "no call"), ("2023-06-15", "excused", "court"),
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("2023-06-13,attended\n2023-13-01,attended\n", "line 3: “2023-13-01” is not a date"),
        ("2023-06-13,attended\n2027-01-05,attended\n", "line 3: January 5, 2027 is in the future"),
        ("2023-06-13,late\n", "line 2: status “late” is not one of attended, missed, excused"),
        ("2023-06-13,attended\n2023-06-14,missed\n06/13/2023,excused\n",
         "line 4: June 13, 2023 is also on line 2; one line per session"),
        (",attended\n", "line 2: the date is empty"),
        ("2023-06-13,\n", "line 2: the status is empty"),
        ("2023-06-13,attended,great, really\n", "line 2: 4 values but the header names 3 columns"),
        ("2023-06-13,attended," + "x" * 501 + "\n", "line 2: the note has 501 characters; at most 500"),
    ],
)
def test_each_kind_of_bad_row(body, expected):
    errors = _errors(("date,status,note\n" + body).encode())

    assert len(errors) == 1 and errors[0].startswith(expected)


def test_every_bad_row_is_reported_not_just_the_first():
    data = b"date,status\n2023-06-13,attended\n2023-06-40,attended\n2023-06-15,tardy\n2099-01-01,missed\n"

    errors = _errors(data)

    assert [error.split(":")[0] for error in errors] == ["line 3", "line 4", "line 5"]


def test_client_ids_must_all_be_one_client():
    data = b"date,status,client_id\n2023-06-13,attended,ALC-1\n2023-06-14,attended,ALC-2\n2023-06-15,attended,\n"

    errors = _errors(data)

    assert errors[0].startswith("line 3: client id “ALC-2” differs from “ALC-1” on line 2")
    assert errors[1] == "line 4: the client id is empty."


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "The file is empty."),
        (b"  \n\n", "The file is empty."),
        (b"date,status\n", "The file has a header line but no sessions"),
        (b"day,attendance\n2023-06-13,attended\n", "line 1: no “date” column (the first line has “day”, “attendance”)"),
        (b"when,how\n2023-06-13,attended\n", "line 1: no “date” and no “status” column"),
        ("date,status,note\n2023-06-13,attended,caf\xe9\n".encode("latin-1"), "line 2: the file is not UTF-8 text"),
        (b"PK\x03\x04 a workbook", "This is a spreadsheet workbook, not a CSV file"),
        (b"date,status\n2023-06-13,attended\n\x00\x01", "The file holds binary data"),
        (b'date,status,note\n2023-06-13,attended,"unclosed\n', "line 2: not valid CSV"),
    ],
)
def test_files_that_are_not_an_attendance_export(data, expected):
    errors = _errors(data)

    assert errors[0].startswith(expected), errors


def test_too_many_rows_is_refused_before_reading_them_all():
    data = "date,status\n" + "".join(
        f"{datetime.date(2020, 1, 1) + datetime.timedelta(days=n)},attended\n" for n in range(11)
    )

    assert _errors(data.encode(), max_rows=10) == [
        "The file has more than 10 sessions; import at most 10 at a time (split the file by month or year)."
    ]


def test_a_file_over_the_size_limit_is_refused():
    assert _errors(b"date,status\n" + b"x" * 2000, max_bytes=1000)[0].startswith("The file is 0.0 MB")


def test_semicolons_and_tabs_are_understood():
    assert len(parse_attendance_csv(b"date;status\n2023-06-13;attended\n", today=TODAY)) == 1
    assert len(parse_attendance_csv(b"date\tstatus\n2023-06-13\tattended\n", today=TODAY)) == 1


def test_blank_lines_are_skipped_and_lines_keep_their_numbers():
    errors = _errors(b"date,status\n\n2023-06-13,attended\n\n2023-06-14,late\n")

    assert errors == ["line 5: status “late” is not one of attended, missed, excused."]


# ---- into an engagement: all or nothing ---------------------------------------------------------------------------


@pytest.fixture
def ged(db):
    case = CaseFactory()
    return engagement_create(
        case=case,
        details=EngagementDetails(service_type="education_services", provider_name="Brennan Co. Adult Learning Ctr.",
                                  program="GED preparation classes", start_date="2023-05-15",
                                  provider_client_id="ALC-23-1187"),
        status="active", actor=Actor(user=case.created_by), today=TODAY,
    )


@pytest.mark.django_db
def test_a_good_file_is_imported_and_the_timeline_counts_it(ged, data_dir):
    data = (data_dir / "ged_attendance.csv").read_bytes()

    batch = attendance_import(case=ged.case, engagement=ged, data=data, file_name="ged_attendance.csv",
                              actor=Actor(user=ged.created_by), today=TODAY)

    assert batch.rows == 64 and batch.entries.count() == 64
    ged.event.refresh_from_db()
    assert "attended 60 of 62 scheduled sessions between May 15, 2023 and October 9, 2023 " \
           "(2 excused absences not counted)" in ged.event.summary


@pytest.mark.django_db
def test_a_bad_row_imports_nothing(ged, data_dir):
    data = (data_dir / "ged_attendance_bad_row.csv").read_bytes()

    with pytest.raises(AttendanceCsvRejected) as rejected:
        attendance_import(case=ged.case, engagement=ged, data=data, file_name="bad.csv",
                          actor=Actor(user=ged.created_by), today=TODAY)

    assert rejected.value.errors[0].startswith("line 7:")
    assert not EngagementLogEntry.objects.exists() and not AttendanceImport.objects.exists()


@pytest.mark.django_db
def test_sessions_already_logged_or_before_the_start_or_of_another_client_are_refused(ged):
    engagement_log_add(engagement=ged, date=datetime.date(2023, 6, 13), kind="attended",
                       actor=Actor(user=ged.created_by), today=TODAY)
    data = (b"date,status,client_id\n2023-06-12,attended,ALC-23-1187\n2023-06-13,missed,ALC-23-1187\n"
            b"2023-05-01,attended,ALC-23-1187\n")
    other = b"date,status,client_id\n2023-06-20,attended,ALC-23-9999\n"

    with pytest.raises(AttendanceCsvRejected) as rejected:
        attendance_import(case=ged.case, engagement=ged, data=data, file_name="a.csv", actor=Actor(user=ged.created_by),
                          today=TODAY)
    with pytest.raises(AttendanceCsvRejected) as wrong_client:
        attendance_import(case=ged.case, engagement=ged, data=other, file_name="b.csv", actor=Actor(user=ged.created_by),
                          today=TODAY)

    assert rejected.value.errors == [
        "line 3: a session on June 13, 2023 is already logged for this engagement.",
        "line 4: May 1, 2023 is before the engagement began (May 15, 2023).",
    ]
    assert wrong_client.value.errors[0].startswith("line 2: client id “ALC-23-9999” is not this engagement's")
    assert ged.log_entries.count() == 1  # the one logged by hand


@pytest.mark.django_db
def test_every_bad_row_is_reported_at_once_in_line_order_whatever_shows_it(ged, client):
    """A row the file alone shows to be wrong does not hide one the engagement's log shows to be wrong."""
    engagement_log_add(engagement=ged, date=datetime.date(2023, 6, 13), kind="attended",
                       actor=Actor(user=ged.created_by), today=TODAY)
    data = (b"date,status\n2023-06-13,attended\n06/31/2023,attended\n2023-05-01,missed\n2023-06-20,late\n"
            b"2023-06-27,attended\n")

    with pytest.raises(AttendanceCsvRejected) as rejected:
        attendance_import(case=ged.case, engagement=ged, data=data, file_name="a.csv", actor=Actor(user=ged.created_by),
                          today=TODAY)

    assert [error.split(":")[0] for error in rejected.value.errors] == ["line 2", "line 3", "line 4", "line 5"]
    assert "already logged" in rejected.value.errors[0] and "is not a date" in rejected.value.errors[1]
    assert "before the engagement began" in rejected.value.errors[2] and "“late”" in rejected.value.errors[3]
    assert ged.log_entries.count() == 1


@pytest.mark.django_db
def test_a_file_can_make_a_new_engagement_and_a_bad_one_makes_none(data_dir):
    case = CaseFactory()
    details = EngagementDetails(service_type="education_services", provider_name="Brennan Co. Adult Learning Ctr.",
                                program="GED preparation classes")

    with pytest.raises(AttendanceCsvRejected):
        attendance_import(case=case, new_engagement=details, data=(data_dir / "ged_attendance_bad_row.csv").read_bytes(),
                          file_name="bad.csv", actor=Actor(user=case.created_by), today=TODAY)
    assert not Engagement.objects.exists()

    batch = attendance_import(case=case, new_engagement=details, data=(data_dir / "ged_attendance.csv").read_bytes(),
                              file_name="ged.csv", actor=Actor(user=case.created_by), today=TODAY)

    engagement = batch.engagement
    assert engagement.origin == Engagement.Origin.IMPORT and engagement.status == "active"
    assert engagement.start_date == "2023-05-15" and engagement.provider_client_id == "ALC-23-1187"
    assert [(c.status, c.date) for c in engagement.status_changes.all()] == [("active", "2023-05-15")]
    assert engagement.event.kind == "service_engagement" and engagement.event.date == "2023-05-15"
