"""Writes of the narratives app: the review of proposals, the timeline (consent, key facts, conflicts, domains),
narratives and their sections, and the timeline events that show service engagements.

Services that change or hand out privileged material take an `actor` and write the audit entry themselves."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

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
from narratives.selectors import timeline_list
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


def _event_from(*, case: Case, edits: EventEdits, created_by) -> TimelineEvent:
    event = TimelineEvent(
        case=case,
        kind=kind_of(edits.category),
        category=edits.category,
        status=edits.status if kind_of(edits.category) == SERVICE_ENGAGEMENT else "",
        provider=edits.provider,
        summary=edits.summary.strip(),
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
def candidate_accept(*, candidate: EventCandidate, actor: Actor, edits: EventEdits | None = None) -> TimelineEvent:
    """Put a proposal on the case's timeline (as proposed, or as the reviewer edited it), citing its span.

    The apps that follow accepted events (engagements: a service engagement) join in through `event_accepted`."""
    _require_review(candidate.document.case_id, actor, candidate.category, *([edits.category] if edits else []))
    candidate = EventCandidate.objects.select_for_update().select_related("document__case").get(pk=candidate.pk)
    if candidate.review_status != EventCandidate.ReviewStatus.PENDING:
        raise ReviewConflict("This proposal was already reviewed by someone else; the queue has been refreshed.")
    event = _event_from(
        case=candidate.document.case, edits=edits or edits_from_candidate(candidate), created_by=actor.user
    )
    _source_from_candidate(event=event, candidate=candidate)
    candidate_mark_reviewed(
        candidate=candidate, review_status=EventCandidate.ReviewStatus.ACCEPTED, reviewed_by=actor.user
    )
    event.candidates.add(candidate)
    audit_record(
        actor=actor, action=AuditEntry.Action.EVENT_EDITED if edits is not None else AuditEntry.Action.EVENT_ACCEPTED,
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


def event_update_flags(
    *, event: TimelineEvent, actor: Actor, key_fact: bool | None = None, note: str | None = None
) -> TimelineEvent:
    _require_review(event.case_id, actor, event.category)
    fields = []
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
    ("Contact with the justice system", ["justice_involvement"]),
    ("Work and responsibilities", ["employment", "family_responsibilities", "military", "employment_services"]),
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


def draft_facts(*, events: list[TimelineEvent]) -> list[DraftFact]:
    return [
        DraftFact(
            event_id=event.pk,
            summary=event.summary,
            date=event.date,
            date_end=event.date_end,
            age=event.age,
            citation_label=_citation_label(event),
            href=reverse("narratives:timeline_event", kwargs={"case_id": event.case_id, "event_id": event.pk}),
        )
        for event in events
    ]


@transaction.atomic
def section_assemble_draft(*, section: NarrativeSection, actor: Actor) -> NarrativeSection:
    """Replace the section's text with a draft from its categories' accepted, client-approved events.

    The previous text stays in the section's versions, so nothing written by hand is lost."""
    _require_narrative(section, actor)
    case = section.narrative.case
    events = list(timeline_list(case=case, categories=section.categories).filter(consent=Consent.APPROVED))
    body = assemble_paragraphs(
        section_draft_facts(case=case, events=events),
        dob=case.client_dob,
        notes=[note for notes in draft_notes(case=case, categories=section.categories, events=events) for note in notes],
    )
    drafted = _section_save(
        section=section, body=body, expected_version=section.version, saved_by=actor.user,
        note=f"assembled draft from {len(events)} events",
    )
    _audit_saved(drafted, actor=actor, assembled=True)
    return drafted


def narrative_assemble_draft(*, narrative: Narrative, actor: Actor) -> int:
    """A draft for every section that draws on timeline categories; returns how many sections were drafted."""
    case_require(case=narrative.case_id, user=actor.user, action=CaseAction.EDIT_NARRATIVE, within_limit=False)
    drafted = 0
    for section in narrative.sections.all():
        if section.categories:
            section_assemble_draft(section=section, actor=actor)
            drafted += 1
    return drafted


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
    for fact in draft_facts(events=events):
        wording = wordings.get(fact.event_id)
        if wording is None:
            facts.append(fact)
        elif wording.sentence:
            facts.append(replace(fact, sentence=wording.sentence))
        else:
            facts.append(replace(fact, summary=wording.summary or fact.summary))  # a record's words, told like any fact
    return facts
