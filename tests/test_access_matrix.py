"""Every URL pattern of the project, for every kind of visitor, answers what the table beside this test says.

The patterns are enumerated from the URL resolver, so a new view without an expectation fails
`test_every_url_pattern_has_an_expectation`. Object ids in the URLs are real objects of the case, so only the
access check can say no; non-members get 404 (the case's existence is not revealed)."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from audit.services import Actor
from cases.models import CaseMembership
from tests.access_expectations import EXPECTED, PARAMETERS, VISITORS, expected_status
from tests.factories import MembershipFactory, UserFactory


def _patterns(resolver: URLResolver | None = None, namespace: str = "") -> list[tuple[str, tuple[str, ...]]]:
    found = []
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                found.append(("admin:index", ()))  # Django's admin: guarded by is_staff, checked at its door
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += _patterns(entry, inner)
        elif isinstance(entry, URLPattern):
            assert entry.name, f"every URL needs a name: {entry.pattern}"
            found.append((f"{namespace}{entry.name}", tuple(entry.pattern.regex.groupindex)))
    return found


URLS = _patterns()


def test_every_url_pattern_has_an_expectation():
    missing = sorted({name for name, _ in URLS} - set(EXPECTED))
    assert not missing, f"add these URL names to tests/access_expectations.py: {missing}"
    unknown = sorted({p for _, params in URLS for p in params} - set(PARAMETERS))
    assert not unknown, f"add a value for these URL parameters to the matrix fixture: {unknown}"


@pytest.fixture
def world(django_db_blocker):
    """One case with one object of every kind, a member of each role, a staff outsider and a plain outsider."""
    from exports.models import Export
    from narratives.services import narrative_create, section_save
    from tests.factories import DocumentFactory, EventCandidateFactory, PageFactory, TimelineEventFactory

    document = DocumentFactory()
    case = document.case
    PageFactory(document=document, number=1)
    candidate = EventCandidateFactory(document=document)
    event = TimelineEventFactory(case=case)
    narrative = narrative_create(case=case, title="Mitigation", created_by=document.uploaded_by)
    section = narrative.sections.first()
    section_save(section=section, body="<p>x</p>", expected_version=0, actor=Actor(user=document.uploaded_by))
    export = Export.objects.create(case=case, narrative=narrative, requested_by=document.uploaded_by,
                                   status=Export.Status.DONE)
    export.pdf_file.save("x.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    objects = {"case": case, "document": document, "candidate": candidate, "event": event, "narrative": narrative,
               "section": section, "export": export}
    from tests.access_expectations import make_more_objects

    objects.update(make_more_objects(objects))
    visitors = {"attorney": case.created_by}  # who opened the case: its lead attorney
    visitors |= {
        role: MembershipFactory(case=case, role=role).user
        for role in (CaseMembership.Role.MITIGATION_SPECIALIST, CaseMembership.Role.ADVOCATE,
                     CaseMembership.Role.SUPERVISOR)
    }
    visitors["outsider"] = MembershipFactory().user  # on another case's team
    visitors["staff_outsider"] = UserFactory(is_staff=True)
    visitors["anonymous"] = None
    return objects, visitors


def _url(name: str, params: tuple[str, ...], objects: dict) -> str:
    return reverse(name, kwargs={key: PARAMETERS[key](objects) for key in params})


@pytest.mark.django_db
@pytest.mark.parametrize("visitor", VISITORS)
def test_every_url_answers_each_visitor_as_expected(client, world, visitor):
    objects, visitors = world
    if visitors[visitor] is not None:
        client.force_login(visitors[visitor])
    wrong = []
    for name, params in URLS:
        response = client.get(_url(name, params, objects))
        want = expected_status(name, visitor)
        if response.status_code != want:
            wrong.append(f"{name}: {response.status_code}, expected {want}")
    assert not wrong, "\n".join(wrong)
