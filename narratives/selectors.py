from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from extraction.pipeline.taxonomy import LIFE_EVENT_CATEGORIES
from narratives.models import Case, CaseMembership, EventSource, TimelineEvent


def case_list_for_user(*, user) -> QuerySet[Case]:
    """The cases on whose team the user is; every case view looks cases up through this."""
    return Case.objects.for_user(user)


def case_role_of(*, case: Case, user) -> str | None:
    """The user's role on the case's team, or None when they are not on it."""
    membership = CaseMembership.objects.filter(case=case, user=user).only("role").first()
    return membership.role if membership else None


def case_team(*, case: Case) -> QuerySet[CaseMembership]:
    return case.memberships.select_related("user")


@dataclass(frozen=True, slots=True)
class TimelineFilters:
    categories: tuple[str, ...] = ()
    kind: str = ""
    year_from: int | None = None
    year_to: int | None = None
    document_id: int | None = None
    subject: str = ""
    key_facts_only: bool = False
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
    if filters.document_id is not None:
        events = events.filter(sources__document_id=filters.document_id)
    if filters.subject:
        events = events.filter(subject__iexact=filters.subject)
    if filters.key_facts_only:
        events = events.filter(key_fact=True)
    if filters.consent:
        events = events.filter(consent=filters.consent)
    if filters.text:
        events = events.filter(
            Q(summary__icontains=filters.text) | Q(note__icontains=filters.text) | Q(sources__quote__icontains=filters.text)
        )
    return events.distinct().in_date_order()


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
