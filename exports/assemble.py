"""Export assembly: the format-free filing built from a narrative, read through the other apps' selectors.

`export_data` resolves the narrative's citations to exhibit letters, record pages and Bates numbers, lists the
exhibits and puts the filing around the text (caption, signature, certificate). It only reads; `render.py` and
`packet.py` turn the result into files, and `services.py` decides whether it may go to court."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from cases.models import Case
from common.dates import MONTHS
from evidence.models import Document
from evidence.selectors import documents_with_pages
from exports.document import (
    PUBLIC_LABEL,
    Block,
    BlockQuote,
    Caption,
    CitationRun,
    Cite,
    Exhibit,
    NarrativeDocument,
    Paragraph,
    Run,
    Section,
    SignatureBlock,
    StyleSettings,
    TextRun,
    bates_label,
    exhibit_letter,
)
from exports.models import CaseExportSettings
from narratives.models import Consent, Narrative, TimelineEvent
from narratives.richtext import cited_event_ids, parse_html_blocks, uncited_paragraphs
from narratives.selectors import section_bodies_at, section_list, timeline_events_cited


@dataclass(frozen=True, slots=True)
class ExportExhibit:
    """A record cited by a narrative (or included in its packet), with its exhibit letter."""

    letter: str
    document_id: int
    description: str
    record_type: str
    source: str
    stored_name: str  # the original, in the default storage (a folder or a bucket)
    kind: str
    page_texts: tuple[str, ...]
    page_geometry: tuple[dict, ...] = ()  # where each page's words are (evidence/geometry.py), for redaction boxes
    rendition: str | None = None  # Word and text records: the pages drawn when the record was read (stored name)


@dataclass(frozen=True, slots=True)
class ExportData:
    document: NarrativeDocument
    exhibits: tuple[ExportExhibit, ...]
    cited_events: tuple[int, ...]
    withheld_events: tuple[TimelineEvent, ...]  # cited facts the client withheld: the export must refuse
    missing_events: tuple[int, ...]  # cited ids that no longer exist (deleted events)
    section_versions: dict[int, int]
    empty_sections: tuple[str, ...] = ()  # titles of sections with no text
    uncited_paragraphs: tuple[tuple[str, str], ...] = ()  # (section, paragraph) of fact sections citing no record
    unexhibited_sources: tuple[str, ...] = ()  # "record.pdf, p. 9": cited pages no exhibit includes
    unsourced_events: tuple[TimelineEvent, ...] = ()  # cited facts that rest on no record page at all


def format_date(value: datetime.date | None) -> str:
    return f"{MONTHS[value.month - 1]} {value.day}, {value.year}" if value else ""


def court_heading(case: Case) -> str:
    """The caption's court lines: a federal district court by its district; a state court with its state."""
    court = case.court.strip()
    if case.court_system == Case.CourtSystem.FEDERAL:
        district = court.upper().removeprefix("UNITED STATES DISTRICT COURT").strip(" ,")
        district = district if district.startswith("FOR ") or not district else f"FOR THE {district}"
        return "\n".join(line for line in ("UNITED STATES DISTRICT COURT", district) if line)
    lines = [f"IN THE {court.upper()}" if court and not court.upper().startswith("IN THE") else court.upper()]
    if case.jurisdiction.strip() and case.jurisdiction.strip().upper() not in court.upper():
        lines.append(case.jurisdiction.strip().upper())
    return "\n".join(line for line in lines if line)


def prosecution_party(case: Case) -> str:
    if case.court_system == Case.CourtSystem.FEDERAL:
        return "UNITED STATES OF AMERICA"
    return (case.jurisdiction.strip() or "THE STATE").upper()


def privacy_label(case: Case) -> str:
    """What a public filing says it was redacted under: Fed. R. Crim. P. 49.1 exists only in federal court."""
    if case.court_system == Case.CourtSystem.FEDERAL:
        return PUBLIC_LABEL
    rule = case.privacy_rule.strip()
    return f"PUBLIC — REDACTED PER {rule.upper()}" if rule else "PUBLIC — REDACTED"


def certificate_text(*, case: Case, served_by: str, date: str) -> str:
    """The certificate of service: whom (the prosecuting office on the case), how and when; gaps stay visible
    as brackets, and the filing checks refuse them."""
    office = case.prosecuting_office.strip() or "[prosecuting office]"
    how = served_by.strip() or "[how served]"
    how = how if how.lower().startswith(("by ", "through ", "via ")) else f"by {how}"
    return (
        f"I certify that on {date or '[date]'}, I served a copy of this memorandum and its exhibits on "
        f"{office} {how}."
    )


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
    *, narrative: Narrative, sealed: bool, all_records: bool = False, section_versions: dict | None = None,
    draft: bool = False,
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
        geometry = tuple(page.geometry for page in document.pages.all())
        first_bates[document_id] = number
        number += len(pages)
        exhibits.append(
            ExportExhibit(
                letter=letters[document_id],
                document_id=document_id,
                description=exhibit_description(document),
                record_type=document.get_record_type_display() if document.record_type else "Record",
                source=document.source,
                stored_name=document.file.name,
                kind=document.file_kind,
                page_texts=pages,
                page_geometry=geometry,
                rendition=document.rendition.name if document.rendition else None,
            )
        )

    unexhibited: list[str] = []
    unsourced: list[int] = []

    def resolve(event_id: int) -> list[Cite]:
        event = events.get(event_id)
        if event is None:
            return []
        if not event.sources.all():
            unsourced.append(event_id)
        by_document: dict[int, list[int]] = {}
        for source in event.sources.all():
            if source.document_id in letters and source.page_number <= len(exhibits[order.index(source.document_id)].page_texts):
                by_document.setdefault(source.document_id, []).append(source.page_number)
            else:
                unexhibited.append(f"{source.document.original_name}, p. {source.page_number}")
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
        Section(title=section.title, blocks=combine_citations(parse_html_blocks(section.body, resolve_citation=resolve)))
        for section in sections
        if section.body.strip()
    )
    signed = format_date(settings.signature_date)
    signature = SignatureBlock(
        name=settings.signer_name or "",
        bar_number=settings.bar_number,
        title=settings.signer_title,
        office=settings.office,
        address_lines=tuple(line.strip() for line in settings.address.splitlines() if line.strip()),
        phone=settings.phone,
        email=settings.email,
        date=signed,
    ) if settings.signer_name else None
    document = NarrativeDocument(
        caption=Caption(
            court=court_heading(case),
            parties=settings.parties or f"{prosecution_party(case)} v. {case.client_name.upper()}",
            docket_number=case.docket_number,
            document_title=settings.document_title.upper(),
        ),
        title=settings.document_title,
        sections=export_sections,
        exhibits=tuple(
            Exhibit(
                letter=e.letter, description=e.description, record_type=e.record_type, source=e.source,
                page_count=len(e.page_texts), page_texts=e.page_texts,
                bates_range=(
                    f"{bates_label(bates_prefix, first_bates[e.document_id])} – "
                    f"{bates_label(bates_prefix, first_bates[e.document_id] + len(e.page_texts) - 1)}"
                    if e.page_texts else ""
                ),
            )
            for e in exhibits
        ),
        signature=signature,
        certificate_of_service=certificate_text(case=case, served_by=settings.certificate_of_service, date=signed)
        if settings.include_certificate_of_service else None,
        sealed=sealed,
        privacy_label=privacy_label(case),
        draft=draft,
        style=StyleSettings(citation_style=settings.citation_style),
    )
    return ExportData(
        document=document,
        exhibits=tuple(exhibits),
        cited_events=tuple(cited),
        withheld_events=tuple(events[i] for i in cited if i in events and events[i].consent == Consent.WITHHELD),
        missing_events=tuple(i for i in cited if i not in events),
        section_versions={section.pk: section.version for section in sections},
        empty_sections=tuple(section.title for section in sections if not section.body.strip()),
        uncited_paragraphs=tuple(
            (section.title, paragraph) for section in sections if section.categories
            for paragraph in uncited_paragraphs(section.body)
        ),
        unexhibited_sources=tuple(dict.fromkeys(unexhibited)),
        unsourced_events=tuple(events[i] for i in dict.fromkeys(unsourced)),
    )


def combine_citations(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """Citations as a court reads them: citations side by side (one sentence, several events) become one, each
    exhibit and page once ("(Ex. B at 2; Ex. D at 1)"); a citation identical to the one just before it in the
    paragraph becomes "Id.", so no citation is printed twice in a row."""
    combined: list[Block] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            combined.append(Paragraph(_combined_runs(block.runs)))
        elif isinstance(block, BlockQuote):
            combined.append(BlockQuote(tuple(Paragraph(_combined_runs(p.runs)) for p in block.paragraphs)))
        else:
            combined.append(block)
    return tuple(combined)


def _combined_runs(runs: tuple[Run, ...]) -> tuple[Run, ...]:
    out: list[Run] = []
    for run in runs:
        if isinstance(run, CitationRun) and run.cites:
            # the citation just before, with only spaces between: the same sentence's, so they print as one
            index = len(out) - 1
            while index >= 0 and isinstance(out[index], TextRun) and not out[index].text.strip():
                index -= 1
            if index >= 0 and isinstance(out[index], CitationRun) and out[index].cites:
                previous = out[index]
                del out[index + 1:]
                out[index] = CitationRun(previous.event_id, _merge_cites(previous.cites + run.cites))
                continue
        out.append(run)
    last: tuple[Cite, ...] | None = None
    for index, run in enumerate(out):
        if isinstance(run, CitationRun) and run.cites:
            if run.cites == last:
                out[index] = CitationRun(run.event_id, run.cites, repeats_previous=True)
            last = run.cites
    return tuple(out)


def _merge_cites(cites: tuple[Cite, ...]) -> tuple[Cite, ...]:
    by_exhibit: dict[str, Cite] = {}
    for cite in cites:
        known = by_exhibit.get(cite.exhibit)
        if known is None:
            by_exhibit[cite.exhibit] = cite
            continue
        pages = tuple(sorted(set(known.pages) | set(cite.pages)))
        bates = tuple(sorted(set(known.bates) | set(cite.bates)))
        by_exhibit[cite.exhibit] = Cite(known.exhibit, known.description, pages, bates)
    return tuple(sorted(by_exhibit.values(), key=lambda c: (len(c.exhibit), c.exhibit)))
