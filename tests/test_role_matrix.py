"""Every role × every action of the issue's table, through the services and through the views.

EXPECTED below is the issue's table written out by hand (not read from cases.roles), so a change to the rule in code
that the table does not make fails here. Each probe does one real thing a person does in that row, once through
its service (allowed: it happens; refused: PermissionDenied and nothing changed) and once through its view (allowed:
not a 403 and it happened; refused: 403 and nothing changed)."""

from __future__ import annotations

import json
from collections.abc import Callable
from unittest import mock
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.urls import reverse

from audit.services import Actor
from cases.models import CaseMembership
from tests.factories import (
    DocumentFactory,
    EngagementFactory,
    EventCandidateFactory,
    MembershipFactory,
    PageFactory,
    TimelineEventFactory,
    UserFactory,
)

PEOPLE = ["lead_attorney", "attorney", "mitigation_specialist", "advocate", "supervisor"]
EVERYONE = set(PEOPLE)
WORKERS = {"lead_attorney", "attorney", "mitigation_specialist"}

# The table. "attorney" is an attorney on the team who is not its lead.
EXPECTED = {
    "read the case, records, timeline, narratives": EVERYONE,
    "upload records, edit record details": EVERYONE - {"supervisor"},
    "review proposals: life-history events": WORKERS,
    "review proposals: service engagements": WORKERS | {"advocate"},
    "record the client's consent on facts": WORKERS,
    "edit narratives: any section": WORKERS,
    "edit narratives: “What the client is doing now”": WORKERS | {"advocate"},
    "draft exports": WORKERS,
    "public and sealed exports for filing, filing settings": {"lead_attorney", "attorney"},
    "engagements, goals, collateral flags": EVERYONE - {"supervisor"},
    "manage the team, archive the case": {"lead_attorney", "supervisor"},
    "read the audit log": {"lead_attorney", "supervisor"},
    # Not in the table; decided as its "manage the team, archive the case" row implies: the details say
    # which case this is, and whoever answers for the case changes them.
    "edit the case's details (client, docket number, charges, stage)": {"lead_attorney", "supervisor"},
}


@dataclass
class World:
    case: object
    people: dict
    document: object
    life_candidate: object
    service_candidate: object
    event: object
    narrative: object
    introduction: object
    doing_now: object
    newcomer: object


@pytest.fixture
def world(db) -> World:
    from narratives.services import narrative_create, section_save

    document = DocumentFactory()
    case = document.case
    PageFactory(document=document, number=1)
    people = {"lead_attorney": case.created_by}
    for person, role in [("attorney", "attorney"), ("mitigation_specialist", "mitigation_specialist"),
                         ("advocate", "advocate"), ("supervisor", "supervisor")]:
        people[person] = MembershipFactory(case=case, role=role).user
    lead = Actor(user=case.created_by)
    narrative = narrative_create(case=case, title="Mitigation", created_by=case.created_by)
    introduction = narrative.sections.get(title="Introduction")
    doing_now = narrative.sections.get(title="What the client is doing now")
    introduction = section_save(section=introduction, body="<p>He grew up in Sample County.</p>", expected_version=0,
                                actor=lead)
    return World(
        case=case, people=people, document=document,
        life_candidate=EventCandidateFactory(document=document),
        service_candidate=EventCandidateFactory(document=document, kind="service_engagement",
                                                category="education_services", status="active"),
        event=TimelineEventFactory(case=case), narrative=narrative, introduction=introduction,
        doing_now=doing_now, newcomer=UserFactory(),
    )


@dataclass(frozen=True)
class Probe:
    row: str
    name: str
    service: Callable  # (world, actor) -> None
    view: Callable  # (client, world) -> response
    done: Callable  # (world) -> bool: whether the thing happened

    def __str__(self) -> str:
        return self.name


def _accepted(candidate) -> bool:
    candidate.refresh_from_db()
    return candidate.review_status != "pending"


def _url(name: str, world: World, **kwargs) -> str:
    return reverse(name, kwargs={"case_id": world.case.pk, **kwargs})


def _upload_service(w, actor):
    from evidence.services import document_upload

    document_upload(case=w.case, file=ContentFile(b"Intake note. He enrolled in GED classes.\n", name="intake.txt"),
                    actor=actor)


def _upload_view(client, w):
    return client.post(_url("evidence:document_upload", w),
                       {"files": ContentFile(b"Intake note. He enrolled in GED classes.\n", name="intake.txt")})


def _read_service(w, actor):
    from evidence.services import document_view

    list(document_view(document=w.document, actor=actor))


def _read_done(w) -> bool:
    from audit.models import AuditEntry

    return AuditEntry.objects.filter(action=AuditEntry.Action.RECORD_VIEWED, object_id=str(w.document.pk)).exists()


def _review(candidate_name: str):
    def service(w, actor):
        from narratives.services import candidate_accept

        candidate_accept(candidate=getattr(w, candidate_name), actor=actor)

    def view(client, w):
        return client.post(_url("narratives:candidate_accept", w, candidate_id=getattr(w, candidate_name).pk))

    return service, view, lambda w: _accepted(getattr(w, candidate_name))


def _reject(candidate_name: str):
    def service(w, actor):
        from narratives.services import candidate_reject

        candidate_reject(candidate=getattr(w, candidate_name), actor=actor)

    def view(client, w):
        return client.post(_url("narratives:candidate_reject", w, candidate_id=getattr(w, candidate_name).pk))

    return service, view, lambda w: _accepted(getattr(w, candidate_name))


def _consent_service(w, actor):
    from narratives.services import event_set_consent

    event_set_consent(event=w.event, consent="approved", actor=actor)


def _consent_done(w) -> bool:
    w.event.refresh_from_db()
    return w.event.consent == "approved"


def _section_save(section_name: str):
    def service(w, actor):
        from narratives.services import section_save

        section = getattr(w, section_name)
        section_save(section=section, body="<p>Changed.</p>", expected_version=section.version, actor=actor)

    def view(client, w):
        section = getattr(w, section_name)
        url = reverse("narratives:section_save", kwargs={"case_id": w.case.pk, "narrative_id": w.narrative.pk,
                                                         "section_id": section.pk})
        return client.post(url, json.dumps({"body": "<p>Changed.</p>", "version": section.version}),
                           content_type="application/json")

    def done(w):
        section = getattr(w, section_name)
        section.refresh_from_db()
        return section.body == "<p>Changed.</p>"

    return service, view, done


def _export(draft: bool):
    # The world is not ready to file (no court, signer or conclusion): the filing checks (exports/checks.py) are
    # tested on their own, so here they pass and only the roles decide.
    def ready_to_file():
        return mock.patch("exports.services.filing_checks", return_value=[])

    def service(w, actor):
        from exports.services import export_create

        with ready_to_file():
            export_create(narrative=w.narrative, actor=actor, sealed=False, redactions={}, decisions={}, draft=draft)

    def view(client, w):
        url = reverse("exports:export_prepare", kwargs={"case_id": w.case.pk, "narrative_id": w.narrative.pk})
        with ready_to_file():
            return client.post(url, {"export": "draft" if draft else "filing"})

    return service, view, lambda w: w.narrative.exports.filter(draft=draft).exists()


def _settings_service(w, actor):
    from exports.services import export_settings_update

    export_settings_update(case=w.case, values={"minors": "J.S."}, actor=actor)


def _settings_view(client, w):
    url = reverse("exports:export_prepare", kwargs={"case_id": w.case.pk, "narrative_id": w.narrative.pk})
    return client.post(url, {"save_settings": "1", "s-document_title": "Sentencing Memorandum", "s-minors": "J.S.",
                             "s-citation_style": "inline", "s-signer_title": "APD"})


def _settings_done(w) -> bool:
    from exports.models import CaseExportSettings

    return CaseExportSettings.objects.filter(case=w.case, minors="J.S.").exists()


def _goal_service(w, actor):
    from engagements.services import client_goal_add

    client_goal_add(case=w.case, text="Keep my job.", actor=actor)


def _goal_view(client, w):
    return client.post(_url("engagements:goals", w), {"form": "goal", "text": "Keep my job."})


def _team_service(w, actor):
    from cases.services import case_member_set

    case_member_set(case=w.case, user=w.newcomer, role="advocate", actor=actor)


def _team_view(client, w):
    return client.post(_url("cases:case_member_add", w), {"user": w.newcomer.pk, "role": "advocate"})


def _archive_service(w, actor):
    from cases.services import case_archive

    case_archive(case=w.case, actor=actor)


def _archive_view(client, w):
    return client.post(_url("cases:case_archive", w), {"archive": "1"})


def _archived(w) -> bool:
    w.case.refresh_from_db()
    return w.case.is_archived


def _details_service(w, actor):
    from cases.services import case_details_update

    case_details_update(case=w.case, actor=actor, charges="Robbery")


def _details_view(client, w):
    data = {"client_name": w.case.client_name, "docket_number": w.case.docket_number, "charges": "Robbery",
            "stage": w.case.stage, "client_dob": w.case.client_dob.isoformat()}
    return client.post(_url("cases:case_details", w), data)


def _details_done(w) -> bool:
    w.case.refresh_from_db()
    return w.case.charges == "Robbery"


def _audit_service(w, actor):
    from cases.services import case_audit_csv

    case_audit_csv(case=w.case, actor=actor)


def _audit_done(w) -> bool:
    from audit.models import AuditEntry

    return AuditEntry.objects.filter(case_id=w.case.pk, action=AuditEntry.Action.AUDIT_EXPORTED).exists()


PROBES = [
    Probe("read the case, records, timeline, narratives", "read a record", _read_service,
          lambda c, w: c.get(_url("evidence:document_detail", w, document_id=w.document.pk)), _read_done),
    Probe("upload records, edit record details", "upload a record", _upload_service, _upload_view,
          lambda w: w.case.documents.filter(original_name="intake.txt").exists()),
    Probe("review proposals: life-history events", "accept a life-history proposal", *_review("life_candidate")),
    Probe("review proposals: life-history events", "reject a life-history proposal", *_reject("life_candidate")),
    Probe("review proposals: service engagements", "accept a service-engagement proposal",
          *_review("service_candidate")),
    Probe("record the client's consent on facts", "record consent", _consent_service,
          lambda c, w: c.post(_url("narratives:event_update", w, event_id=w.event.pk), {"consent": "approved"}),
          _consent_done),
    Probe("edit narratives: any section", "save the introduction", *_section_save("introduction")),
    Probe("edit narratives: “What the client is doing now”", "save “What the client is doing now”",
          *_section_save("doing_now")),
    Probe("draft exports", "export a draft", *_export(draft=True)),
    Probe("public and sealed exports for filing, filing settings", "export for filing", *_export(draft=False)),
    Probe("public and sealed exports for filing, filing settings", "change the filing settings", _settings_service,
          _settings_view, _settings_done),
    Probe("engagements, goals, collateral flags", "add a client goal", _goal_service, _goal_view,
          lambda w: w.case.goal_items.filter(text="Keep my job.").exists()),
    Probe("manage the team, archive the case", "add a team member", _team_service, _team_view,
          lambda w: CaseMembership.objects.filter(case=w.case, user=w.newcomer).exists()),
    Probe("manage the team, archive the case", "archive the case", _archive_service, _archive_view, _archived),
    Probe("edit the case's details (client, docket number, charges, stage)", "change the charges",
          _details_service, _details_view, _details_done),
    Probe("read the audit log", "download the audit log", _audit_service,
          lambda c, w: c.get(_url("cases:case_audit_csv", w)), _audit_done),
]


def test_every_row_of_the_table_has_a_probe():
    assert {probe.row for probe in PROBES} == set(EXPECTED)


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("probe", PROBES, ids=str)
def test_the_service_allows_exactly_the_roles_of_its_row(world, probe, person):
    actor = Actor(user=world.people[person])
    if person in EXPECTED[probe.row]:
        probe.service(world, actor)
        assert probe.done(world)
    else:
        with pytest.raises(PermissionDenied):
            probe.service(world, actor)
        assert not probe.done(world)


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("probe", PROBES, ids=str)
def test_the_view_allows_exactly_the_roles_of_its_row(client, world, probe, person):
    client.force_login(world.people[person])
    response = probe.view(client, world)
    if person in EXPECTED[probe.row]:
        assert response.status_code != 403, response.content[:300]
        assert probe.done(world)
    else:
        assert response.status_code == 403
        assert not probe.done(world)


def test_a_refusal_says_what_the_role_may_do(world):
    from narratives.services import candidate_accept

    with pytest.raises(PermissionDenied, match="As an Advocate on this case you may review proposals and facts: "
                                               "service engagements only"):
        candidate_accept(candidate=world.life_candidate, actor=Actor(user=world.people["advocate"]))


def test_an_advocate_cannot_reshape_the_narrative_even_the_section_they_write(world):
    from narratives.services import section_remove, section_rename

    advocate = Actor(user=world.people["advocate"])
    with pytest.raises(PermissionDenied):
        section_remove(section=world.doing_now, actor=advocate)
    with pytest.raises(PermissionDenied):
        section_rename(section=world.doing_now, title="Now", actor=advocate)
    assert world.narrative.sections.filter(title="What the client is doing now").exists()


def test_the_team_page_shows_the_table_with_the_viewers_role(client, world):
    client.force_login(world.people["advocate"])
    page = client.get(_url("cases:case_team", world)).content.decode()

    assert "You are on it as Advocate." in page
    assert "service engagements only" in page
    assert "Add to the team" not in page  # an Advocate does not manage the team
    assert world.people["supervisor"].username in page


def test_a_refused_page_is_styled_says_why_and_offers_a_way_back(client, world):
    client.force_login(world.people["advocate"])

    response = client.get(reverse("exports:export_list", kwargs={"case_id": world.case.pk,
                                                                 "narrative_id": world.narrative.pk}))

    page = response.content.decode()
    assert response.status_code == 403
    assert "As an Advocate on this case you may not make or download exports." in page
    assert "Go back" in page and reverse("cases:case_list") in page


def test_an_advocates_queue_offers_decisions_on_service_engagements_only(client, world):
    client.force_login(world.people["advocate"])

    page = client.get(_url("narratives:review_queue", world)).content.decode()

    def controls(candidate):
        item = page.split(f'id="candidate-{candidate.pk}"')[1].split("</li>")[0]
        return ("data-action=\"accept\"" in item, 'class="pick"' in item, 'class="merge"' in item)

    assert controls(world.service_candidate) == (True, True, True)
    assert controls(world.life_candidate) == (False, False, False)
    assert "As an Advocate you review the service engagements" in page


def test_a_missing_page_is_styled_and_leads_back_to_the_cases(client, world):
    client.force_login(world.people["advocate"])

    response = client.get("/cases/999999/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "Nothing here" in page and "belongs to a case whose team you are not on" in page
    assert reverse("cases:case_list") in page
