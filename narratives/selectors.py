"""Reads of the narratives app: the timeline, domain coverage, the review queue's events, narratives and sections."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q, QuerySet

from cases.models import Case
from extraction.pipeline.taxonomy import CATEGORY_CHOICES, LIFE_EVENT_CATEGORIES
from evidence.selectors import page_texts
from extraction.models import EventCandidate
from narratives.hooks import client_naming
from narratives.models import (
    Consent,
    EventRevision,
    EventSource,
    Narrative,
    NarrativeSection,
    SectionVersion,
    TimelineEvent,
)
from narratives.richtext import cited_event_ids, uncited_paragraphs
from narratives.statements import ClientNaming, FactText, write_statement


@dataclass(frozen=True, slots=True)
class TimelineFilters:
    categories: tuple[str, ...] = ()
    kind: str = ""
    year_from: int | None = None
    year_to: int | None = None
    document_id: int | None = None
    subject: str = ""
    key_facts_only: bool = False
    flagged_only: bool = False  # facts flagged for review (a record they cited was removed)
    consent: str = ""
    text: str = ""


def timeline_list(
    *, case: Case, categories: Collection[str] = (), filters: TimelineFilters | None = None
) -> QuerySet[TimelineEvent]:
    """The case's accepted events in date order (undated last), with sources and conflicts loaded.

    The number of queries does not grow with the number of events."""
    filters = filters or TimelineFilters(categories=tuple(categories))
    events = case.timeline_events.prefetch_related(
        Prefetch("sources", queryset=EventSource.objects.select_related("document")),
        Prefetch("conflicts_with", queryset=TimelineEvent.objects.only("pk", "date", "summary", "case_id")),
    ).select_related("consent_by")
    if filters.categories:
        events = events.filter(category__in=filters.categories)
    if filters.kind:
        events = events.filter(kind=filters.kind)
    if filters.year_from is not None:
        events = events.filter(date_sort__year__gte=filters.year_from)
    if filters.year_to is not None:
        events = events.filter(date_sort__year__lte=filters.year_to)
    joined = False  # filters through sources can repeat an event; only then is DISTINCT needed
    if filters.document_id is not None:
        events = events.filter(sources__document_id=filters.document_id)
        joined = True
    if filters.subject:
        events = events.filter(subject__iexact=filters.subject)
    if filters.flagged_only:
        events = events.exclude(review_flag="")
    if filters.key_facts_only:
        events = events.filter(key_fact=True)
    if filters.consent:
        events = events.filter(consent=filters.consent)
    if filters.text:
        events = events.filter(
            Q(summary__icontains=filters.text) | Q(statement__icontains=filters.text) | Q(note__icontains=filters.text) | Q(sources__quote__icontains=filters.text)
        )
        joined = True
    return (events.distinct() if joined else events).in_date_order()


def client_naming_for(*, case: Case) -> ClientNaming:
    """How the memorandum names the client: as they chose (engagements records it), else their full name."""
    for naming in client_naming(case=case):
        if naming is not None:
            return naming
    return ClientNaming.of(full_name=case.client_name)


def statement_proposals(
    *, candidates: Collection[EventCandidate], naming: ClientNaming, texts: dict[tuple[int, int], str] | None = None
) -> dict[int, str]:
    """The statement each proposal would be accepted with, by candidate id (page texts in one query)."""
    if texts is None:
        texts = page_texts(pages={(c.document_id, c.page) for c in candidates})
    return {
        candidate.pk: write_statement(
            FactText(
                sentence=candidate.sentence,
                category=candidate.category,
                date=candidate.date,
                date_end=candidate.date_end,
                age=candidate.age,
                subject=candidate.subject,
                context=texts.get((candidate.document_id, candidate.page), ""),
                position=candidate.page_start,
                record_type=candidate.document.record_type,
            ),
            naming=naming,
        )
        for candidate in candidates
    }


def records_awaiting_review(*, case: Case) -> list[tuple[str, int]]:
    """Records whose proposals still wait in the review queue, with how many: facts a draft cannot use yet."""
    rows = (
        EventCandidate.objects.pending().filter(document__case=case)
        .values_list("document__original_name").annotate(waiting=Count("pk")).order_by("document__original_name")
    )
    return [(name, waiting) for name, waiting in rows]


def timeline_subjects(*, case: Case) -> list[str]:
    return sorted(set(case.timeline_events.values_list("subject", flat=True)))


@dataclass(frozen=True, slots=True)
class DomainCoverage:
    category: str
    label: str
    events: int
    records: tuple[str, ...]
    not_applicable: bool
    reason: str


def domain_coverage(*, case: Case) -> list[DomainCoverage]:
    """For each life-history domain: accepted events, the records behind them, and whether it applies."""
    counts = dict(
        case.timeline_events.values("category").annotate(n=Count("pk")).values_list("category", "n")
    )
    records: dict[str, set[str]] = {}
    for category, name in EventSource.objects.filter(event__case=case).values_list(
        "event__category", "document__original_name"
    ).distinct():
        records.setdefault(category, set()).add(name)
    statuses = {d.category: d for d in case.domain_statuses.all()}
    return [
        DomainCoverage(
            category=slug,
            label=label,
            events=counts.get(slug, 0),
            records=tuple(sorted(records.get(slug, ()))),
            not_applicable=slug in statuses,
            reason=statuses[slug].reason if slug in statuses else "",
        )
        for slug, label in LIFE_EVENT_CATEGORIES.items()
    ]


def timeline_event_get(*, case: Case, event_id: int) -> TimelineEvent | None:
    """An event of this case only: ids from another case are not found."""
    return TimelineEvent.objects.filter(case=case, pk=event_id).first()


def timeline_events_cited(*, case: Case, event_ids: Collection[int]) -> dict[int, TimelineEvent]:
    """The case's events among `event_ids`, by id, with their sources in the order they were added (ids of
    deleted events, or of another case's, are left out)."""
    return {
        event.pk: event
        for event in TimelineEvent.objects.filter(case=case, pk__in=event_ids).prefetch_related(
            Prefetch("sources", queryset=EventSource.objects.order_by("pk"))
        )
    }


# ---- narratives and sections ------------------------------------------------------------------------------------


def narrative_get(*, case: Case, narrative_id: int) -> Narrative | None:
    """A narrative of this case only, with its case."""
    return case.narratives.select_related("case").filter(pk=narrative_id).first()


def narrative_list(*, case: Case) -> QuerySet[Narrative]:
    return case.narratives.all()


def section_list(*, narrative: Narrative) -> list[NarrativeSection]:
    """The narrative's sections in their order."""
    return list(narrative.sections.order_by("position", "pk"))


def section_bodies_at(*, narrative: Narrative, versions: dict) -> dict[int, str]:
    """The text each section had at the given versions ({section id: version number}; ids may be strings, as
    JSON keeps them), by section id."""
    return {
        version.section_id: version.body
        for version in SectionVersion.objects.filter(section__narrative=narrative)
        if versions.get(str(version.section_id)) == version.number or versions.get(version.section_id) == version.number
    }


def section_warnings(*, case: Case, body: str) -> dict:
    """What the editor flags: paragraphs citing no record, and citations of facts the client withheld."""
    cited = cited_event_ids(body)
    withheld = TimelineEvent.objects.filter(case=case, pk__in=cited).withheld().only("pk", "summary", "date")
    return {
        "uncited": uncited_paragraphs(body),
        "withheld": [{"id": e.pk, "date": e.date, "summary": e.summary[:140]} for e in withheld],
    }


def withheld_sources(*, case: Case, document_ids: Collection[int]) -> list[EventSource]:
    """Where the records state facts the client withheld: each source span of a withheld event, with its event."""
    return list(
        EventSource.objects.select_related("event")
        .filter(event__case=case, event__consent=Consent.WITHHELD, document_id__in=list(document_ids))
        .order_by("document_id", "page_number", "start")
    )


def events_citing(*, document) -> QuerySet[TimelineEvent]:
    """The accepted events resting on this record (each once), in timeline order, with their sources loaded."""
    return (
        TimelineEvent.objects.filter(case_id=document.case_id, sources__document=document)
        .distinct()
        .prefetch_related(Prefetch("sources", queryset=EventSource.objects.filter(document=document)))
        .order_by(F("date_sort").asc(nulls_last=True), "pk")
    )


def event_counts_by_document(*, documents) -> dict[int, int]:
    """Per record: how many accepted events cite it."""
    rows = (
        EventSource.objects.filter(document__in=documents)
        .values("document_id")
        .annotate(events=Count("event_id", distinct=True))
    )
    return {row["document_id"]: row["events"] for row in rows}


def event_revision_list(*, case: Case) -> QuerySet[EventRevision]:
    """Every correction of the case's facts, newest first (removed facts included)."""
    return EventRevision.objects.filter(case=case).select_related("changed_by", "event")


def _shortened(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def narrative_audit_names(*, object_type: str, ids: list[str]) -> dict[str, str]:
    """The audit log's names for facts (by their summary, which the team wrote, never the record's words),
    narratives and sections still in the app."""
    numbers = [int(i) for i in ids if i.isascii() and i.isdigit()]
    if object_type == "narratives.timelineevent":
        return {str(pk): f"fact “{_shortened(summary)}” ({dict(CATEGORY_CHOICES).get(category, category)})"
                for pk, category, summary in
                TimelineEvent.objects.filter(pk__in=numbers).values_list("pk", "category", "summary")}
    if object_type == "narratives.narrativesection":
        return {str(pk): f"section “{title}” of “{narrative}”" for pk, title, narrative in
                NarrativeSection.objects.filter(pk__in=numbers).values_list("pk", "title", "narrative__title")}
    if object_type == "narratives.narrative":
        return {str(pk): f"narrative “{title}”" for pk, title in
                Narrative.objects.filter(pk__in=numbers).values_list("pk", "title")}
    return {}
