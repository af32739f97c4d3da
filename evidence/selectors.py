from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from cases.models import Case
from evidence.geometry import PageGeometry
from evidence.models import Document, Page
from evidence.search import SearchQuery, Segments, match_spans, page_matches, sentence_around, snippet

SNIPPETS_PER_RECORD = 3
SNIPPETS_IN_ALL = 60  # past these, a record's matching pages are listed by number: each opens at its match


def document_list(*, case: Case) -> QuerySet[Document]:
    return case.documents.select_related("uploaded_by").order_by("uploaded_at", "pk")


def document_get(*, document_id: int) -> Document | None:
    """A record with its case, or None when it is gone (a job may outlive the record it was queued for)."""
    return Document.objects.select_related("case").filter(pk=document_id).first()


def documents_ready(*, case: Case | None = None) -> QuerySet[Document]:
    """Records whose pages are all read (of one case, or of every case), oldest first."""
    ready = Document.objects.filter(status=Document.Status.READY)
    return (ready.filter(case=case) if case is not None else ready).order_by("pk")


def document_extracted_text(*, document: Document) -> tuple[str, ...]:
    """The record's page texts in page order, as the extraction pipeline reads them."""
    return tuple(document.pages.order_by("number").values_list("text", flat=True))


def documents_with_pages(*, case: Case, document_ids: Collection[int] | None = None) -> dict[int, Document]:
    """The case's ready records (all, or those of `document_ids`) with their pages loaded in order, by id.

    Only the records asked for are loaded: a case may hold thousands of others."""
    ready = Document.objects.filter(case=case, status=Document.Status.READY)
    if document_ids is not None:
        ready = ready.filter(pk__in=document_ids)
    return {d.pk: d for d in ready.prefetch_related(Prefetch("pages", queryset=Page.objects.order_by("number")))}


def page_get(*, case: Case, document_id: int, number: int) -> Page | None:
    """A page of a record of this case only, with its record."""
    return Page.objects.select_related("document").filter(
        document__case=case, document_id=document_id, number=number
    ).first()


def page_texts(*, pages: Collection[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """The text of each (record id, page number) asked for, fetched in one query."""
    if not pages:
        return {}
    found = Page.objects.filter(
        document_id__in={document_id for document_id, _ in pages}, number__in={number for _, number in pages}
    ).values_list("document_id", "number", "text")
    return {(document_id, number): text for document_id, number, text in found if (document_id, number) in pages}


@dataclass(frozen=True, slots=True)
class PictureMark:
    """A box to draw over a page's picture, in percent of the picture: percentages follow the picture whatever size
    it is shown at (fit, zoomed), so the box stays on its words."""

    left: float
    top: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class PictureMarks:
    marks: tuple[PictureMark, ...]
    complete: bool  # False when some words of the spans could not be found on the picture (or it was never measured)


MARK_PAD_X = 0.003  # of the page's width: a box drawn tight to the glyphs hides their edges under its border
MARK_PAD_LINE = 0.15  # of the line's height, above and below


def page_picture_marks(*, page: Page, spans: Collection[tuple[int, int]]) -> PictureMarks:
    """Where the words of `spans` (offsets into the page's text) are on the page's picture, one box per line of
    each span, from the page's geometry (evidence/geometry.py). Characters the geometry could not place are
    covered by widening towards them on their line (`PageGeometry.covering`); a span with none placed has no box."""
    geometry = PageGeometry.from_json(page.geometry)
    if geometry is None:
        return PictureMarks(marks=(), complete=not spans)
    marks: list[PictureMark] = []
    complete = True
    for start, end in spans:
        located = geometry.covering(page.text, start, end)
        complete = complete and located.complete and bool(located.rectangles)
        for box in located.rectangles:
            pad_y = MARK_PAD_LINE * (box.bottom - box.top)
            left, top = max(0.0, box.x0 - MARK_PAD_X), max(0.0, box.top - pad_y)
            right, bottom = min(1.0, box.x1 + MARK_PAD_X), min(1.0, box.bottom + pad_y)
            marks.append(PictureMark(left=round(100 * left, 3), top=round(100 * top, 3),
                                     width=round(100 * (right - left), 3), height=round(100 * (bottom - top), 3)))
    return PictureMarks(marks=tuple(marks), complete=complete)


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A page's first match: where it is, the sentence holding it, and a snippet around it."""

    number: int
    start: int
    end: int
    sentence_start: int
    sentence_end: int
    snippet: Segments


@dataclass(frozen=True, slots=True)
class RecordMatches:
    document: Document
    numbers: tuple[int, ...]  # every matching page, in page order
    hits: tuple[SearchHit, ...]  # the first pages' snippets


@dataclass(frozen=True, slots=True)
class SearchResults:
    query: SearchQuery
    records: tuple[RecordMatches, ...]  # best match first

    @property
    def page_total(self) -> int:
        return sum(len(record.numbers) for record in self.records)


def record_search(*, case: Case, query: SearchQuery) -> SearchResults:
    """This case's pages holding the query, grouped by record (the record with the best-matching page first)."""
    matches = page_matches(case_id=case.pk, query=query)
    by_document: dict[int, list] = defaultdict(list)
    for match in matches:  # best first, so the records' order is that of their best page
        by_document[match.document_id].append(match)
    documents = case.documents.in_bulk(list(by_document))
    with_snippets: list[int] = []
    for found in by_document.values():
        room = SNIPPETS_IN_ALL - len(with_snippets)
        with_snippets += [match.page_id for match in sorted(found, key=lambda m: m.number)[:min(SNIPPETS_PER_RECORD, room)]]
    spans = match_spans(page_ids=with_snippets, query=query)
    texts = dict(Page.objects.filter(pk__in=with_snippets).values_list("pk", "text"))
    records = []
    for document_id, found in by_document.items():
        if document_id not in documents:  # removed since the match: never show what is gone
            continue
        ordered = sorted(found, key=lambda m: m.number)
        hits = []
        for match in ordered:
            page_spans = spans.get(match.page_id)
            if not page_spans:
                continue
            text = texts[match.page_id]
            start, end = page_spans[0]
            sentence_start, sentence_end = sentence_around(text, start, end)
            hits.append(SearchHit(number=match.number, start=start, end=end, sentence_start=sentence_start,
                                  sentence_end=sentence_end, snippet=snippet(text, page_spans)))
        records.append(RecordMatches(document=documents[document_id], numbers=tuple(m.number for m in ordered),
                                     hits=tuple(hits)))
    return SearchResults(query=query, records=tuple(records))


def document_is_stuck(*, document: Document) -> bool:
    """Whether the record is "processing" but its worker has given no sign of life for JOB_SILENT_AFTER (killed
    whole, machine down): a person may then ask for it to be read again without waiting for the sweep."""
    started = document.processing_started_at
    return (document.status == Document.Status.PROCESSING and started is not None
            and started < timezone.now() - settings.JOB_SILENT_AFTER)


def document_audit_names(*, object_type: str, ids: list[str]) -> dict[str, str]:
    """The audit log's names for records still in the app (registered with cases.hooks.audit_object_names)."""
    if object_type != "evidence.document":
        return {}
    numbers = [int(i) for i in ids if i.isascii() and i.isdigit()]
    return {str(pk): f"record “{name}”" for pk, name in
            Document.objects.filter(pk__in=numbers).values_list("pk", "original_name")}
