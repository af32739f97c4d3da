from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet

from extraction.pipeline.taxonomy import LIFE_EVENT_CATEGORIES
from narratives.models import Case, CaseMembership, Consent, EventSource, Narrative, TimelineEvent

if TYPE_CHECKING:
    from exports.document import NarrativeDocument
    from exports.models import CaseExportSettings



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
    joined = False  # filters through sources can repeat an event; only then is DISTINCT needed
    if filters.document_id is not None:
        events = events.filter(sources__document_id=filters.document_id)
        joined = True
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
        joined = True
    return (events.distinct() if joined else events).in_date_order()


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


@dataclass(frozen=True, slots=True)
class ExportExhibit:
    """A record cited by a narrative (or included in its packet), with its exhibit letter."""

    letter: str
    document_id: int
    description: str
    record_type: str
    source: str
    path: str
    kind: str
    page_texts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NarrativeExportData:
    document: "NarrativeDocument"
    exhibits: tuple[ExportExhibit, ...]
    cited_events: tuple[int, ...]
    withheld_events: tuple[TimelineEvent, ...]  # cited facts the client withheld: the export must refuse
    missing_events: tuple[int, ...]  # cited ids that no longer exist (deleted events)
    section_versions: dict[int, int]


def _exhibit_description(document) -> str:
    """A court-facing name for a record: its source and type, else its file name without the extension."""
    if document.source:
        return f"{document.source} Records"
    if document.record_type:
        return f"{document.get_record_type_display()} Records"
    stem = document.original_name.rsplit(".", 1)[0].replace("_", " ").strip()
    return stem or "Record"


def narrative_export_data(
    *,
    narrative: Narrative,
    sealed: bool,
    settings: "CaseExportSettings",
    bates_prefix: str,
    all_records: bool = False,
    section_bodies: dict[int, str] | None = None,
) -> NarrativeExportData:
    """The format-free filing built from a narrative: sections with citations resolved to exhibit letters,
    record pages and Bates numbers, the exhibit list and the filing around it. Reads only."""
    from evidence.models import Document, Page
    from exports.document import (
        Caption,
        Cite,
        Exhibit,
        NarrativeDocument,
        Section,
        SignatureBlock,
        StyleSettings,
        exhibit_letter,
    )
    from exports.html_blocks import parse_html_blocks
    from exports.packet import bates_label
    from narratives.html import citations_as_placeholders, cited_event_ids

    case = narrative.case
    sections = list(narrative.sections.order_by("position", "pk"))
    if section_bodies is not None:  # the saved versions an export was requested from
        for section in sections:
            section.body = section_bodies.get(section.pk, "")
    cited = list(dict.fromkeys(event_id for section in sections for event_id in cited_event_ids(section.body)))
    events = {
        event.pk: event
        for event in TimelineEvent.objects.filter(case=case, pk__in=cited).prefetch_related(
            Prefetch("sources", queryset=EventSource.objects.order_by("pk"))
        )
    }
    # Exhibit letters by first citation, recomputed on every export.
    order: list[int] = []
    for event_id in cited:
        for source in events[event_id].sources.all() if event_id in events else ():
            if source.document_id not in order:
                order.append(source.document_id)
    ready = Document.objects.filter(case=case, status=Document.Status.READY)
    if not all_records:  # only the cited records' pages are loaded: a case may hold thousands of others
        ready = ready.filter(pk__in=order)
    documents = {d.pk: d for d in ready.prefetch_related(Prefetch("pages", queryset=Page.objects.order_by("number")))}
    order = [document_id for document_id in order if document_id in documents]
    if all_records:
        order += [pk for pk in sorted(documents, key=lambda pk: documents[pk].uploaded_at) if pk not in order]
    letters = {document_id: exhibit_letter(index) for index, document_id in enumerate(order)}

    exhibits = []
    first_bates: dict[int, int] = {}
    number = 1
    for document_id in order:
        document = documents[document_id]
        pages = tuple(page.text for page in document.pages.all())
        first_bates[document_id] = number
        number += len(pages)
        exhibits.append(
            ExportExhibit(
                letter=letters[document_id],
                document_id=document_id,
                description=_exhibit_description(document),
                record_type=document.get_record_type_display() if document.record_type else "Record",
                source=document.source,
                path=document.file.path,
                kind=document.file_kind,
                page_texts=pages,
            )
        )

    def resolve(event_id: int) -> list[Cite]:
        event = events.get(event_id)
        if event is None:
            return []
        by_document: dict[int, list[int]] = {}
        for source in event.sources.all():
            if source.document_id in letters:
                by_document.setdefault(source.document_id, []).append(source.page_number)
        return [
            Cite(
                exhibit=letters[document_id],
                description=_exhibit_description(documents[document_id]),
                pages=tuple(sorted(set(page_numbers))),
                bates=tuple(
                    bates_label(bates_prefix, first_bates[document_id] + page - 1) for page in sorted(set(page_numbers))
                ),
            )
            for document_id, page_numbers in sorted(by_document.items(), key=lambda item: letters[item[0]])
        ]

    export_sections = tuple(
        Section(
            title=section.title,
            blocks=parse_html_blocks(citations_as_placeholders(section.body), resolve_citation=resolve),
        )
        for section in sections
        if section.body.strip()
    )
    signature = SignatureBlock(
        name=settings.signer_name or "",
        bar_number=settings.bar_number,
        title=settings.signer_title,
        office=settings.office,
        address_lines=tuple(line.strip() for line in settings.address.splitlines() if line.strip()),
        phone=settings.phone,
        email=settings.email,
    ) if settings.signer_name else None
    document = NarrativeDocument(
        caption=Caption(
            court=case.court or "",
            parties=settings.parties or f"{(case.jurisdiction or 'THE STATE').upper()} v. {case.client_name.upper()}",
            docket_number=case.docket_number,
            document_title=settings.document_title.upper(),
        ),
        title=narrative.title,
        sections=export_sections,
        exhibits=tuple(
            Exhibit(
                letter=e.letter, description=e.description, record_type=e.record_type, source=e.source,
                page_count=len(e.page_texts), page_texts=e.page_texts,
            )
            for e in exhibits
        ),
        signature=signature,
        certificate_of_service=settings.certificate_of_service if settings.include_certificate_of_service else None,
        sealed=sealed,
        style=StyleSettings(citation_style=settings.citation_style),
    )
    return NarrativeExportData(
        document=document,
        exhibits=tuple(exhibits),
        cited_events=tuple(cited),
        withheld_events=tuple(events[i] for i in cited if i in events and events[i].consent == Consent.WITHHELD),
        missing_events=tuple(i for i in cited if i not in events),
        section_versions={section.pk: section.version for section in sections},
    )
