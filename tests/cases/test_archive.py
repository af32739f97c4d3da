"""Archiving a case makes it read-only; its lead sets a day after which the retention sweep destroys it (records,
pages, facts, narratives, exports and every stored file), leaving one audit entry that outlives it."""

from __future__ import annotations

import datetime
import json
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import Actor
from cases.models import Case, CaseMembership
from cases.roles import CaseArchived
from cases.services import (
    NotDueForDestruction,
    case_archive,
    case_destroy,
    case_member_set,
    case_retention_set,
    case_unarchive,
    cases_destroy_due,
)
from cases.tasks import cases_destroy_due as cases_destroy_due_task
from engagements.models import Engagement
from evidence.models import Document, Page
from exports.models import Export
from extraction.models import EventCandidate
from narratives.models import Narrative, TimelineEvent
from tests.factories import (
    CaseFactory,
    DocumentFactory,
    EngagementFactory,
    EventCandidateFactory,
    EventSourceFactory,
    MembershipFactory,
    PageFactory,
    TimelineEventFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 2)


def _later(days: int = 30) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def team():
    case = CaseFactory()
    people = {"lead": case.created_by}
    for role in ("attorney", "mitigation_specialist", "advocate", "supervisor"):
        people[role] = MembershipFactory(case=case, role=role).user
    return case, people


# ---- archiving: who may, and what it refuses ----------------------------------------------------------------------


@pytest.mark.parametrize(("person", "allowed"), [
    ("lead", True), ("supervisor", True), ("attorney", False), ("mitigation_specialist", False), ("advocate", False),
])
def test_only_the_lead_and_the_supervisor_archive_and_unarchive(team, person, allowed):
    case, people = team
    actor = Actor(user=people[person])
    if not allowed:
        with pytest.raises(PermissionDenied, match="may (not )?manage the team or archive the case"):
            case_archive(case=case, actor=actor)
        case.refresh_from_db()
        assert not case.is_archived
        case_archive(case=case, actor=Actor(user=people["lead"]))
        with pytest.raises(PermissionDenied):
            case_unarchive(case=case, actor=actor)
        with pytest.raises(PermissionDenied):
            case_retention_set(case=case, actor=actor, destroy_after=_later())
        case.refresh_from_db()
        assert case.is_archived and case.destroy_after is None
        return

    archived = case_archive(case=case, actor=actor, destroy_after=_later())
    assert archived.is_archived and archived.archived_by == people[person] and archived.destroy_after == _later()
    reopened = case_unarchive(case=case, actor=actor)
    assert not reopened.is_archived and reopened.destroy_after is None  # the date goes with the archiving
    actions = list(AuditEntry.objects.filter(case_id=case.pk).order_by("pk").values_list("action", "detail"))
    assert actions == [("case_archived", {"destroy_after": _later().isoformat()}),
                       ("case_unarchived", {"destroy_after_dropped": _later().isoformat()})]


def test_an_archived_case_refuses_every_change_with_a_clear_message_and_stays_readable(team):
    from engagements.services import client_goal_add
    from evidence.services import document_remove, document_upload, document_view
    from narratives.services import candidate_accept, event_set_consent, narrative_create

    case, people = team
    document = DocumentFactory(case=case)
    PageFactory(document=document, number=1)
    candidate = EventCandidateFactory(document=document)
    event = TimelineEventFactory(case=case)
    lead = Actor(user=people["lead"])
    case_archive(case=case, actor=lead)

    refusals = [
        lambda: document_upload(case=case, file=ContentFile(b"A new note.\n", name="new.txt"), actor=lead),
        lambda: candidate_accept(candidate=candidate, actor=lead),
        lambda: event_set_consent(event=event, consent="approved", actor=lead),
        lambda: narrative_create(case=case, title="Mitigation", created_by=people["lead"]),
        lambda: client_goal_add(case=case, text="Keep my job.", actor=Actor(user=people["advocate"])),
        lambda: case_member_set(case=case, user=UserFactory(), role="advocate", actor=lead),
        lambda: document_remove(document=document, actor=lead),
    ]
    for refused in refusals:
        with pytest.raises(CaseArchived, match="This case is archived: it can be read but not changed"):
            refused()

    assert list(document_view(document=document, actor=Actor(user=people["advocate"])))  # reading still works
    candidate.refresh_from_db()
    event.refresh_from_db()
    assert candidate.review_status == "pending" and event.consent != "approved"
    assert case.documents.count() == 1 and not case.narratives.exists()


def test_a_role_that_may_not_anyway_is_told_about_its_role_not_the_archive(team):
    from evidence.services import document_upload

    case, people = team
    case_archive(case=case, actor=Actor(user=people["lead"]))

    with pytest.raises(PermissionDenied, match="As a supervisor on this case you may not upload"):
        document_upload(case=case, file=ContentFile(b"x\n", name="x.txt"), actor=Actor(user=people["supervisor"]))


def test_the_destruction_date_must_be_after_today_and_only_an_archived_case_has_one(team):
    case, people = team
    lead = Actor(user=people["lead"])

    with pytest.raises(ValidationError, match="Archive the case first"):
        case_retention_set(case=case, actor=lead, destroy_after=_later())
    with pytest.raises(ValidationError, match="Choose a day after today"):
        case_archive(case=case, actor=lead, destroy_after=timezone.localdate())
    case_archive(case=case, actor=lead)
    with pytest.raises(ValidationError, match="already archived"):
        case_archive(case=case, actor=lead)
    case_retention_set(case=case, actor=lead, destroy_after=_later(400))

    case.refresh_from_db()
    assert case.destroy_after == _later(400)
    entry = AuditEntry.objects.filter(action="case_retention_set").get()
    assert entry.detail == {"destroy_after": _later(400).isoformat()} and entry.username == people["lead"].username


# ---- the pages ----------------------------------------------------------------------------------------------------


def test_the_case_list_hides_archived_cases_unless_asked(client, team):
    case, people = team
    other = CaseFactory(created_by=people["lead"], client_name="Riley Open")
    case_archive(case=case, actor=Actor(user=people["lead"]))
    client.force_login(people["lead"])

    shown = client.get(reverse("cases:case_list")).content.decode()
    archived = client.get(reverse("cases:case_list"), {"show": "archived"}).content.decode()
    everything = client.get(reverse("cases:case_list"), {"show": "all"}).content.decode()

    detail = reverse("cases:case_detail", args=[case.pk])
    assert detail not in shown and reverse("cases:case_detail", args=[other.pk]) in shown
    assert "Archived (1)" in shown
    assert detail in archived and reverse("cases:case_detail", args=[other.pk]) not in archived
    assert 'pill archived">Archived' in archived
    assert detail in everything and reverse("cases:case_detail", args=[other.pk]) in everything


def test_the_lead_archives_from_the_case_page_and_its_forms_disappear(client, team):
    case, people = team
    client.force_login(people["lead"])
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert 'id="archive-case"' in page and 'id="upload-form"' in page

    response = client.post(reverse("cases:case_archive", args=[case.pk]),
                           {"archive": "1", "destroy_after": _later().strftime("%m/%d/%Y")}, follow=True)

    page = response.content.decode()
    assert "The case is archived" in page and 'id="archived-notice"' in page
    assert f"It will be destroyed after {_later():%B} {_later().day}, {_later().year}" in page
    assert 'id="upload-form"' not in page and 'id="archive-case"' not in page and 'id="edit-details"' not in page
    case.refresh_from_db()
    assert case.destroy_after == _later()
    refused = client.post(reverse("evidence:document_upload", args=[case.pk]),
                          {"files": ContentFile(b"A note.\n", name="note.txt")})
    assert refused.status_code == 403
    assert "<h1>This case is archived</h1>" in refused.content.decode()
    assert "can be read but not changed" in refused.content.decode()

    response = client.post(reverse("cases:case_archive", args=[case.pk]), {"unarchive": "1"}, follow=True)
    assert "open to changes again" in response.content.decode()
    case.refresh_from_db()
    assert not case.is_archived


def test_the_archive_page_refuses_a_past_date_and_other_roles(client, team):
    case, people = team
    client.force_login(people["lead"])

    response = client.post(reverse("cases:case_archive", args=[case.pk]),
                           {"archive": "1", "destroy_after": "2020-01-01"})

    assert response.status_code == 400 and "Choose a day after today" in response.content.decode()
    case.refresh_from_db()
    assert not case.is_archived
    client.force_login(people["mitigation_specialist"])
    assert client.post(reverse("cases:case_archive", args=[case.pk]), {"archive": "1"}).status_code == 403
    client.force_login(UserFactory())
    assert client.get(reverse("cases:case_archive", args=[case.pk])).status_code == 404


# ---- destruction ----------------------------------------------------------------------------------------------------


def _full_case():
    """A case with a bit of everything that has rows or stored files: records (with a rendition and a drawn page
    picture), pages, proposals, facts citing the records, a narrative, an engagement with evidence, an export."""
    from engagements.models import EngagementEvidence
    from narratives.services import narrative_create

    case = CaseFactory()
    lead = case.created_by
    documents = [DocumentFactory(case=case) for _ in range(2)]
    for document in documents:
        PageFactory(document=document, number=1)
        EventCandidateFactory(document=document)
    documents[0].rendition.save("note.txt.pdf", ContentFile(b"%PDF-1.4 rendition"), save=True)
    picture = default_storage.save(f"pictures/case-{case.pk}/record-{documents[0].pk}/page-1.png",
                                   ContentFile(b"\x89PNG picture"))
    event = TimelineEventFactory(case=case)
    EventSourceFactory(event=event, document=documents[0])
    narrative = narrative_create(case=case, title="Mitigation", created_by=lead)
    engagement = EngagementFactory(case=case)
    EngagementEvidence.objects.create(engagement=engagement, document=documents[1], kind="letter", attached_by=lead)
    export = Export.objects.create(case=case, narrative=narrative, requested_by=lead, status="done")
    for field in ("docx_file", "pdf_file", "packet_file"):
        getattr(export, field).save(f"memo.{field[:4]}", ContentFile(b"export bytes"), save=False)
    export.save()
    files = [d.file.name for d in documents] + [documents[0].rendition.name, picture] + [
        export.docx_file.name, export.pdf_file.name, export.packet_file.name]
    assert all(default_storage.exists(name) for name in files)
    return case, files


def _archive_due(case, *, archived_by=None) -> None:
    """Archived with a day that is over: set straight on the row, as the service refuses a past day."""
    Case.objects.filter(pk=case.pk).update(archived_at=timezone.now() - datetime.timedelta(days=400),
                                           archived_by=archived_by or case.created_by,
                                           destroy_after=timezone.localdate() - datetime.timedelta(days=1))


def test_destroying_a_due_case_deletes_its_rows_and_files_and_keeps_one_audit_entry(client):
    case, files = _full_case()
    lead = case.created_by
    other = DocumentFactory()  # another case's record: untouched
    _archive_due(case)
    case_id, docket = case.pk, case.docket_number
    AuditEntry.objects.create(action="record_viewed", case_id=case_id, username=lead.username)

    destroyed = case_destroy(case_id=case_id)

    assert destroyed.counts == {"exports": 1, "export files": 3, "engagements": 1, "facts": 2, "narratives": 1,
                                "proposals": 2, "records": 2, "pages": 2, "stored files": 4, "team members": 1}
    assert not Case.objects.filter(pk=case_id).exists()
    for model in (Document, TimelineEvent, Narrative, Export, CaseMembership, Engagement):
        assert not model.objects.filter(case_id=case_id).exists(), model
    assert not Page.objects.filter(document__case_id=case_id).exists()
    assert not EventCandidate.objects.filter(document__case_id=case_id).exists()
    assert Document.objects.filter(pk=other.pk).exists()
    assert [name for name in files if default_storage.exists(name)] == []
    entry = AuditEntry.objects.get(action="case_destroyed")
    assert entry.case_id == case_id and entry.username == "retention schedule" and entry.user is None
    assert entry.detail["docket_number"] == docket and entry.detail["archived_by"] == lead.username
    assert entry.detail["deleted"]["records"] == 2
    assert case.client_name not in json.dumps(entry.detail)  # the log keeps no client name
    assert AuditEntry.objects.filter(case_id=case_id, action="record_viewed").exists()  # the trail stays whole
    client.force_login(lead)
    assert client.get(reverse("cases:case_detail", args=[case_id])).status_code == 404


def test_destroying_twice_is_harmless_and_the_task_wraps_the_service():
    case, files = _full_case()
    _archive_due(case)

    assert cases_destroy_due_task.run() == 1
    assert cases_destroy_due_task.run() == 0
    assert case_destroy(case_id=case.pk) is None

    assert AuditEntry.objects.filter(action="case_destroyed").count() == 1
    assert [name for name in files if default_storage.exists(name)] == []


def test_a_case_not_archived_or_not_yet_due_is_never_destroyed():
    case = CaseFactory()
    with pytest.raises(NotDueForDestruction, match="not archived"):
        case_destroy(case_id=case.pk)
    case_archive(case=case, actor=Actor(user=case.created_by), destroy_after=_later())
    with pytest.raises(NotDueForDestruction, match="only after"):
        case_destroy(case_id=case.pk)
    kept = CaseFactory()
    case_archive(case=kept, actor=Actor(user=kept.created_by))  # archived with no date: kept
    with pytest.raises(NotDueForDestruction, match="no destruction date"):
        case_destroy(case_id=kept.pk)
    today = timezone.localdate()
    Case.objects.filter(pk=case.pk).update(destroy_after=today)  # "after" today: tomorrow, not today

    assert cases_destroy_due(today=today) == []
    assert case_destroy(case_id=case.pk, today=today + datetime.timedelta(days=1)) is not None
    assert Case.objects.filter(pk=kept.pk).exists()
    assert not AuditEntry.objects.filter(action="case_destroyed", case_id=kept.pk).exists()


def test_a_storage_failure_leaves_the_case_due_and_the_next_run_finishes(monkeypatch):
    case, files = _full_case()
    _archive_due(case)
    real_delete = type(default_storage._wrapped if hasattr(default_storage, "_wrapped") else default_storage).delete
    calls = {"n": 0}

    def flaky(self, name):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("storage unreachable")
        return real_delete(self, name)

    monkeypatch.setattr("django.core.files.storage.FileSystemStorage.delete", flaky)
    with pytest.raises(OSError):
        cases_destroy_due()
    assert Case.objects.filter(pk=case.pk).exists()  # rows kept: the case is still due
    monkeypatch.setattr("django.core.files.storage.FileSystemStorage.delete", real_delete)

    assert len(cases_destroy_due()) == 1
    assert [name for name in files if default_storage.exists(name)] == []


def test_the_command_lists_and_destroys_due_cases():
    case, _files = _full_case()
    _archive_due(case)
    out = StringIO()

    call_command("destroy_due_cases", "--dry-run", stdout=out)
    assert f"due: case {case.pk}, No. {case.docket_number}" in out.getvalue()
    assert Case.objects.filter(pk=case.pk).exists()
    call_command("destroy_due_cases", stdout=out)

    assert f"destroyed: case {case.pk}, No. {case.docket_number} (1 exports" in out.getvalue()
    assert not Case.objects.filter(pk=case.pk).exists()


def test_the_beat_schedule_runs_the_destruction(settings):
    assert settings.CELERY_BEAT_SCHEDULE["destroy-due-cases"]["task"] == "cases.tasks.cases_destroy_due"


def test_destruction_deletes_the_files_in_a_bucket_through_the_storage_api(s3_bucket, media_root):
    """With S3 storage there are no paths: every file goes through the storage API, and nothing is left."""
    from django.core.files.storage import storages

    case, files = _full_case()
    assert set(files) <= set(s3_bucket.keys())
    _archive_due(case)

    cases_destroy_due()

    assert s3_bucket.keys() == []
    assert storages["default"].__class__.__name__ == "S3Storage"


def test_exports_already_made_stay_downloadable_on_an_archived_case_and_no_new_one_is_offered(client):
    from narratives.services import narrative_create

    case = CaseFactory()
    lead = case.created_by
    narrative = narrative_create(case=case, title="Mitigation", created_by=lead)
    export = Export.objects.create(case=case, narrative=narrative, requested_by=lead, status="done")
    export.pdf_file.save("memo.pdf", ContentFile(b"%PDF-1.4 memo"), save=True)
    case_archive(case=case, actor=Actor(user=lead))
    client.force_login(lead)

    listing = client.get(reverse("exports:export_list", args=[case.pk, narrative.pk]))
    download = client.get(reverse("exports:export_download", args=[case.pk, narrative.pk, export.pk, "pdf"]))
    editor = client.get(reverse("narratives:narrative_editor", args=[case.pk, narrative.pk])).content.decode()

    assert listing.status_code == 200 and "New export" not in listing.content.decode()
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 memo"
    assert "Export…" not in editor and reverse("exports:export_list", args=[case.pk, narrative.pk]) in editor


def test_the_archived_page_changes_the_date_and_a_second_archive_click_is_told(client, team):
    case, people = team
    case_archive(case=case, actor=Actor(user=people["lead"]))
    client.force_login(people["supervisor"])
    url = reverse("cases:case_archive", args=[case.pk])

    changed = client.post(url, {"retention": "1", "destroy_after": _later(90).isoformat()}, follow=True)
    again = client.post(url, {"archive": "1", "destroy_after": _later(10).isoformat()})

    assert f"will be destroyed after {_later(90):%B} {_later(90).day}" in changed.content.decode()
    assert again.status_code == 400 and "already archived" in again.content.decode()
    case.refresh_from_db()
    assert case.destroy_after == _later(90)
