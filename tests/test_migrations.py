"""A database made before the apps were split (cases out of narratives; the review's link to the event it made moved
to the event) migrates forward with every row, id and link kept.

The test takes the test database back to the schema of that time (the leaf migrations listed below), fills it the
way that code did, migrates forward and reads everything back through today's models."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# The newest migration of each app before the split: the schema a database of that time has.
BEFORE_THE_SPLIT = [
    ("narratives", "0001_initial"),
    ("evidence", "0003_document_read_attempts"),
    ("extraction", "0001_initial"),
    ("exports", "0001_initial"),
    ("engagements", "0002_engagements_from_accepted_events"),
    ("audit", "0002_engagement_actions"),
]


OURS = {"cases", "narratives", "evidence", "extraction", "exports", "engagements", "audit"}


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()  # the graph as it is now, after any earlier migrate
    executor.migrate(targets)
    return executor


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def database_before_the_split(transactional_db):
    """The test database taken back to the schema of that time (Django's own apps as they are now), and brought
    forward again afterwards whatever happens, so the tests after this one find today's schema."""
    targets = BEFORE_THE_SPLIT + [node for node in _latest() if node[0] not in OURS]
    executor = _migrate([*targets, ("cases", None)])  # the cases app did not exist yet
    try:
        yield executor.loader.project_state(targets).apps
    finally:
        _migrate(_latest())


def test_a_database_from_before_the_split_migrates_forward_keeping_every_row(database_before_the_split):
    old = database_before_the_split
    User = old.get_model("auth", "User")
    ContentType = old.get_model("contenttypes", "ContentType")
    OldCase = old.get_model("narratives", "Case")
    OldMembership = old.get_model("narratives", "CaseMembership")
    OldDocument = old.get_model("evidence", "Document")
    OldCandidate = old.get_model("extraction", "EventCandidate")
    OldEvent = old.get_model("narratives", "TimelineEvent")

    user = User.objects.create(username="specialist")
    case = OldCase.objects.create(
        client_name="Jordan Q. Sample", docket_number="24-CF-00001", client_dob=datetime.date(1995, 6, 11),
        created_by=user, stage="sentencing",
    )
    membership = OldMembership.objects.create(case=case, user=user, role="mitigation_specialist")
    document = OldDocument.objects.create(
        case=case, file="records/case-1/x.txt", original_name="note.txt", file_kind="text", size_bytes=10,
        sha256="a" * 64, uploaded_by=user, status="ready",
    )
    old.get_model("evidence", "Page").objects.create(document=document, number=1, text="He was retained.")
    event = OldEvent.objects.create(case=case, kind="life_event", category="education", summary="Retained.",
                                    date="2009", created_by=user)
    old.get_model("narratives", "EventSource").objects.create(event=event, document=document, page_number=1,
                                                              start=7, end=15, quote="retained")
    candidate_values = {"document": document, "kind": "life_event", "category": "education", "start": 7, "end": 15,
                        "page": 1, "page_start": 7, "page_end": 15, "sentence": "He was retained.",
                        "evidence": "retained"}
    accepted = OldCandidate.objects.create(**candidate_values, review_status="accepted", reviewed_by=user,
                                           timeline_event=event)
    pending = OldCandidate.objects.create(**candidate_values)
    narrative = old.get_model("narratives", "Narrative").objects.create(case=case, title="Mitigation", created_by=user)
    old.get_model("narratives", "DomainStatus").objects.create(case=case, category="military", decided_by=user)
    goal = old.get_model("engagements", "ClientGoal").objects.create(case=case, text="Finish my GED.", priority=1,
                                                                    created_by=user)
    export = old.get_model("exports", "Export").objects.create(case=case, narrative=narrative, requested_by=user)
    old.get_model("exports", "CaseExportSettings").objects.create(case=case, signer_name="A. Lawyer")
    case_type, _ = ContentType.objects.get_or_create(app_label="narratives", model="case")
    ContentType.objects.filter(app_label="cases").delete()  # a database of that time had no such app
    old.get_model("auth", "Permission").objects.get_or_create(
        content_type=case_type, codename="view_case", defaults={"name": "Can view case"}
    )

    _migrate(_latest())

    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType as CurrentContentType

    from cases.models import Case, CaseMembership
    from engagements.models import ClientGoal
    from evidence.models import Document
    from exports.models import CaseExportSettings, Export
    from extraction.models import EventCandidate
    from narratives.models import TimelineEvent

    moved = Case.objects.get(pk=case.pk)
    assert (moved.docket_number, moved.client_dob, moved.stage, moved.created_by_id) == (
        "24-CF-00001", datetime.date(1995, 6, 11), "sentencing", user.pk
    )
    assert list(moved.memberships.values_list("pk", "user_id", "role")) == [
        (membership.pk, user.pk, "mitigation_specialist")
    ]
    assert CaseMembership.objects.count() == 1
    assert Document.objects.get(pk=document.pk).case == moved and moved.documents.get().pages.count() == 1
    assert list(moved.timeline_events.values_list("pk", flat=True)) == [event.pk]
    assert moved.narratives.get().pk == narrative.pk and moved.domain_statuses.count() == 1
    assert ClientGoal.objects.get(pk=goal.pk).case == moved
    assert Export.objects.get(pk=export.pk).case == moved and CaseExportSettings.objects.get().case == moved
    # The accepted proposal's link to its event is kept, now by the event; the pending one has none.
    assert list(TimelineEvent.objects.get(pk=event.pk).candidates.values_list("pk", flat=True)) == [accepted.pk]
    assert EventCandidate.objects.get(pk=accepted.pk).review_status == "accepted"
    assert EventCandidate.objects.get(pk=pending.pk).review_status == "pending"
    # Permissions (and admin history) keep pointing at the moved model.
    assert CurrentContentType.objects.get_for_model(Case).pk == case_type.pk
    assert Permission.objects.get(codename="view_case").content_type_id == case_type.pk
    # Rows made now sit beside the old ones (ids go on).
    assert Case.objects.create(client_name="B", docket_number="24-CF-00002", created_by_id=user.pk).pk > case.pk
