"""Exporting a narrative for court: settings, the Rule 49.1 review, the background job and downloads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from audit.services import Actor
from cases.access import case_for_request
from cases.roles import CaseAction, case_require, standing_of
from evidence.models import Page
from evidence.pictures import NoPicture
from evidence.selectors import document_get
from evidence.services import page_picture
from exports.assemble import export_data, export_settings_for
from cases.services import COURT_FIELDS, case_court_set
from exports.checks import filing_checks
from exports.filing import filing_items
from exports.forms import CourtForm, ExportRequestForm, ExportSettingsForm
from exports.pictures import finding_outlined
from exports.models import Export
from exports.redaction import redactions_from_findings
from exports.services import (
    ExportRefused,
    export_create,
    export_file_open,
    export_settings_update,
    privacy_findings,
    refusal_of,
)
from narratives.models import Narrative
from narratives.selectors import narrative_get

FILES = {  # kind -> content type, file name
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "narrative.docx"),
    "pdf": ("application/pdf", "narrative.pdf"),
    "exhibits": ("application/pdf", "exhibits.pdf"),
}


def _narrative_for(request: HttpRequest, case_id: int, narrative_id: int) -> Narrative:
    """The narrative, for the people who export (attorney, specialist); the rest of the team gets 403."""
    case = case_for_request(request, case_id)
    # Exports already made stay readable on an archived case; making one is refused by the service.
    case_require(case=case, user=request.user, action=CaseAction.DRAFT_EXPORT, even_archived=True)
    narrative = narrative_get(case=case, narrative_id=narrative_id)
    if narrative is None:
        raise Http404("No such narrative in this case.")
    return narrative


@login_required
@require_http_methods(["GET", "POST"])
def export_prepare_view(request: HttpRequest, case_id: int, narrative_id: int) -> HttpResponse:
    narrative = _narrative_for(request, case_id, narrative_id)
    case = narrative.case
    files = standing_of(case=case, user=request.user).allows(CaseAction.FILING)
    settings = export_settings_for(case=case)
    settings_form = ExportSettingsForm(request.POST if "save_settings" in request.POST else None, instance=settings, prefix="s")
    court_form = CourtForm(request.POST if "save_court" in request.POST else None, case=case, prefix="c")
    request_form = ExportRequestForm(request.POST if "export" in request.POST else None)
    if "save_settings" in request.POST and settings_form.is_valid():
        export_settings_update(case=case, values=settings_form.cleaned_data, actor=Actor.from_request(request))
        messages.success(request, "Filing settings saved.")
        return redirect("exports:export_prepare", case_id=case.pk, narrative_id=narrative.pk)
    if "save_court" in request.POST and court_form.is_valid():
        case_court_set(case=case, actor=Actor.from_request(request),
                       **{name: court_form.cleaned_data[name] for name in COURT_FIELDS})
        messages.success(request, "Court and prosecuting office saved.")
        return redirect("exports:export_prepare", case_id=case.pk, narrative_id=narrative.pk)

    data = export_data(narrative=narrative, sealed=False)
    # Findings and decisions over every record, so either packet (cited records, or all) has all it needs.
    everything = export_data(narrative=narrative, sealed=False, all_records=True)
    findings = privacy_findings(data=everything, case=case)
    items = filing_items(data=everything, case=case)
    decisions = {item.key: request.POST.get(f"decision:{item.key}", "") for item in items}
    if "export" in request.POST and request_form.is_valid():
        draft = request.POST["export"] == "draft"
        sealed = request_form.cleaned_data["sealed"] and not draft
        kept = set(request.POST.getlist("redact"))
        redactions = redactions_from_findings(f.finding for i, f in enumerate(findings) if str(i) in kept)
        try:
            export_create(
                narrative=narrative, actor=Actor.from_request(request), sealed=sealed,
                all_records=request_form.cleaned_data["all_records"], redactions=redactions, draft=draft,
                decisions={key: choice for key, choice in decisions.items() if choice},
            )
        except ExportRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, "Export started: the files appear below when they are ready.")
            return redirect("exports:export_list", case_id=case.pk, narrative_id=narrative.pk)
    return render(
        request,
        "exports/export_prepare.html",
        {
            "case": case, "narrative": narrative, "data": data, "refusal": refusal_of(data),
            "findings": list(enumerate(findings)), "settings_form": settings_form, "request_form": request_form,
            "court_form": court_form, "problems": filing_checks(data=data, case=case, settings=settings),
            "items": [(item, decisions.get(item.key, "")) for item in items], "files": files,
        },
    )


@login_required
@require_GET
def finding_picture_view(
    request: HttpRequest, case_id: int, narrative_id: int, document_id: int, number: int, start: int, end: int
) -> HttpResponse:
    """The record page a finding is on, with the box that will be burned over it outlined (PNG)."""
    narrative = _narrative_for(request, case_id, narrative_id)
    document = document_get(document_id=document_id)
    if document is None or document.case_id != narrative.case_id:
        raise Http404("No such record in this case.")
    try:
        picture, page = page_picture(document=document, number=number, actor=Actor.from_request(request))
    except (Page.DoesNotExist, NoPicture, FileNotFoundError):
        raise Http404("No picture of this page.") from None
    response = HttpResponse(finding_outlined(picture, page.text, page.geometry, start, end), content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def export_list_view(request: HttpRequest, case_id: int, narrative_id: int) -> HttpResponse:
    narrative = _narrative_for(request, case_id, narrative_id)
    exports = narrative.exports.select_related("requested_by")
    return render(request, "exports/export_list.html", {"case": narrative.case, "narrative": narrative, "exports": exports})


@login_required
@require_GET
def export_status_view(request: HttpRequest, case_id: int, narrative_id: int, export_id: int) -> JsonResponse:
    narrative = _narrative_for(request, case_id, narrative_id)
    export = get_object_or_404(narrative.exports, pk=export_id)
    return JsonResponse({
        "status": export.status, "status_label": export.get_status_display(), "step": export.step,
        "steps_done": export.steps_done, "steps_total": export.steps_total, "failure_reason": export.failure_reason,
        "finished": export.status in {Export.Status.DONE, Export.Status.FAILED},
    })


@login_required
@require_GET
def export_download_view(request: HttpRequest, case_id: int, narrative_id: int, export_id: int, kind: str) -> FileResponse:
    narrative = _narrative_for(request, case_id, narrative_id)
    export = get_object_or_404(narrative.exports, pk=export_id, status=Export.Status.DONE)
    if kind not in FILES:
        raise Http404("No such file.")
    content_type, name = FILES[kind]
    try:
        handle = export_file_open(export=export, kind=kind, actor=Actor.from_request(request))
    except FileNotFoundError:
        raise Http404("No such file.") from None
    label = export.purpose
    response = FileResponse(handle, as_attachment=True, filename=f"{export.case.docket_number}-{label}-{name}",
                            content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response
