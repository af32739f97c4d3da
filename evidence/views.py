from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from audit.services import Actor
from cases.access import case_for_request
from cases.panels import RECORD_PAGE_TOOLS, RECORD_STATUS, panels_render
from cases.views import case_page
from evidence.forms import DocumentUploadForm
from evidence.models import Document, Page
from evidence.selectors import document_is_stuck
from evidence.services import document_original_open, document_retry, document_view, documents_upload, page_view

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
            "stuck": document_is_stuck(document=document),
            "status_panels": panels_render(place=RECORD_STATUS, request=request, case=document.case, document=document),
        },
    )


@login_required
@require_GET
def document_status_view(request: HttpRequest, case_id: int, document_id: int) -> JsonResponse:
    document = _document_for(request, case_id, document_id)
    return JsonResponse(
        {
            "status": document.status,
            "status_label": document.get_status_display(),
            "pages_done": document.pages_done,
            "page_count": document.page_count,
            "percent": document.progress_percent,
            "failure_reason": document.failure_reason,
            "finished": document.is_finished,
        }
    )


@login_required
@require_GET
def document_page_view(request: HttpRequest, case_id: int, document_id: int, number: int) -> HttpResponse:
    document = _document_for(request, case_id, document_id)
    try:
        page = page_view(document=document, number=number, actor=Actor.from_request(request))
    except Page.DoesNotExist:
        raise Http404("No such page.") from None
    start, end = _highlight(request, len(page.text))
    return render(
        request,
        "evidence/page_detail.html",
        {
            "case": document.case,
            "document": document,
            "page": page,
            "before": page.text[:start],
            "highlight": page.text[start:end],
            "after": page.text[end:],
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
