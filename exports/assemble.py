"""Export assembly: the format-free filing built from a narrative, read through the other apps' selectors.

`export_data` resolves the narrative's citations to exhibit letters, record pages and Bates numbers, lists the
exhibits and puts the filing around the text (caption, signature, certificate). It only reads; `render.py` and
`packet.py` turn the result into files, and `services.py` decides whether it may go to court."""

from __future__ import annotations

from dataclasses import dataclass

from cases.models import Case
from evidence.models import Document
from evidence.selectors import documents_with_pages
from exports.document import (
    Caption,
    Cite,
    Exhibit,
    NarrativeDocument,
    Section,
    SignatureBlock,
    StyleSettings,
    bates_label,
    exhibit_letter,
)
from exports.models import CaseExportSettings
from narratives.models import Consent, Narrative, TimelineEvent
from narratives.richtext import cited_event_ids, parse_html_blocks
from narratives.selectors import section_bodies_at, section_list, timeline_events_cited


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
class ExportData:
    document: NarrativeDocument
    exhibits: tuple[ExportExhibit, ...]
    cited_events: tuple[int, ...]
    withheld_events: tuple[TimelineEvent, ...]  # cited facts the client withheld: the export must refuse
    missing_events: tuple[int, ...]  # cited ids that no longer exist (deleted events)
    section_versions: dict[int, int]


def export_settings_for(*, case: Case) -> CaseExportSettings:
    settings, _created = CaseExportSettings.objects.get_or_create(case=case)
    return settings


def bates_prefix_for(*, case: Case, settings: CaseExportSettings) -> str:
    if settings.bates_prefix:
        return settings.bates_prefix
    words = [w for w in case.client_name.split() if w.isalpha()]
    return (words[-1] if words else "EXHIBIT").upper()[:12]


def exhibit_description(document: Document) -> str:
    """A court-facing name for a record: the description staff gave it, else its source and type, else its file
    name without the extension; followed by the dates its contents span, when staff gave them."""
    if document.description:
        name = document.description
    elif document.source:
        name = f"{document.source} Records"
    elif document.record_type:
        name = f"{document.get_record_type_display()} Records"
    else:
        name = document.original_name.rsplit(".", 1)[0].replace("_", " ").strip() or "Record"
    span = _date_span(document.dates_from, document.dates_to)
    return f"{name}, {span}" if span else name


def _date_span(first, last) -> str:
    """"03/2009–06/2011", "03/14/2009" (one day), "from 03/2009", "through 06/2011"."""
    if first and last:
        return first.strftime("%m/%d/%Y") if first == last else f"{first:%m/%Y}–{last:%m/%Y}"
    if first:
        return f"from {first:%m/%Y}"
    if last:
        return f"through {last:%m/%Y}"
    return ""


def export_data(
    *, narrative: Narrative, sealed: bool, all_records: bool = False, section_versions: dict | None = None
) -> ExportData:
    """The filing built from a narrative (its sections as saved now, or at `section_versions`, the versions an
    export was requested from): sections with citations resolved to exhibit letters, record pages and Bates
    numbers, the exhibit list and the filing around it. Reads only."""
    case = narrative.case
    settings = export_settings_for(case=case)
    bates_prefix = bates_prefix_for(case=case, settings=settings)
    sections = section_list(narrative=narrative)
    if section_versions:
        bodies = section_bodies_at(narrative=narrative, versions=section_versions)
        for section in sections:
            section.body = bodies.get(section.pk, "")
    cited = list(dict.fromkeys(event_id for section in sections for event_id in cited_event_ids(section.body)))
    events = timeline_events_cited(case=case, event_ids=cited)
    # Exhibit letters by first citation, recomputed on every export.
    order: list[int] = []
    for event_id in cited:
        for source in events[event_id].sources.all() if event_id in events else ():
            if source.document_id not in order:
                order.append(source.document_id)
    documents = documents_with_pages(case=case, document_ids=None if all_records else order)
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
                description=exhibit_description(document),
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
                description=exhibit_description(documents[document_id]),
                pages=tuple(sorted(set(page_numbers))),
                bates=tuple(
                    bates_label(bates_prefix, first_bates[document_id] + page - 1) for page in sorted(set(page_numbers))
                ),
            )
            for document_id, page_numbers in sorted(by_document.items(), key=lambda item: letters[item[0]])
        ]

    export_sections = tuple(
        Section(title=section.title, blocks=parse_html_blocks(section.body, resolve_citation=resolve))
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
    return ExportData(
        document=document,
        exhibits=tuple(exhibits),
        cited_events=tuple(cited),
        withheld_events=tuple(events[i] for i in cited if i in events and events[i].consent == Consent.WITHHELD),
        missing_events=tuple(i for i in cited if i not in events),
        section_versions={section.pk: section.version for section in sections},
    )
