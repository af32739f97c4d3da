"""Writes of the narratives app: the review of proposals, the timeline (consent, key facts, conflicts, domains),
narratives and their sections, and the timeline events that show service engagements.

Services that change or hand out privileged material take an `actor` and write the audit entry themselves."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, replace
from html import escape

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import Actor, audit_record
from cases.models import Case
from cases.roles import CaseAction, case_require
from common.dates import parse_partial_date
from evidence.models import Page
from extraction.models import EventCandidate
from extraction.pipeline.taxonomy import SERVICE_ENGAGEMENT, kind_of
from extraction.services import candidate_mark_reviewed, candidate_reopen
from narratives.drafting import DraftFact, assemble_paragraphs
from narratives.hooks import draft_notes, draft_wordings, event_accepted
from narratives.models import (
    Consent,
    DomainStatus,
    EventRevision,
    EventSource,
    Narrative,
    NarrativeSection,
    SectionVersion,
    TimelineEvent,
)
from narratives.richtext import cited_event_ids, sanitize_html
from narratives.statements import PRONOUNS, ClientNaming, FactText, write_statement
from narratives.selectors import client_naming_for, statement_proposals, timeline_list
from narratives.timeline import timeline_csv, timeline_xlsx

# ---- review: proposals become timeline events only when a person accepts them -----------------------------------


def _require_review(case_id: int, actor: Actor, *categories: str) -> None:
    """Reviewing is for the attorney and the specialist; an Advocate reviews only service engagements."""
    engagements_only = all(kind_of(category) == SERVICE_ENGAGEMENT for category in categories if category)
    case_require(case=case_id, user=actor.user, action=CaseAction.REVIEW, within_limit=engagements_only)


def section_is_current_services(section: NarrativeSection) -> bool:
    """The "What the client is doing now" section: it draws only on service engagements (whatever its title)."""
    return bool(section.categories) and all(kind_of(category) == SERVICE_ENGAGEMENT for category in section.categories)


def _require_narrative(section: NarrativeSection, actor: Actor, *, whole: bool = False) -> None:
    """Editing is for the attorney and the specialist; an Advocate edits the text of the section about what the
    client is doing now, and does not add, remove, rename or move sections (`whole`)."""
    case_require(case=section.narrative.case_id, user=actor.user, action=CaseAction.EDIT_NARRATIVE,
                 within_limit=not whole and section_is_current_services(section))


class ReviewConflict(Exception):
    """A proposal that someone else reviewed first."""


def _date_sort(date: str):
    return parse_partial_date(date) if date else None


@dataclass(frozen=True, slots=True)
class EventEdits:
    """What a reviewer may change when accepting a proposal or adding an event by hand."""

    category: str
    summary: str
    date: str = ""
    date_end: str = ""
    subject: str = "client"
    status: str = ""
    provider: str = ""
    age: int | None = None
    statement: str = ""  # the fact as the memorandum says it; empty: proposed from the record


def _event_from(*, case: Case, edits: EventEdits, created_by) -> TimelineEvent:
    event = TimelineEvent(
        case=case,
        kind=kind_of(edits.category),
        category=edits.category,
        status=edits.status if kind_of(edits.category) == SERVICE_ENGAGEMENT else "",
        provider=edits.provider,
        summary=edits.summary.strip(),
        statement=" ".join(edits.statement.split()),
        subject=edits.subject.strip() or "client",
        date=edits.date,
        date_end=edits.date_end,
        date_sort=_date_sort(edits.date) or _date_sort(edits.date_end),
        age=edits.age,
        created_by=created_by,
    )
    event.full_clean()
    event.save()
    return event


def _source_from_candidate(*, event: TimelineEvent, candidate: EventCandidate) -> EventSource:
    source, _ = EventSource.objects.get_or_create(
        event=event,
        document=candidate.document,
        page_number=candidate.page,
        start=candidate.page_start,
        end=candidate.page_end,
        defaults={"quote": candidate.evidence},
    )
    return source


def _summary_of(sentence: str) -> str:
    """A table row reads as one line: its cells joined with semicolons, empty cells ("--") dropped."""
    cells = [cell.strip() for cell in re.split(r"\t+| {3,}", sentence.strip())]
    return "; ".join(cell for cell in cells if cell and cell.strip("-–— ")) or sentence.strip()


def edits_from_candidate(candidate: EventCandidate) -> EventEdits:
    return EventEdits(
        category=candidate.category,
        summary=_summary_of(candidate.sentence)[:1000],
        date=candidate.date,
        date_end=candidate.date_end,
        subject=candidate.subject,
        status=candidate.status,
        provider=candidate.provider,
        age=candidate.age,
    )


@transaction.atomic
def candidate_accept(
    *, candidate: EventCandidate, actor: Actor, edits: EventEdits | None = None, statement: str | None = None
) -> TimelineEvent:
    """Put a proposal on the case's timeline (as proposed, or as the reviewer edited it), citing its span, with its
    statement: the reviewer's (`statement`, or in `edits`), else one proposed from the record.

    The apps that follow accepted events (engagements: a service engagement) join in through `event_accepted`."""
    _require_review(candidate.document.case_id, actor, candidate.category, *([edits.category] if edits else []))
    candidate = EventCandidate.objects.select_for_update().select_related("document__case").get(pk=candidate.pk)
    if candidate.review_status != EventCandidate.ReviewStatus.PENDING:
        raise ReviewConflict("This proposal was already reviewed by someone else; the queue has been refreshed.")
    edited = edits is not None
    edits = edits or edits_from_candidate(candidate)
    if statement is not None and statement.strip():
        edits = replace(edits, statement=statement)
    if not edits.statement.strip():
        case = candidate.document.case
        proposed = statement_proposals(candidates=[candidate], naming=client_naming_for(case=case))[candidate.pk]
        edits = replace(edits, statement=proposed)
    event = _event_from(case=candidate.document.case, edits=edits, created_by=actor.user)
    _source_from_candidate(event=event, candidate=candidate)
    candidate_mark_reviewed(
        candidate=candidate, review_status=EventCandidate.ReviewStatus.ACCEPTED, reviewed_by=actor.user
    )
    event.candidates.add(candidate)
    audit_record(
        actor=actor, action=AuditEntry.Action.EVENT_EDITED if edited else AuditEntry.Action.EVENT_ACCEPTED,
        case_id=event.case_id, target=event, detail={"candidate": candidate.pk},
    )
    event_accepted(event=event, actor=actor)
    return event


@transaction.atomic
def candidate_reject(*, candidate: EventCandidate, actor: Actor) -> EventCandidate:
    _require_review(candidate.document.case_id, actor, candidate.category)
    candidate = EventCandidate.objects.select_for_update().select_related("document").get(pk=candidate.pk)
    if candidate.review_status != EventCandidate.ReviewStatus.PENDING:
        raise ReviewConflict("This proposal was already reviewed by someone else; the queue has been refreshed.")
    candidate = candidate_mark_reviewed(
        candidate=candidate, review_status=EventCandidate.ReviewStatus.REJECTED, reviewed_by=actor.user
    )
    audit_record(actor=actor, action=AuditEntry.Action.EVENT_REJECTED, case_id=candidate.document.case_id,
                 target=candidate)
    return candidate


@transaction.atomic
def candidate_merge(*, candidate: EventCandidate, into: TimelineEvent, actor: Actor) -> TimelineEvent:
    """The same fact from another record (or page): one event, one more source."""
    _require_review(into.case_id, actor, candidate.category, into.category)
    candidate = EventCandidate.objects.select_for_update().select_related("document").get(pk=candidate.pk)
    if candidate.review_status != EventCandidate.ReviewStatus.PENDING:
        raise ReviewConflict("This proposal was already reviewed by someone else; the queue has been refreshed.")
    if candidate.document.case_id != into.case_id:
        raise ValueError("an event can only take sources from its own case")
    _source_from_candidate(event=into, candidate=candidate)
    candidate_mark_reviewed(candidate=candidate, review_status=EventCandidate.ReviewStatus.MERGED, reviewed_by=actor.user)
    into.candidates.add(candidate)
    audit_record(actor=actor, action=AuditEntry.Action.EVENT_MERGED, case_id=into.case_id, target=into,
                 detail={"candidate": candidate.pk})
    return into


@transaction.atomic
def event_create_from_page(*, page: Page, start: int, end: int, edits: EventEdits, actor: Actor) -> TimelineEvent:
    """An event a person added by hand, citing the text they selected on a record page."""
    _require_review(page.document.case_id, actor, edits.category)
    if not 0 <= start < end <= len(page.text):
        raise ValidationError("The selected text is not on this page; select it again.")
    event = _event_from(case=page.document.case, edits=edits, created_by=actor.user)
    EventSource.objects.create(
        event=event, document=page.document, page_number=page.number, start=start, end=end, quote=page.text[start:end]
    )
    audit_record(actor=actor, action=AuditEntry.Action.EVENT_ADDED, case_id=event.case_id, target=event)
    return event


@transaction.atomic
def candidate_unreject(*, candidate: EventCandidate, actor: Actor) -> EventCandidate:
    """Undo a rejection: the proposal is back in the queue, undecided."""
    candidate = EventCandidate.objects.select_for_update().select_related("document").get(pk=candidate.pk)
    _require_review(candidate.document.case_id, actor, candidate.category)
    if candidate.review_status != EventCandidate.ReviewStatus.REJECTED:
        raise ReviewConflict("This proposal is no longer rejected; the list has been refreshed.")
    candidate_reopen(candidate=candidate)
    audit_record(actor=actor, action=AuditEntry.Action.REJECT_UNDONE, case_id=candidate.document.case_id,
                 target=candidate)
    return candidate


# ---- correcting accepted facts: every correction keeps what the fact said before --------------------------------

EVENT_FIELDS = ("category", "summary", "date", "date_end", "subject", "status", "provider", "age")


def _snapshot(event: TimelineEvent) -> dict:
    return {name: getattr(event, name) for name in EVENT_FIELDS} | {
        "sources": [f"{s.document.original_name}, p. {s.page_number}" for s in event.sources.select_related("document")],
        "consent": event.consent,
    }


def _revision(event: TimelineEvent, *, change: str, actor: Actor, reason: str, changed: list[str] = ()) -> None:
    EventRevision.objects.create(case_id=event.case_id, event=event if change == EventRevision.Change.EDITED else None,
                                 event_number=event.pk, change=change, before=_snapshot(event),
                                 changed_fields=list(changed), reason=reason.strip()[:300], changed_by=actor.user)


@transaction.atomic
def event_update(*, event: TimelineEvent, edits: EventEdits, actor: Actor, reason: str = "") -> TimelineEvent:
    """Correct an accepted fact (what it says, its date, category...); the earlier version stays in its history.
    A fact an engagement shows is corrected on the engagement, which keeps it in step."""
    event = TimelineEvent.objects.select_for_update().get(pk=event.pk)
    _require_review(event.case_id, actor, event.category, edits.category)
    if hasattr(event, "engagement"):
        raise ValidationError("This fact shows a service engagement: correct it on the engagement's page.")
    if kind_of(edits.category) != event.kind:
        raise ValidationError("A life-history fact stays a life-history fact (and an engagement an engagement); "
                              "send it back to the queue or remove it instead.")
    new = {
        "category": edits.category, "summary": edits.summary.strip(), "date": edits.date, "date_end": edits.date_end,
        "subject": edits.subject.strip() or "client", "status": edits.status if event.kind == SERVICE_ENGAGEMENT else "",
        "provider": edits.provider, "age": edits.age,
    }
    changed = [name for name, value in new.items() if getattr(event, name) != value]
    if not changed:
        return event
    _revision(event, change=EventRevision.Change.EDITED, actor=actor, reason=reason, changed=changed)
    for name, value in new.items():
        setattr(event, name, value)
    event.date_sort = _date_sort(event.date) or _date_sort(event.date_end)
    event.full_clean()
    event.save()
    audit_record(actor=actor, action=AuditEntry.Action.FACT_CHANGED, case_id=event.case_id, target=event,
                 detail={"fields": changed})
    return event


def _delete_fact(event: TimelineEvent) -> None:
    try:
        event.delete()
    except ProtectedError:
        raise ValidationError("This fact shows a service engagement: close or change the engagement instead.") from None


@transaction.atomic
def event_unaccept(*, event: TimelineEvent, actor: Actor, reason: str = "") -> list[EventCandidate]:
    """Send an accepted fact back to the review queue: the proposals it was accepted (or merged) from are undecided
    again and the fact leaves the timeline; its history keeps what it said. Returns the proposals reopened."""
    event = TimelineEvent.objects.select_for_update().get(pk=event.pk)
    _require_review(event.case_id, actor, event.category)
    proposals = list(event.candidates.all())
    if not proposals:
        raise ValidationError("This fact was added by hand, not accepted from the queue: remove it instead.")
    if hasattr(event, "engagement"):
        raise ValidationError("This fact shows a service engagement: close or change the engagement instead.")
    _revision(event, change=EventRevision.Change.UNACCEPTED, actor=actor, reason=reason)
    audit_record(actor=actor, action=AuditEntry.Action.FACT_UNACCEPTED, case_id=event.case_id, target=event,
                 detail={"candidates": [p.pk for p in proposals]})
    _delete_fact(event)
    for proposal in proposals:
        candidate_reopen(candidate=proposal)
    return proposals


@transaction.atomic
def event_remove(*, event: TimelineEvent, actor: Actor, reason: str = "") -> None:
    """Take a fact off the timeline for good (its proposals stay decided, so re-extraction does not bring it back);
    its history keeps what it said and who removed it, when and why."""
    event = TimelineEvent.objects.select_for_update().get(pk=event.pk)
    _require_review(event.case_id, actor, event.category)
    if hasattr(event, "engagement"):
        raise ValidationError("This fact shows a service engagement: close or change the engagement instead.")
    _revision(event, change=EventRevision.Change.REMOVED, actor=actor, reason=reason)
    audit_record(actor=actor, action=AuditEntry.Action.FACT_REMOVED, case_id=event.case_id, target=event)
    _delete_fact(event)


# ---- timeline: key facts, notes, consent, conflicts, domains -------------------------------------------


@transaction.atomic
def event_set_statement(*, event: TimelineEvent, statement: str, actor: Actor) -> TimelineEvent:
    """Say the fact in the memorandum's words (what drafts use); an empty statement is refused, not stored."""
    _require_review(event.case_id, actor, event.category)
    statement = " ".join(statement.split())
    if not statement:
        raise ValidationError("Write the fact as the memorandum should say it; the statement cannot be empty.")
    if statement != event.statement:
        event.statement = statement[:2000]
        event.save(update_fields=["statement", "updated_at"])
        audit_record(actor=actor, action=AuditEntry.Action.EVENT_EDITED, case_id=event.case_id, target=event,
                     detail={"field": "statement"})
    return event


def event_update_flags(
    *, event: TimelineEvent, actor: Actor, key_fact: bool | None = None, note: str | None = None,
    reviewed: bool = False,
) -> TimelineEvent:
    """Staff's marks on a fact: key fact, note, and `reviewed` (someone looked at what flagged it for review)."""
    _require_review(event.case_id, actor, event.category)
    fields = []
    if reviewed and event.review_flag:
        event.review_flag = ""
        fields.append("review_flag")
    if key_fact is not None:
        event.key_fact = key_fact
        fields.append("key_fact")
    if note is not None:
        event.note = note.strip()[:5000]
        fields.append("note")
    if fields:
        event.save(update_fields=[*fields, "updated_at"])
    return event


@transaction.atomic
def event_set_consent(*, event: TimelineEvent, consent: str, actor: Actor) -> TimelineEvent:
    """Record the client's decision about saying this fact in court, and who recorded it, when."""
    case_require(case=event.case_id, user=actor.user, action=CaseAction.CONSENT)
    if consent not in Consent.values:
        raise ValidationError("Unknown consent choice.")
    event.consent = consent
    event.consent_by = actor.user
    event.consent_at = timezone.now()
    event.save(update_fields=["consent", "consent_by", "consent_at", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.CONSENT_CHANGED, case_id=event.case_id, target=event,
                 detail={"consent": event.consent})
    return event


@transaction.atomic
def events_set_consent(*, events: list[TimelineEvent], consent: str, actor: Actor) -> int:
    """Record one decision of the client for many facts at once (each recorded and audited as if one by one);
    all or none. Returns how many facts were changed."""
    changed = 0
    for event in events:
        if event.consent != consent:
            event_set_consent(event=event, consent=consent, actor=actor)
            changed += 1
    return changed


def event_mark_conflict(*, event: TimelineEvent, other: TimelineEvent, actor: Actor, conflicting: bool = True) -> None:
    """Two events whose records disagree (e.g. on a date); flagged on both until resolved."""
    _require_review(event.case_id, actor, event.category, other.category)
    if event.case_id != other.case_id or event.pk == other.pk:
        raise ValidationError("Only two different events of the same case can conflict.")
    if conflicting:
        event.conflicts_with.add(other)
    else:
        event.conflicts_with.remove(other)


def domain_set_not_applicable(*, case: Case, category: str, not_applicable: bool, reason: str, decided_by) -> None:
    case_require(case=case, user=decided_by, action=CaseAction.REVIEW, within_limit=False)
    if not_applicable:
        DomainStatus.objects.update_or_create(
            case=case, category=category,
            defaults={"not_applicable": True, "reason": reason.strip()[:300], "decided_by": decided_by},
        )
    else:
        DomainStatus.objects.filter(case=case, category=category).delete()


def timeline_spreadsheet(*, case: Case, events: list[TimelineEvent], format: str, actor: Actor) -> bytes:
    """The events as a spreadsheet ("csv" or "xlsx") for a person to take away; the export is audited."""
    case_require(case=case, user=actor.user, action=CaseAction.READ)
    if format not in {"csv", "xlsx"}:
        raise ValueError("timelines export as csv or xlsx")
    audit_record(actor=actor, action=AuditEntry.Action.TIMELINE_EXPORTED, case_id=case.pk,
                 detail={"format": format, "events": len(events)})
    return timeline_xlsx(events, title=f"Timeline {case.docket_number}") if format == "xlsx" else timeline_csv(events)


# ---- narratives and sections ------------------------------------------------------------------------------

SECTION_TEMPLATE: list[tuple[str, list[str]]] = [
    ("Introduction", []),
    ("Early childhood and family", ["birth_family", "child_welfare"]),
    ("Trauma", ["trauma_abuse"]),
    ("Education", ["education", "education_services"]),
    ("Health and mental health", ["health", "mental_health", "medical_care", "mental_health_treatment"]),
    ("Substance use", ["substance_use", "substance_use_treatment"]),
    ("Housing", ["housing", "housing_assistance"]),
    # a service that ended long ago is told in its domain (the "doing now" section takes only current ones)
    ("Contact with the justice system", ["justice_involvement", "civil_legal_services"]),
    ("Work and responsibilities",
     ["employment", "family_responsibilities", "military", "employment_services", "family_services"]),
    ("Community", ["community_ties", "achievement"]),
    (
        "What the client is doing now",
        ["substance_use_treatment", "mental_health_treatment", "medical_care", "housing_assistance",
         "employment_services", "education_services", "family_services", "benefits_assistance",
         "civil_legal_services", "case_management"],
    ),
    ("The client's goals", []),
    ("Conclusion", []),
]


class EditConflict(Exception):
    """Someone else saved the section since this editor loaded it."""

    def __init__(self, section: "NarrativeSection") -> None:
        super().__init__("The section was changed by someone else.")
        self.section = section


@transaction.atomic
def narrative_create(*, case: Case, title: str, created_by) -> Narrative:
    """A narrative whose sections follow the mitigation domains and 'history and characteristics'."""
    case_require(case=case, user=created_by, action=CaseAction.EDIT_NARRATIVE, within_limit=False)
    narrative = Narrative(case=case, title=title.strip(), created_by=created_by)
    narrative.full_clean()
    narrative.save()
    NarrativeSection.objects.bulk_create(
        NarrativeSection(narrative=narrative, title=section_title, position=index, categories=categories)
        for index, (section_title, categories) in enumerate(SECTION_TEMPLATE)
    )
    return narrative


def _renumber(narrative: Narrative) -> None:
    for index, section in enumerate(narrative.sections.order_by("position", "pk")):
        if section.position != index:
            NarrativeSection.objects.filter(pk=section.pk).update(position=index)


@transaction.atomic
def section_add(*, narrative: Narrative, title: str, categories: list[str] | None = None, added_by) -> NarrativeSection:
    case_require(case=narrative.case_id, user=added_by, action=CaseAction.EDIT_NARRATIVE, within_limit=False)
    position = narrative.sections.count()
    section = NarrativeSection(narrative=narrative, title=title.strip() or "New section", position=position,
                               categories=categories or [], updated_by=added_by)
    section.full_clean()
    section.save()
    return section


def section_rename(*, section: NarrativeSection, title: str, actor: Actor) -> NarrativeSection:
    _require_narrative(section, actor, whole=True)
    section.title = title.strip()[:200] or section.title
    section.save(update_fields=["title", "updated_at"])
    return section


@transaction.atomic
def section_move(*, section: NarrativeSection, offset: int, actor: Actor) -> None:
    """Move a section up (offset -1) or down (+1) among its narrative's sections."""
    _require_narrative(section, actor, whole=True)
    ordered = list(section.narrative.sections.order_by("position", "pk"))
    index = next(i for i, s in enumerate(ordered) if s.pk == section.pk)
    target = max(0, min(len(ordered) - 1, index + offset))
    ordered.insert(target, ordered.pop(index))
    for position, item in enumerate(ordered):
        if item.position != position:
            NarrativeSection.objects.filter(pk=item.pk).update(position=position)


@transaction.atomic
def section_remove(*, section: NarrativeSection, actor: Actor) -> None:
    """Remove a section (its versions go with it; an empty narrative keeps no orphan numbering)."""
    _require_narrative(section, actor, whole=True)
    narrative = section.narrative
    section.delete()
    _renumber(narrative)


@transaction.atomic
def section_save(*, section: NarrativeSection, body: str, expected_version: int, actor: Actor) -> NarrativeSection:
    """Save a section's text as a new version; refuse (EditConflict) if someone saved since it was loaded."""
    _require_narrative(section, actor)
    _refuse_foreign_citations(section=section, body=body)
    saved = _section_save(section=section, body=body, expected_version=expected_version, saved_by=actor.user)
    if saved.version != expected_version:  # nothing changed, nothing saved: nothing to record
        _audit_saved(saved, actor=actor)
    return saved


def _refuse_foreign_citations(*, section: NarrativeSection, body: str) -> None:
    """A citation must name a fact of this case: one pasted from another case's narrative would put that
    client's facts (and their records, as exhibits) into this one."""
    cited = set(cited_event_ids(body))
    if not cited:
        return
    own = set(TimelineEvent.objects.filter(case_id=section.narrative.case_id, pk__in=cited).values_list("pk", flat=True))
    foreign = sorted(cited - own)
    if foreign:
        numbers = ", ".join(f"no. {number}" for number in foreign)
        raise ValidationError(
            f"Not saved: the text cites {numbers}, which is not a fact on this case's timeline (pasted from another "
            "case, or since removed). Delete that citation and cite from this case's facts."
        )


def _audit_saved(section: NarrativeSection, *, actor: Actor, **detail) -> None:
    audit_record(actor=actor, action=AuditEntry.Action.NARRATIVE_SAVED, case_id=section.narrative.case_id,
                 target=section, detail={"version": section.version, **detail})


def _section_save(
    *, section: NarrativeSection, body: str, expected_version: int, saved_by, note: str = ""
) -> NarrativeSection:
    current = NarrativeSection.objects.select_for_update().select_related("narrative").get(pk=section.pk)
    if current.version != expected_version:
        raise EditConflict(current)
    clean = sanitize_html(body)
    if clean == current.body and not note:
        return current  # nothing changed: no empty versions from autosave
    current.body = clean
    current.version += 1
    current.updated_by = saved_by
    current.save(update_fields=["body", "version", "updated_by", "updated_at"])
    SectionVersion.objects.create(
        section=current, number=current.version, title=current.title, body=clean, saved_by=saved_by, note=note[:200]
    )
    return current


@transaction.atomic
def section_restore(*, section: NarrativeSection, number: int, actor: Actor) -> NarrativeSection:
    """Save an earlier version's text as the newest version (nothing is deleted)."""
    _require_narrative(section, actor)
    old = section.versions.get(number=number)
    restored = _section_save(
        section=section, body=old.body, expected_version=section.version, saved_by=actor.user,
        note=f"restored version {number}",
    )
    _audit_saved(restored, actor=actor, restored=number)
    return restored


def _citation_label(event: TimelineEvent) -> str:
    """What a citation shows in the editor; the court export recomputes exhibit letters and pages."""
    parts = [f"{source.document.original_name}, p. {source.page_number}" for source in event.sources.all()]
    return "(" + "; ".join(parts) + ")" if parts else "(no source)"


def _statement_of(event: TimelineEvent, naming: ClientNaming) -> str:
    """The event's statement; for an event accepted before statements existed, one written from its first source."""
    if event.statement.strip():
        return event.statement
    return write_statement(
        FactText(sentence=event.summary, category=event.category, date=event.date,
                 date_end=event.date_end, age=event.age, subject=event.subject),
        naming=naming,
    )


def draft_facts(*, events: list[TimelineEvent], naming: ClientNaming | None = None) -> list[DraftFact]:
    naming = naming or (client_naming_for(case=events[0].case) if events else None)
    return [
        DraftFact(
            event_id=event.pk,
            summary=event.summary,
            statement=_statement_of(event, naming),
            category=event.category,
            date=event.date,
            date_end=event.date_end,
            age=event.age,
            citation_label=_citation_label(event),
            href=reverse("narratives:timeline_event", kwargs={"case_id": event.case_id, "event_id": event.pk}),
        )
        for event in events
    ]


CURRENT_STATUSES = {"referred", "enrolled", "active"}
CURRENT_MONTHS = 24  # an engagement that ended within this many months still says what the client is doing now


def is_current_section(section: NarrativeSection) -> bool:
    """A section about what the client is doing now: it draws on service engagements only."""
    return bool(section.categories) and all(kind_of(c) == SERVICE_ENGAGEMENT for c in section.categories)


def is_current_engagement(event: TimelineEvent, *, today: datetime.date) -> bool:
    """Active (referred, enrolled, active), or ended within the last CURRENT_MONTHS months."""
    if event.kind != SERVICE_ENGAGEMENT:
        return False
    if event.status in CURRENT_STATUSES:
        return True
    end = parse_partial_date(event.date_end)
    months_ago = (today.year - end.year) * 12 + today.month - end.month if end else None
    return months_ago is not None and months_ago <= CURRENT_MONTHS


def _section_events(*, section: NarrativeSection, exclude: set[int], current: set[int]) -> list[TimelineEvent]:
    """The client-approved events a section's draft tells: in a "doing now" section only current engagements,
    elsewhere everything else; never an event already told in another section (`exclude`)."""
    events = timeline_list(case=section.narrative.case, categories=section.categories).filter(consent=Consent.APPROVED)
    if is_current_section(section):
        return [event for event in events if event.pk in current and event.pk not in exclude]
    return [event for event in events if event.pk not in exclude and event.pk not in current]


def _prompt_html(section: NarrativeSection, *, naming: ClientNaming) -> str:
    """What counsel must write in a section the records cannot: the introduction, the client's goals (quoted in
    the client's own words, which are theirs to give) and the conclusion with the request. Prompts are
    bracketed "[COUNSEL: ...]"; the filing checks refuse an export that still holds one."""
    case = section.narrative.case
    federal = case.court_system == Case.CourtSystem.FEDERAL
    _subject, object_, possessive = PRONOUNS[naming.pronoun]
    title = section.title.strip().lower()
    if title == "introduction":
        charges = f" ({' '.join(case.charges.split())})" if case.charges.strip() else ""
        return (
            f"<p>[COUNSEL: Introduce {escape(naming.full_name)} to the Court in two or three sentences: who "
            f"{escape(naming.short)} is, the offense{escape(charges)}, and the sentence the defense asks for. Say "
            f"in one sentence what the history below shows about {object_}.]</p>"
        )
    if "goal" in title:
        goals = [line.strip() for line in re.split(r"(?<=[.!?])\s+|\n+", case.client_goals) if line.strip()]
        quoted = "".join(f"<p>“{escape(goal)}”</p>" for goal in goals)
        lead = (f"<p>[COUNSEL: Introduce the goals {escape(naming.short)} set in {possessive} own words, and show "
                f"how the services below serve them.]</p>")
        return lead + (f"<blockquote>{quoted}</blockquote>" if quoted else
                       "<p>[COUNSEL: Ask the client what they want from this case and quote them.]</p>")
    if title == "conclusion":
        factors = "the factors of 18 U.S.C. § 3553(a)" if federal else "the state's sentencing factors"
        return (
            f"<p>[COUNSEL: State the request: the sentence asked for, and how {escape(naming.short)}’s history "
            f"and present, weighed under {factors}, support it.]</p>"
        )
    return ""


def _draft_body(
    *, section: NarrativeSection, naming: ClientNaming, exclude: set[int], said: set[str], today: datetime.date
) -> tuple[str, int]:
    """A section's drafted HTML and how many events it tells (prompts for counsel in a section drawing on none)."""
    case = section.narrative.case
    if not section.categories:
        return _prompt_html(section, naming=naming), 0
    approved = timeline_list(case=case).filter(consent=Consent.APPROVED)
    current = {event.pk for event in approved if is_current_engagement(event, today=today)}
    has_current_section = any(is_current_section(s) for s in section.narrative.sections.all())
    events = _section_events(section=section, exclude=exclude, current=current if has_current_section else set())
    body = assemble_paragraphs(
        section_draft_facts(case=case, events=events),
        dob=case.client_dob,
        notes=[note for notes in draft_notes(case=case, categories=section.categories, events=events) for note in notes],
        client=naming.short, pronoun=naming.pronoun, current=is_current_section(section), said=said,
    )
    return body, len(events)


def _save_draft(*, section: NarrativeSection, body: str, told: int, actor: Actor) -> NarrativeSection:
    drafted = _section_save(
        section=section, body=body, expected_version=section.version, saved_by=actor.user,
        note=f"assembled draft from {told} events" if section.categories else "prompts for counsel",
    )
    _audit_saved(drafted, actor=actor, assembled=True)
    return drafted


@transaction.atomic
def section_assemble_draft(
    *, section: NarrativeSection, actor: Actor, today: datetime.date | None = None
) -> NarrativeSection:
    """Replace the section's text with a draft: paragraphs from its categories' accepted, client-approved events,
    none already told (by event or in the same words) in another section of the narrative; for a section that
    draws on no records (introduction, goals, conclusion), prompts for counsel.

    The previous text stays in the section's versions, so nothing written by hand is lost."""
    _require_narrative(section, actor)
    case = section.narrative.case
    naming = client_naming_for(case=case)
    exclude = {  # told elsewhere: cited in the other sections as they are saved now
        event_id for other in section.narrative.sections.exclude(pk=section.pk) for event_id in cited_event_ids(other.body)
    }
    said = {escape(" ".join(_statement_of(event, naming).split()))
            for event in TimelineEvent.objects.filter(case=case, pk__in=exclude)}
    body, told = _draft_body(section=section, naming=naming, exclude=exclude, said=said,
                             today=today or timezone.localdate())
    return _save_draft(section=section, body=body, told=told, actor=actor)


@transaction.atomic
def narrative_assemble_draft(*, narrative: Narrative, actor: Actor, today: datetime.date | None = None) -> int:
    """A draft for every section: "what the client is doing now" first (it takes the current engagements), then
    the others in order, each fact told once in the narrative; the client named in full at the first mention.
    Sections that draw on no records get prompts for counsel only while they are empty. Returns how many
    sections were drafted."""
    case_require(case=narrative.case_id, user=actor.user, action=CaseAction.EDIT_NARRATIVE, within_limit=False)
    naming = client_naming_for(case=narrative.case)
    today = today or timezone.localdate()
    sections = list(narrative.sections.all())
    told: set[int] = set()
    said: set[str] = set()
    drafts: dict[int, tuple[str, int]] = {}
    for section in sorted(sections, key=lambda s: (not is_current_section(s), s.position)):
        if not section.categories and section.body.strip():
            continue  # counsel's own words are never replaced by prompts
        body, count = _draft_body(section=section, naming=naming, exclude=set(told), said=said, today=today)
        told.update(cited_event_ids(body))
        drafts[section.pk] = (body, count)
    _name_in_full_at_first_mention(sections=sections, drafts=drafts, naming=naming)
    for section in sections:
        if section.pk in drafts:
            body, count = drafts[section.pk]
            _save_draft(section=section, body=body, told=count, actor=actor)
    return len(drafts)


def _name_in_full_at_first_mention(
    *, sections: list[NarrativeSection], drafts: dict[int, tuple[str, int]], naming: ClientNaming
) -> None:
    """The first mention of the client in the drafted facts gives the full name; later ones the short form."""
    if naming.short == naming.full_name:
        return
    for section in sections:  # in the narrative's order
        if not section.categories or section.pk not in drafts:
            continue
        body, count = drafts[section.pk]
        # the first mention outside a quotation
        match = re.search(rf"(?<![“\w]){re.escape(escape(naming.short))}", body)
        if match is None:
            continue
        drafts[section.pk] = (body[: match.start()] + escape(naming.full_name) + body[match.end():], count)
        return


# ---- service engagements (the engagements app keeps its events in step through these) ----------------------


def event_upsert_for_engagement(
    *,
    case: Case,
    event: TimelineEvent | None,
    category: str,
    status: str,
    provider: str,
    date: str,
    date_end: str,
    summary: str,
    saved_by,
) -> TimelineEvent:
    """Create (event=None) or update the timeline event that shows a service engagement.

    Only what the engagement owns is written; the client's consent, key fact, note and sources stay as they were."""
    if kind_of(category) != SERVICE_ENGAGEMENT:
        raise ValidationError(f"{category} is not a service type.")
    if event is None:
        event = TimelineEvent(case=case, kind=SERVICE_ENGAGEMENT, created_by=saved_by)
    elif event.case_id != case.pk:
        raise ValueError("an engagement's event belongs to the engagement's case")
    values = {
        "kind": SERVICE_ENGAGEMENT,
        "category": category,
        "status": status,
        "provider": provider.strip()[:200],
        "summary": summary.strip(),
        "date": date,
        "date_end": date_end,
        "date_sort": _date_sort(date) or _date_sort(date_end),
    }
    if event.pk is not None and all(getattr(event, name) == value for name, value in values.items()):
        return event  # nothing changed: no new updated_at
    for name, value in values.items():
        setattr(event, name, value)
    event.full_clean()
    event.save()
    return event


def event_add_source(
    *, event: TimelineEvent, document, page_number: int, start: int, end: int, quote: str
) -> EventSource:
    """Cite a record page for the event (once: the same span again returns the existing source)."""
    if document.case_id != event.case_id:
        raise ValidationError("An event can only cite records of its own case.")
    if page_number < 1 or not 0 <= start < end:
        raise ValidationError("A source needs a page (from 1) and a span that is not empty.")
    source, _ = EventSource.objects.get_or_create(
        event=event, document=document, page_number=page_number, start=start, end=end,
        defaults={"quote": quote.strip() or document.original_name},
    )
    return source


def section_draft_facts(*, case: Case, events: list[TimelineEvent]) -> list[DraftFact]:
    """draft_facts, with the events that apps above know better told in their words (`draft_wordings`): e.g. an
    engagement's event as an engagement sentence (attendance, status, since)."""
    wordings = {}
    for found in draft_wordings(case=case, events=events):
        wordings.update(found)
    facts = []
    for fact in draft_facts(events=events, naming=client_naming_for(case=case)):
        wording = wordings.get(fact.event_id)
        if wording is None:
            facts.append(fact)
        elif wording.sentence:
            facts.append(replace(fact, sentence=wording.sentence))
        else:
            facts.append(replace(fact, summary=wording.summary or fact.summary))  # a record's words, told like any fact
    return facts


def record_sources_release(*, document, actor: Actor, **_) -> dict[str, int]:
    """A record is being removed: the facts citing it keep what they say but lose those citations, and each is
    flagged for review, saying which record and pages it cited. Returns how many facts were flagged."""
    sources = EventSource.objects.filter(document=document).order_by("event_id", "page_number")
    pages_by_event: dict[int, list[int]] = {}
    for event_id, page_number in sources.values_list("event_id", "page_number"):
        pages = pages_by_event.setdefault(event_id, [])
        if page_number not in pages:
            pages.append(page_number)
    if not pages_by_event:
        return {"facts_flagged": 0}
    who = (actor.user.get_full_name() or actor.user.get_username()) if actor.user is not None else "the office"
    today = timezone.localdate()
    on = f"{today:%b} {today.day}, {today.year}"
    for event in TimelineEvent.objects.filter(pk__in=pages_by_event):
        pages = ", ".join(str(number) for number in pages_by_event[event.pk])
        flag = (f"The record it cited, “{document.original_name}” (p. {pages}), was removed on {on} by {who}. "
                "Check the fact against another record, or remove it.")
        event.review_flag = f"{event.review_flag}\n{flag}".strip()
        event.save(update_fields=["review_flag", "updated_at"])
    sources.delete()
    return {"facts_flagged": len(pages_by_event)}


def case_narratives_destroy(*, case: Case, **_) -> dict[str, int]:
    """The case is being destroyed (cases.hooks.case_destroying): its narratives (sections, versions) and its facts
    (sources, revisions, domain decisions) go."""
    facts = case.timeline_events.count()
    narratives = case.narratives.count()
    Narrative.objects.filter(case=case).delete()  # sections and their versions with them
    EventRevision.objects.filter(case=case).delete()
    TimelineEvent.objects.filter(case=case).delete()  # their sources with them
    DomainStatus.objects.filter(case=case).delete()
    return {"facts": facts, "narratives": narratives}
