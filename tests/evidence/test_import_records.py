"""Records from a folder or a zip archive, through the same checks as the web upload, one outcome line per file."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from evidence.models import Document
from tests import badfiles
from tests.factories import CaseFactory, MembershipFactory

RECORDS = Path(__file__).resolve().parents[2] / "demo" / "client-a" / "records"
NOTE = b"Case note 04/02/2024. Client rents a room at 45 Mill Road from a coworker.\n"

pytestmark = pytest.mark.django_db


def _zip(members: dict[str, bytes], *, encrypted: set[str] = frozenset()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    raw = bytearray(buffer.getvalue())
    for name in encrypted:  # set the "encrypted" flag in both headers, as a password-protected archive has it
        encoded = name.encode()
        for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            start = 0
            while (start := raw.find(signature, start)) >= 0:
                name_at = start + (30 if signature == b"PK\x03\x04" else 46)
                if raw[name_at : name_at + len(encoded)] == encoded:
                    raw[start + flag_at] |= 0x1
                start += 4
    return bytes(raw)


def _run(case, *paths, now=True):
    out = io.StringIO()
    error = None
    try:
        call_command("import_records", "--case", case.docket_number, *(["--now"] if now else []),
                     *map(str, paths), stdout=out)
    except CommandError as failure:
        error = str(failure)
    return out.getvalue(), error


def test_a_folder_is_imported_file_by_file_and_read_now(tmp_path, media_root):
    case = CaseFactory()
    (tmp_path / "school").mkdir()
    (tmp_path / "school" / "A03_school_records.docx").write_bytes((RECORDS / "A03_school_records.docx").read_bytes())
    (tmp_path / "note.txt").write_bytes(NOTE)
    (tmp_path / ".DS_Store").write_bytes(b"\0\0")

    printed, error = _run(case, tmp_path)

    assert error is None, printed
    lines = printed.strip().splitlines()
    assert lines[0].startswith("stored   ") and "note.txt: record" in lines[0] and "1 page read" in lines[0]
    assert "A03_school_records.docx: record" in lines[1]
    assert lines[-1] == "2 stored, 0 already in the case, 0 refused."
    documents = Document.objects.filter(case=case)
    assert documents.count() == 2 and all(d.status == Document.Status.READY for d in documents)
    assert all(d.rendition for d in documents)  # drawn once, for exhibits


def test_a_zip_archive_is_opened_and_each_record_uploaded_queued_for_the_worker(tmp_path, sent_tasks):
    case = CaseFactory()
    archive = tmp_path / "delivery.zip"
    archive.write_bytes(_zip({
        "records/A08_shelter_case_notes.txt": (RECORDS / "A08_shelter_case_notes.txt").read_bytes(),
        "records/inner.zip": _zip({"note.txt": NOTE}),
        "__MACOSX/records/._A08_shelter_case_notes.txt": b"resource fork",
    }))

    printed, error = _run(case, archive, now=False)

    assert error is None, printed
    assert "stored   delivery.zip/records/A08_shelter_case_notes.txt: record" in printed
    assert "stored   delivery.zip/records/inner.zip/note.txt: record" in printed and "queued for reading" in printed
    assert sorted(Document.objects.values_list("original_name", flat=True)) == ["A08_shelter_case_notes.txt", "note.txt"]
    assert Document.objects.filter(status=Document.Status.QUEUED).count() == 2


BAD = [
    ("empty.pdf", b"", "empty"),
    ("broken.pdf", badfiles.truncated_pdf(), "damaged"),
    ("locked.pdf", badfiles.encrypted_pdf(), "password"),
    ("setup.exe", badfiles.random_binary(), "Upload a PDF"),
    ("damaged.zip", b"PK\x03\x04" + b"\0" * 40, "damaged"),
    ("sealed.zip", _zip({"a.txt": NOTE}, encrypted={"a.txt"}), "encrypted"),
]


@pytest.mark.parametrize(("name", "content", "words"), BAD, ids=[b[0] for b in BAD])
def test_each_bad_input_is_named_with_its_reason_and_the_rest_go_through(tmp_path, media_root, name, content, words):
    case = CaseFactory()
    (tmp_path / name).write_bytes(content)
    (tmp_path / "note.txt").write_bytes(NOTE)

    printed, error = _run(case, tmp_path / name, tmp_path / "note.txt", tmp_path / "missing.pdf")

    refused = [line for line in printed.splitlines() if line.startswith("refused")]
    assert words.lower() in refused[0].lower() and name in refused[0]
    assert "missing.pdf: No such file or folder." in refused[1]
    assert error == "1 stored, 0 already in the case, 2 refused."
    assert list(Document.objects.values_list("original_name", flat=True)) == ["note.txt"]  # nothing half-stored
    assert len([p for p in media_root.rglob("*") if p.is_file() and p.suffix != ".pdf"]) == 1


def test_an_archive_that_unpacks_too_large_is_refused_before_anything_is_stored(tmp_path, settings):
    settings.RECORD_MAX_UNZIPPED_BYTES = 1000
    case = CaseFactory()
    (tmp_path / "big.zip").write_bytes(_zip({"a.txt": b"x" * 800, "b.txt": b"y" * 800}))

    printed, error = _run(case, tmp_path / "big.zip")

    assert "refused  " in printed and "would unpack to" in printed and error
    assert not Document.objects.exists()


def test_a_file_already_in_the_case_is_skipped_not_stored_twice(tmp_path):
    case = CaseFactory()
    (tmp_path / "note.txt").write_bytes(NOTE)
    _run(case, tmp_path / "note.txt", now=False)

    printed, error = _run(case, tmp_path / "note.txt", now=False)

    assert "skipped  " in printed and "already in the case as “note.txt”" in printed and error is None
    assert Document.objects.count() == 1


def test_the_web_upload_takes_a_zip_archive(client, django_capture_on_commit_callbacks, sent_tasks):
    membership = MembershipFactory()
    client.force_login(membership.user)
    archive = SimpleUploadedFile("delivery.zip", _zip({"a/note.txt": NOTE, "b/empty.txt": b""}))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("evidence:document_upload", kwargs={"case_id": membership.case_id}),
                               {"files": [archive]}, follow=True)

    page = response.content.decode()
    assert "delivery.zip/a/note.txt: uploaded" in page
    assert "delivery.zip/b/empty.txt: not uploaded." in page and "empty" in page
    assert list(Document.objects.values_list("original_name", flat=True)) == ["note.txt"]
