from __future__ import annotations

import logging
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.services import Actor
from cases.access import case_for_request
from cases.panels import RECORD_PAGE_TOOLS, RECORD_PANELS, RECORD_STATUS, panels_render
from cases.views import case_page
from evidence.forms import DocumentDetailsForm, DocumentsDetailsForm, DocumentUploadForm
from evidence.hooks import page_span_actions
from evidence.models import Document, Page
from evidence.panels import records_table
from evidence.pictures import NoPicture
from evidence.search import marked_segments, match_spans, search_query_parse
from evidence.selectors import document_is_stuck, document_list, page_picture_marks
from evidence.services import (
    DETAILS,
    document_details_update,
    document_original_open,
    document_removal_allowed,
    document_remove,
    document_retry,
    document_view,
    documents_details_update,
    documents_upload,
    page_picture_open,
    page_view,
    records_search,
)

MAX_QUERY_LENGTH = 300
logger = logging.getLogger(__name__)

CONTENT_TYPES = {
    Document.FileKind.PDF: "application/pdf",
    Document.FileKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    Document.FileKind.TEXT: "text/plain; charset=utf-8",
    Document.FileKind.IMAGE: "application/octet-stream",
}


def _document_for(request: HttpRequest, case_id: int, document_id: int) -> Document:
    case = case_for_request(request, case_id)
    return get_object_or_404(case.documents.select_related("case", "uploaded_by"), pk=document_id)


@login_required
@require_POST
def document_upload_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_for_request(request, case_id)
    form = DocumentUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return case_page(request, case, status=400, upload_form=form)  # the upload form lives on the case page
    outcomes = documents_upload(
        case=case,
        files=form.cleaned_data["files"],
        actor=Actor.from_request(request),
        record_type=form.cleaned_data["record_type"],
        source=form.cleaned_data["source"],
        date_received=form.cleaned_data["date_received"],
    )
    for outcome in outcomes:
        if outcome.error:
            messages.error(request, f"{outcome.name}: not uploaded. {outcome.error}")
        else:
            messages.success(request, f"{outcome.name}: uploaded; reading its pages now.")
    return redirect("cases:case_detail", case_id=case.pk)


@login_required
@require_GET
def document_detail_view(request: HttpRequest, case_id: int, document_id: int) -> HttpResponse:
    document = _document_for(request, case_id, document_id)
    pages = document_view(document=document, actor=Actor.from_request(request))
    return render(
        request,
        "evidence/document_detail.html",
        {
            "case": document.case,
            "document": document,
            "pages": pages,
            "busy": records_table(documents=[document]).rows[0].busy,
            "can_remove": document_removal_allowed(document=document, user=request.user),
            "stuck": document_is_stuck(document=document),
            "status_panels": panels_render(place=RECORD_STATUS, request=request, case=document.case, document=document),
            "panels": panels_render(place=RECORD_PANELS, request=request, case=document.case, document=document),
        },
    )


@login_required
@require_GET
def document_status_view(request: HttpRequest, case_id: int, document_id: int) -> JsonResponse:
    document = _document_for(request, case_id, document_id)
    (row,) = records_table(documents=[document]).rows
    return JsonResponse(
        {
            "status": document.status,
            "status_label": document.get_status_display(),
            "pages_done": document.pages_done,
            "page_count": document.page_count,
            "percent": document.progress_percent,
            "failure_reason": document.failure_reason,
            "finished": document.is_finished,
            "busy": row.busy,  # reading, or work of another app on the record (finding its events), under way
        }
    )


@login_required
@require_GET
def records_status_view(request: HttpRequest, case_id: int) -> JsonResponse:
    """The case page's records table as it is now: the page polls this while reading or finding events goes on."""
    case = case_for_request(request, case_id)
    table = records_table(documents=list(document_list(case=case)))
    return JsonResponse(
        {
            "records": [
                {
                    "id": row.document.pk,
                    "status": row.document.status,
                    "status_label": row.document.get_status_display(),
                    "pages_done": row.document.pages_done,
                    "page_count": row.document.page_count,
                    "failure_reason": row.document.failure_reason,
                    "cells": list(row.cells),
                    "busy": row.busy,
                }
                for row in table.rows
            ],
            "busy": any(row.busy for row in table.rows),
        }
    )


@login_required
@require_GET
def document_page_view(request: HttpRequest, case_id: int, document_id: int, number: int) -> HttpResponse:
    """A page's picture beside its text. A citation or a proposal opens it with its span (?start=&end=, offsets
    into the page's text) marked on both; a search hit (?q=) with every match on the page marked.

    The span is passed as offsets, not as a proposal's or an event's id, so this lower app needs to know nothing
    of the apps above it; the record is looked up within the case the person may open, so no offsets reach
    another case's page."""
    document = _document_for(request, case_id, document_id)
    try:
        page = page_view(document=document, number=number, actor=Actor.from_request(request))
    except Page.DoesNotExist:
        raise Http404("No such page.") from None
    query = search_query_parse(request.GET.get("q", "")[:MAX_QUERY_LENGTH])
    start, end = _highlight(request, len(page.text))
    if end > start:
        spans: tuple[tuple[int, int], ...] = ((start, end),)
        segments = [(page.text[:start], ""), (page.text[start:end], "cited"), (page.text[end:], "")]
        mark_kind = "cited"
    elif query:  # opened from a search hit: every match on the page is marked
        spans = match_spans(page_ids=[page.pk], query=query).get(page.pk, ())
        segments = [(text, "hit" if is_match else "") for text, is_match in marked_segments(page.text, spans)]
        mark_kind = "hit"
    else:
        spans, segments, mark_kind = (), [(page.text, "")], ""
    pager_query = f"?q={quote(query.text)}" if query else ""
    return render(
        request,
        "evidence/page_detail.html",
        {
            "case": document.case,
            "document": document,
            "page": page,
            "segments": [(text, mark) for text, mark in segments if text],
            "picture_marks": page_picture_marks(page=page, spans=spans),
            "mark_kind": mark_kind,
            "drawn_from_rendition": document.file_kind in {Document.FileKind.DOCX, Document.FileKind.TEXT},
            "query": query,
            "pager_query": pager_query,
            "previous_number": number - 1 if number > 1 else None,
            "next_number": number + 1 if number < (document.page_count or 0) else None,
            "tools": panels_render(place=RECORD_PAGE_TOOLS, request=request, case=document.case, document=document,
                                   page=page),
        },
    )


def _highlight(request: HttpRequest, length: int) -> tuple[int, int]:
    """The span to highlight (?start=&end=, offsets into the page text), clamped to the page."""
    try:
        start = int(request.GET.get("start", 0))
        end = int(request.GET.get("end", 0))
    except ValueError:
        return 0, 0
    start = max(0, min(start, length))
    end = max(start, min(end, length))
    return start, end


@login_required
@require_GET
def page_picture_view(request: HttpRequest, case_id: int, document_id: int, number: int) -> FileResponse:
    document = _document_for(request, case_id, document_id)
    try:
        picture = page_picture_open(document=document, number=number)
    except NoPicture:
        raise Http404("This page has no picture.") from None
    except FileNotFoundError:
        raise Http404("The stored file is missing.") from None
    except Exception:  # a damaged original: the page view still shows the page's text
        logger.exception("evidence.page_picture_failed", extra={"document_id": document.pk, "page": number})
        raise Http404("The page's picture could not be drawn.") from None
    response = FileResponse(picture, content_type="image/png")
    response["Cache-Control"] = "private, no-store"  # privileged: never kept in a shared cache or on disk
    return response


@login_required
@require_GET
def document_original_view(request: HttpRequest, case_id: int, document_id: int) -> FileResponse:
    document = _document_for(request, case_id, document_id)
    try:
        handle = document_original_open(document=document, actor=Actor.from_request(request))
    except FileNotFoundError:
        raise Http404("The stored file is missing.") from None
    inline = document.file_kind in {Document.FileKind.PDF, Document.FileKind.TEXT}
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=document.original_name,
        content_type=CONTENT_TYPES[document.file_kind],
    )
    # An original opened in the browser must not run anything, even a PDF with scripts in it.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; object-src 'self'"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def document_retry_view(request: HttpRequest, case_id: int, document_id: int) -> HttpResponse:
    document = _document_for(request, case_id, document_id)
    if document.status in {Document.Status.FAILED, Document.Status.QUEUED} or document_is_stuck(document=document):
        document_retry(document=document, actor=Actor.from_request(request))
        messages.success(request, f"{document.original_name}: queued to be read again.")
    else:
        messages.info(request, f"{document.original_name} is {document.get_status_display().lower()}; nothing to retry.")
    return redirect("evidence:document_detail", case_id=case_id, document_id=document.pk)


@login_required
@require_GET
def case_search_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_for_request(request, case_id)
    text = request.GET.get("q", "")
    query = search_query_parse(text[:MAX_QUERY_LENGTH])
    results = records_search(case=case, query=query, actor=Actor.from_request(request)) if query else None
    records = []
    for record in results.records if results else ():
        hits = [
            (hit, [action for action in page_span_actions(
                request=request, case=case, document_id=record.document.pk, number=hit.number,
                start=hit.sentence_start, end=hit.sentence_end) if action])
            for hit in record.hits
        ]
        snippet_numbers = {hit.number for hit in record.hits}
        records.append((record, hits, [n for n in record.numbers if n not in snippet_numbers]))
    return render(
        request,
        "evidence/search.html",
        {
            "case": case,
            "text": text,
            "query": query,
            "results": results,
            "records": records,
            "too_long": len(text) > MAX_QUERY_LENGTH,
            "q": quote(query.text),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_details_view(request: HttpRequest, case_id: int, document_id: int) -> HttpResponse:
    document = _document_for(request, case_id, document_id)
    form = DocumentDetailsForm(request.POST if request.method == "POST" else None, instance=document)
    if request.method == "POST" and form.is_valid():
        try:
            document_details_update(document=Document.objects.get(pk=document.pk), actor=Actor.from_request(request),
                                    **{name: form.cleaned_data[name] for name in DETAILS})
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{document.original_name}: details saved.")
            return redirect("evidence:document_detail", case_id=case_id, document_id=document.pk)
    return render(request, "evidence/document_details.html", {"case": document.case, "document": document,
                                                              "form": form}, status=400 if form.errors else 200)


@login_required
@require_POST
def documents_details_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_for_request(request, case_id)
    form = DocumentsDetailsForm(request.POST, documents=case.documents.all())
    if form.is_valid():
        try:
            changed = documents_details_update(documents=list(form.cleaned_data["documents"]),
                                               actor=Actor.from_request(request), **form.changes())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Details set on {changed} record{'s' if changed != 1 else ''}.")
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect(reverse("cases:case_detail", kwargs={"case_id": case.pk}) + "#records")


@login_required
@require_http_methods(["GET", "POST"])
def document_remove_view(request: HttpRequest, case_id: int, document_id: int) -> HttpResponse:
    document = _document_for(request, case_id, document_id)
    if not document_removal_allowed(document=document, user=request.user):
        raise PermissionDenied("Only the case's attorney or mitigation specialist can remove a record.")
    if request.method == "POST":
        try:
            removal = document_remove(document=document, actor=Actor.from_request(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("evidence:document_detail", case_id=case_id, document_id=document.pk)
        messages.success(request, _removal_message(removal))
        return redirect("cases:case_detail", case_id=case_id)
    return render(request, "evidence/document_remove.html", {"case": document.case, "document": document})


def _removal_message(removal) -> str:
    def count(number: int, word: str) -> str:
        return f"{number} {word}{'' if number == 1 else 's'}"

    waiting = removal.counts.get("proposals_removed", 0)
    flagged = removal.counts.get("facts_flagged", 0)
    message = f"{removal.name} removed, with its {count(removal.pages, 'page')}"
    message += f" and {count(waiting, 'proposal')} waiting for review." if waiting else "."
    if flagged:
        message += (f" {count(flagged, 'fact')} that cited it {'is' if flagged == 1 else 'are'} flagged for review "
                    "on the timeline.")
    return message
