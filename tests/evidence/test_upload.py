from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evidence.models import Document
from tests import badfiles
from tests.factories import MembershipFactory

RECORDS = Path(__file__).resolve().parents[2] / "demo" / "client-a" / "records"


@pytest.fixture
def member(db):
    return MembershipFactory()


@pytest.fixture
def _upload(django_capture_on_commit_callbacks):
    def upload(client, membership, *files, **fields):
        client.force_login(membership.user)
        url = reverse("evidence:document_upload", kwargs={"case_id": membership.case_id})
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, {"files": list(files), **fields}, follow=True)

    return upload


def _stored_files(media_root: Path) -> list[Path]:
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


def _sample(name: str, upload_name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(upload_name or name, (RECORDS / name).read_bytes())


def test_upload_of_several_records_stores_them_and_queues_their_reading(_upload, client, member, sent_tasks, media_root):
    response = _upload(
        client, member, _sample("A01_birth_hospital_record.pdf"), _sample("A03_school_records.docx"),
        record_type="medical", source="St. Aldric", date_received="2024-01-05",
    )

    documents = list(Document.objects.order_by("pk"))
    assert [d.original_name for d in documents] == ["A01_birth_hospital_record.pdf", "A03_school_records.docx"]
    assert [d.file_kind for d in documents] == ["pdf", "docx"]
    assert all(d.status == Document.Status.QUEUED and d.uploaded_by == member.user for d in documents)
    assert documents[0].source == "St. Aldric" and str(documents[0].date_received) == "2024-01-05"
    original = (RECORDS / "A01_birth_hospital_record.pdf").read_bytes()
    assert documents[0].sha256 == hashlib.sha256(original).hexdigest()
    with documents[0].file.open("rb") as stored:
        assert stored.read() == original  # kept unchanged
    assert sent_tasks == [("evidence.tasks.document_read_text", (d.pk,)) for d in documents]
    assert "uploaded; reading its pages now" in response.content.decode()


def test_the_same_file_twice_is_reported_and_stored_once(_upload, client, member, media_root):
    _upload(client, member, _sample("A08_shelter_case_notes.txt"))

    response = _upload(client, member, _sample("A08_shelter_case_notes.txt", "renamed copy.txt"))

    assert Document.objects.count() == 1
    assert "already in the case as “A08_shelter_case_notes.txt”" in response.content.decode()
    assert len(_stored_files(media_root)) == 1


def test_the_same_file_uploaded_twice_at_the_same_moment_is_stored_once_and_the_second_is_told(
    _upload, client, member, media_root, monkeypatch
):
    """The second upload passes the duplicate check before the first is committed; the database's constraint (or
    full_clean seeing the first row) stops it, and it gets the duplicate message, not a 500."""
    from evidence import services
    from tests.factories import DocumentFactory

    content = (RECORDS / "A08_shelter_case_notes.txt").read_bytes()
    real_reader = services.record_reader()

    class FirstUploadCommitsMeanwhile:
        def check(self, path, **limits):
            if not Document.objects.exists():
                DocumentFactory(case=member.case, original_name="A08_shelter_case_notes.txt",
                                sha256=hashlib.sha256(content).hexdigest())
            return real_reader.check(path, **limits)

    monkeypatch.setattr(services, "record_reader", FirstUploadCommitsMeanwhile)

    response = _upload(client, member, _sample("A08_shelter_case_notes.txt", "same file.txt"))

    assert response.status_code == 200
    assert "already in the case as “A08_shelter_case_notes.txt”" in response.content.decode()
    assert list(Document.objects.values_list("original_name", flat=True)) == ["A08_shelter_case_notes.txt"]
    assert not any(p.name.startswith("same") for p in _stored_files(media_root))


BAD_INPUTS = [
    ("empty.pdf", b"", "empty"),
    ("setup.exe", badfiles.random_binary(), "Upload a PDF"),
    ("broken.pdf", badfiles.truncated_pdf(), "damaged"),
    ("locked.pdf", badfiles.encrypted_pdf(), "password"),
    ("archive.docx", badfiles.zip_not_docx(), "Word"),
    ("bomb.docx", badfiles.docx_zip_bomb(), "expand"),
    ("bomb.png", badfiles.png_bomb(), "too large"),
]


@pytest.mark.parametrize(("name", "content", "words"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_gets_a_clear_message_and_leaves_nothing_behind(_upload, client, member, media_root, sent_tasks, name, content, words):
    good = _sample("A08_shelter_case_notes.txt")

    response = _upload(client, member, SimpleUploadedFile(name, content), good)

    page = response.content.decode()
    assert f"{name}: not uploaded." in page
    message = page.split(f"{name}: not uploaded.", 1)[1].split("</li>", 1)[0]
    assert words.lower() in message.lower()
    # the other file in the same upload still went through, and only it was stored
    assert list(Document.objects.values_list("original_name", flat=True)) == ["A08_shelter_case_notes.txt"]
    assert len(_stored_files(media_root)) == 1
    assert len(sent_tasks) == 1


def test_a_file_over_the_size_limit_is_refused(_upload, client, member, settings, media_root):
    settings.RECORD_MAX_BYTES = 1000

    response = _upload(client, member, _sample("A01_birth_hospital_record.pdf"))

    assert "the limit is" in response.content.decode()
    assert not Document.objects.exists() and not _stored_files(media_root)


def test_type_is_decided_by_content_not_by_the_name(_upload, client, member):
    _upload(client, member, _sample("A01_birth_hospital_record.pdf", "looks-like-text.txt"))

    assert Document.objects.get().file_kind == Document.FileKind.PDF


def test_a_path_in_the_file_name_is_not_kept(_upload, client, member, media_root):
    _upload(client, member, _sample("A08_shelter_case_notes.txt", "../../etc/pass\x07wd.txt"))

    document = Document.objects.get()
    assert document.original_name == "passwd.txt"
    assert ".." not in Path(document.file.name).parts  # stored name, whatever the storage
    assert (Path(media_root) / document.file.name).resolve().is_relative_to(Path(media_root).resolve())


def test_no_file_chosen_is_a_form_error(_upload, client, member):
    client.force_login(member.user)

    response = client.post(reverse("evidence:document_upload", kwargs={"case_id": member.case_id}), {})

    assert response.status_code == 400
    assert "Choose at least one file" in response.content.decode()
