"""Reads of the cases app: which cases a person may see, and their teams."""

from __future__ import annotations

from django.db.models import QuerySet

from audit.models import AuditEntry
from cases.hooks import OBJECT_WORDS, audit_object_names
from cases.models import Case, CaseMembership


def case_list_for_user(*, user) -> QuerySet[Case]:
    """The cases on whose team the user is; every case view looks cases up through this."""
    return Case.objects.for_user(user)


def case_for_user(*, user, case_id: int) -> Case | None:
    """The case if the user is on its team, else None (for them it does not exist)."""
    return case_list_for_user(user=user).filter(pk=case_id).first()


class AmbiguousDocket(Exception):
    """Several cases carry the docket number (co-defendants); the message lists their ids to choose from."""


def case_for_docket(*, docket_number: str, case_id: int | None = None) -> Case | None:
    """A case by its docket number (and id, when several share it), for commands run by the office (no access
    check: they run as a chosen user, and the services check that user's role). Raises AmbiguousDocket."""
    cases = Case.objects.filter(docket_number=docket_number)
    if case_id is not None:
        cases = cases.filter(pk=case_id)
    found = list(cases.order_by("pk")[:10])
    if len(found) > 1:
        ids = ", ".join(str(case.pk) for case in found)
        raise AmbiguousDocket(f"Several cases carry docket number {docket_number} (ids {ids}): say which with --case-id.")
    return found[0] if found else None


def case_list_for_user_by_docket(*, user, docket_number: str) -> QuerySet[Case]:
    """The user's own cases on a docket: the only ones a form may name to them."""
    return case_list_for_user(user=user).filter(docket_number__iexact=docket_number.strip())


def case_role_of(*, case: Case, user) -> str | None:
    """The user's role on the case's team, or None when they are not on it."""
    membership = CaseMembership.objects.filter(case=case, user=user).only("role").first()
    return membership.role if membership else None


def case_team(*, case: Case) -> QuerySet[CaseMembership]:
    return case.memberships.select_related("user")


def audit_object_labels(entries: list[AuditEntry]) -> dict[tuple[str, str], str]:
    """Each audit entry's object in words ("record “school.pdf”", "fact no. 12 (Education)"), named by the app that
    owns it while it exists; an object since deleted keeps its kind and number."""
    wanted: dict[str, set[str]] = {}
    for entry in entries:
        if entry.object_type:
            wanted.setdefault(entry.object_type, set()).add(entry.object_id)
    labels = {}
    for object_type, ids in wanted.items():
        names: dict[str, str] = {}
        for found in audit_object_names(object_type=object_type, ids=sorted(ids)):
            names.update(found)
        word = OBJECT_WORDS.get(object_type, object_type)
        for object_id in ids:
            labels[(object_type, object_id)] = names.get(object_id) or f"{word} no. {object_id}"
    return labels
