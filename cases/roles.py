"""Who on a case's team may do what: the one table every service consults, shown on the team page and in the README.

Services call `case_require` with the person acting, so a browser, a management command and the demo loader meet
the same rule; views turn the refusal (PermissionDenied) into a 403 page. A few rights are partial: an Advocate
reviews only service engagements and edits only the "What the client is doing now" section, and only the case's
lead attorney manages its team. The service says whether the thing at hand is inside that limit.

An archived case is read-only: every action but reading is refused (CaseArchived, a PermissionDenied saying so)
until its lead or supervisor unarchives it. The few reads that share a row with writes (downloading an export)
and the archive controls themselves pass `even_archived=True`."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from cases.models import Case, CaseMembership

Role = CaseMembership.Role


class Grant(enum.Enum):
    ALL = "✓"
    LIMITED = "limited"  # only within the limit named in the row (see CaseAction.limit)
    LEAD = "lead"  # only the case's lead attorney


class CaseAction(enum.StrEnum):
    READ = "read"
    UPLOAD = "upload"
    REVIEW = "review"
    CONSENT = "consent"
    EDIT_NARRATIVE = "edit_narrative"
    DRAFT_EXPORT = "draft_export"
    FILING = "filing"
    ENGAGEMENTS = "engagements"
    MANAGE_TEAM = "manage_team"
    EDIT_DETAILS = "edit_details"
    READ_AUDIT = "read_audit"

    @property
    def label(self) -> str:
        return LABELS[self][0]

    @property
    def limit(self) -> str:
        """What a LIMITED grant covers, in the words of the table."""
        return LABELS[self][1]

    @property
    def doing(self) -> str:
        """The action as a refusal names it: "you may not ..."."""
        return LABELS[self][2]

    @property
    def writes(self) -> bool:
        """Whether it changes the case (refused while the case is archived)."""
        return self not in {CaseAction.READ, CaseAction.READ_AUDIT}


# (the table's words, what a limited grant covers, the action in a sentence)
LABELS: dict[CaseAction, tuple[str, str, str]] = {
    CaseAction.READ: ("read the case, records, timeline, narratives", "", "read this case"),
    CaseAction.UPLOAD: ("upload records, edit record details", "", "upload records or change their details"),
    CaseAction.REVIEW: ("review proposals (accept, edit, merge, reject)", "service engagements only",
                        "review proposals and facts"),
    CaseAction.CONSENT: ("record the client's consent on facts", "", "record the client's consent"),
    CaseAction.EDIT_NARRATIVE: ("edit narratives", "“What the client is doing now” only", "edit narratives"),
    CaseAction.DRAFT_EXPORT: ("draft exports", "", "make or download exports"),
    CaseAction.FILING: ("public and sealed exports for filing, filing settings", "",
                        "make exports for filing or change the filing settings"),
    CaseAction.ENGAGEMENTS: ("engagements, goals, collateral flags", "",
                             "change engagements, goals or collateral concerns"),
    CaseAction.MANAGE_TEAM: ("manage the team, archive the case", "", "manage the team or archive the case"),
    # Not in the table: the details (client, docket, charges, stage) say which case this is, so they are
    # changed by whoever answers for the case, as its team and its archiving are.
    CaseAction.EDIT_DETAILS: ("edit the case's details (client, docket number, charges, stage)", "",
                              "change the case's details"),
    CaseAction.READ_AUDIT: ("read the audit log", "", "read the audit log"),
}

ROLES = [Role.ATTORNEY, Role.MITIGATION_SPECIALIST, Role.ADVOCATE, Role.SUPERVISOR]
_A, _L, _LEAD = Grant.ALL, Grant.LIMITED, Grant.LEAD

# The table, row by row: attorney, mitigation specialist, Advocate, supervisor. None: not allowed.
TABLE: dict[CaseAction, tuple[Grant | None, Grant | None, Grant | None, Grant | None]] = {
    CaseAction.READ: (_A, _A, _A, _A),
    CaseAction.UPLOAD: (_A, _A, _A, None),
    CaseAction.REVIEW: (_A, _A, _L, None),
    CaseAction.CONSENT: (_A, _A, None, None),
    CaseAction.EDIT_NARRATIVE: (_A, _A, _L, None),
    CaseAction.DRAFT_EXPORT: (_A, _A, None, None),
    CaseAction.FILING: (_A, None, None, None),
    CaseAction.ENGAGEMENTS: (_A, _A, _A, None),
    CaseAction.MANAGE_TEAM: (_LEAD, None, None, _A),
    CaseAction.EDIT_DETAILS: (_LEAD, None, None, _A),
    CaseAction.READ_AUDIT: (_LEAD, None, None, _A),
}


def grant_of(*, role: str | None, action: CaseAction) -> Grant | None:
    if role not in ROLES:
        return None
    return TABLE[action][ROLES.index(role)]


@dataclass(frozen=True, slots=True)
class Standing:
    """A person's place on one case's team: their role, and whether they are its lead."""

    role: str | None
    is_lead: bool = False
    archived: bool = False  # the case's, as read with the membership

    def allows(self, action: CaseAction, *, within_limit: bool = True, even_archived: bool = False) -> bool:
        if self.archived and action.writes and not even_archived:
            return False
        return self.role_allows(action, within_limit=within_limit)

    def role_allows(self, action: CaseAction, *, within_limit: bool = True) -> bool:
        """Whether the role alone allows it, archived or not."""
        grant = grant_of(role=self.role, action=action)
        if grant is Grant.ALL:
            return True
        if grant is Grant.LIMITED:
            return within_limit
        if grant is Grant.LEAD:
            return self.is_lead
        return False

    def allows_some(self, action: CaseAction, *, even_archived: bool = False) -> bool:
        """Whether any part of the action is open to them (to show its controls at all)."""
        if self.archived and action.writes and not even_archived:
            return False
        return grant_of(role=self.role, action=action) is Grant.LIMITED or self.role_allows(action)

    def limited(self, action: CaseAction) -> bool:
        return grant_of(role=self.role, action=action) is Grant.LIMITED

    # For templates, which cannot pass arguments.
    @property
    def role_label(self) -> str:
        """The role in a sentence: "mitigation specialist", but "Advocate" (the programme's title)."""
        if not self.role:
            return ""
        return Role(self.role).label if self.role == Role.ADVOCATE else Role(self.role).label.lower()

    @property
    def manages_team(self) -> bool:
        return self.allows(CaseAction.MANAGE_TEAM)

    @property
    def reads_audit(self) -> bool:
        return self.allows(CaseAction.READ_AUDIT)

    @property
    def edits_details(self) -> bool:
        return self.allows(CaseAction.EDIT_DETAILS)

    @property
    def archives(self) -> bool:
        """Whether they archive and unarchive the case and set its destruction date (archived or not)."""
        return self.allows(CaseAction.MANAGE_TEAM, even_archived=True)


class CaseArchived(PermissionDenied):
    """A change to an archived case: refused until its lead or supervisor unarchives it."""

    heading = "This case is archived"  # the refused page's title: not a matter of role

    def __init__(self, message: str = "") -> None:
        super().__init__(message or "This case is archived: it can be read but not changed. Its lead attorney or "
                                    "supervisor can unarchive it from the case page.")


def standing_of(*, case: Case | int, user) -> Standing:
    if user is None or not user.is_authenticated:
        return Standing(role=None)
    case_id = case if isinstance(case, int) else case.pk
    # One query: the role and whether the case is archived now (not as a Case object passed in last saw it).
    found = (CaseMembership.objects.filter(case_id=case_id, user=user)
             .values_list("role", "is_lead", "case__archived_at").first())
    if found is None:
        return Standing(role=None)
    role, is_lead, archived_at = found
    return Standing(role=role, is_lead=is_lead, archived=archived_at is not None)


def case_allows(*, case: Case | int, user, action: CaseAction, within_limit: bool = True) -> bool:
    return standing_of(case=case, user=user).allows(action, within_limit=within_limit)


def case_require(
    *, case: Case | int, user, action: CaseAction, within_limit: bool = True, even_archived: bool = False
) -> None:
    """Raise PermissionDenied, saying why, unless the user's role on the case allows the action (and, for a change,
    the case is not archived: CaseArchived)."""
    standing = standing_of(case=case, user=user)
    if standing.allows(action, within_limit=within_limit, even_archived=even_archived):
        return
    if standing.role is None:
        raise PermissionDenied("You are not on this case's team.")
    if standing.archived and standing.role_allows(action, within_limit=within_limit):
        raise CaseArchived()
    role = standing.role_label
    grant = grant_of(role=standing.role, action=action)
    if grant is Grant.LIMITED:
        raise PermissionDenied(f"As {_article(role)} {role} on this case you may {action.doing}: {action.limit}.")
    if grant is Grant.LEAD:
        raise PermissionDenied(f"Only the case's lead attorney or its supervisor may {action.doing}.")
    raise PermissionDenied(f"As {_article(role)} {role} on this case you may not {action.doing}.")


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def table_rows(*, standing: Standing | None = None) -> list[dict]:
    """The table as rows for a page: each action with a mark per role, and whether the viewer may do it."""
    marks = {Grant.ALL: "✓", Grant.LEAD: "✓ (lead)", None: "–"}
    rows = []
    for action, grants in TABLE.items():
        cells = [action.limit if grant is Grant.LIMITED else marks[grant] for grant in grants]
        rows.append({"action": action, "label": action.label, "cells": cells,
                     "yours": standing.allows_some(action, even_archived=True) if standing else False})
    return rows
