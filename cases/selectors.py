"""Reads of the cases app: which cases a person may see, and their teams."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format

from audit.models import AuditEntry
from cases.hooks import OBJECT_WORDS, audit_object_names
from cases.models import Case, CaseDetailsChange, CaseMembership


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
        if object_type == "cases.case":  # this app's own
            numbers = [int(i) for i in ids if i.isascii() and i.isdigit()]
            names.update({str(pk): f"case No. {docket}" for pk, docket in
                          Case.objects.filter(pk__in=numbers).values_list("pk", "docket_number")})
        word = OBJECT_WORDS.get(object_type, object_type)
        for object_id in ids:
            labels[(object_type, object_id)] = names.get(object_id) or f"{word} no. {object_id}"
    return labels


# ---- the audit log's detail column, in words --------------------------------------------------------------------

# Detail keys that hold ids of other apps' objects, and the kind of object (named through audit_object_names).
DETAIL_OBJECTS = {
    "candidate": "extraction.eventcandidate",
    "candidates": "extraction.eventcandidate",
    "document": "evidence.document",
    "goal": "engagements.clientgoal",
    "entry": "engagements.engagementlogentry",
}
# Detail keys that hold user ids, in the entries of these actions.
TEAM_ACTIONS = {AuditEntry.Action.TEAM_CHANGED, AuditEntry.Action.CASE_OPENED}
USER_KEYS = {"added", "changed", "removed", "lead"}
# Counts a removal or a destruction reports, by the words they are recorded with.
COUNT_WORDS = {"proposals_removed": "proposals removed"}


def _user_ids(entry: AuditEntry) -> list[int]:
    if entry.action not in TEAM_ACTIONS:
        return []
    found = []
    for key in USER_KEYS & set(entry.detail):
        value = entry.detail[key]
        found += [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, int)]
    return found


def _person(names: dict[int, str], user_id) -> str:
    return names.get(user_id) or f"a person no longer here (no. {user_id})"


def _field_name(name: str) -> str:
    try:
        return str(Case._meta.get_field(name).verbose_name)
    except Exception:  # a field of another app's object (a fact's, a record's): its name in words is enough
        return name.replace("_", " ")


def _day(text: str) -> str:
    try:
        return date_format(datetime.date.fromisoformat(text), "F j, Y")
    except (TypeError, ValueError):
        return str(text)


def _moment(text: str) -> str:
    try:
        moment = datetime.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return str(text)
    return date_format(timezone.localtime(moment) if timezone.is_aware(moment) else moment, "F j, Y H:i")


def _value(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{count} {kind}" for kind, count in value.items())
    return str(value).replace("_", " ") if isinstance(value, str) and value.isidentifier() else str(value)


def _role(value: str) -> str:
    return CaseMembership.Role(value).label if value in CaseMembership.Role.values else _value(value)


def _team_words(detail: dict, people: dict[int, str]) -> list[str]:
    words = []
    role = _role(detail["role"]) if "role" in detail else ""
    for user_id in detail.get("added", []):
        words.append(f"added {_person(people, user_id)}" + (f" as {role}" if role else ""))
    for user_id in detail.get("changed", []):
        words.append(f"{_person(people, user_id)} is now {role}")
    for user_id in detail.get("removed", []):
        words.append(f"removed {_person(people, user_id)}")
    if "lead" in detail:
        words.append(f"lead attorney: {_person(people, detail['lead'])}")
    return words


def _details_change_words(detail: dict, changes: dict[int, dict]) -> list[str]:
    values = changes.get(detail.get("change"))
    if values is None:  # the case (and so the change) is gone: the fields changed are all that is left
        return [f"changed {', '.join(_field_name(f) for f in detail.get('fields', []))}"]
    return [f"{_field_name(name)}: “{_field_value(name, old) or '—'}” → “{_field_value(name, new) or '—'}”"
            for name, (old, new) in values.items()]


def _field_value(name: str, value: str) -> str:
    """A choice by its label ("Sentencing", not "sentencing"); anything else as typed."""
    try:
        choices = dict(Case._meta.get_field(name).choices or ())
    except Exception:
        return value
    return str(choices.get(value, value))


def _destroyed_words(detail: dict) -> list[str]:
    words = [f"No. {detail.get('docket_number', '')}"]
    if detail.get("archived_by"):
        words.append(f"archived by {detail['archived_by']} on {_moment(detail.get('archived_at', ''))}")
    if detail.get("destroy_after"):
        words.append(f"to be destroyed after {_day(detail['destroy_after'])}")
    if detail.get("deleted"):
        words.append(f"deleted: {_value(detail['deleted'])}")
    return words


def audit_detail_words(entries: list[AuditEntry]) -> dict[int, str]:
    """Each entry's detail in words, by entry id: people by name, records, proposals, goals and log entries by what
    their apps call them (while they exist), fields and choices by their labels, the old and new values of a change
    of the case's details; never a bare id."""
    User = get_user_model()
    user_ids = {user_id for entry in entries for user_id in _user_ids(entry)}
    people = {user.pk: (f"{user.get_full_name()} ({user.get_username()})" if user.get_full_name()
                        else user.get_username()) for user in User.objects.filter(pk__in=user_ids)}
    change_ids = [entry.detail["change"] for entry in entries
                  if entry.action == AuditEntry.Action.CASE_DETAILS_CHANGED and isinstance(entry.detail.get("change"), int)]
    changes = dict(CaseDetailsChange.objects.filter(pk__in=change_ids).values_list("pk", "values"))
    wanted: dict[str, set[str]] = {}
    for entry in entries:
        for key, object_type in DETAIL_OBJECTS.items():
            value = entry.detail.get(key)
            for object_id in (value if isinstance(value, list) else [value]):
                if isinstance(object_id, int):
                    wanted.setdefault(object_type, set()).add(str(object_id))
    objects: dict[tuple[str, str], str] = {}
    for object_type, ids in wanted.items():
        found: dict[str, str] = {}
        for names in audit_object_names(object_type=object_type, ids=sorted(ids)):
            found.update(names)
        word = OBJECT_WORDS.get(object_type, object_type)
        for object_id in ids:
            objects[(object_type, object_id)] = found.get(object_id) or f"{word} no. {object_id} (since removed)"

    words: dict[int, str] = {}
    for entry in entries:
        detail = entry.detail or {}
        if entry.action in TEAM_ACTIONS:
            parts = _team_words(detail, people)
        elif entry.action == AuditEntry.Action.CASE_DETAILS_CHANGED:
            parts = _details_change_words(detail, changes)
        elif entry.action == AuditEntry.Action.CASE_DESTROYED:
            parts = _destroyed_words(detail)
        else:
            parts = []
            for key, value in detail.items():
                if key in DETAIL_OBJECTS:
                    ids = value if isinstance(value, list) else [value]
                    named = [objects.get((DETAIL_OBJECTS[key], str(v)), _value(v)) for v in ids]
                    parts.append(", ".join(named))
                elif key in {"fields", "changed"} and isinstance(value, list):
                    parts.append(f"changed {', '.join(_field_name(str(f)) for f in value)}")
                elif key in {"destroy_after", "destroy_after_dropped", "since", "until"}:
                    label = {"destroy_after": "destroy after", "destroy_after_dropped": "destruction date dropped",
                             "since": "from", "until": "to"}[key]
                    parts.append(f"{label}: {_day(value) if value else 'none'}")
                elif key == "version":
                    parts.append(f"version {value}")
                elif key == "page":
                    parts.append(f"page {value}")
                elif key == "action" and value in AuditEntry.Action.values:
                    parts.append(f"action: {AuditEntry.Action(value).label}")
                else:
                    parts.append(f"{COUNT_WORDS.get(key, key.replace('_', ' '))}: {_value(value)}")
        words[entry.pk] = "; ".join(part for part in parts if part)
    return words
