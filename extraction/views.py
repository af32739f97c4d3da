"""Finding a record's events again; the review of what was found is the narratives app's (its review queue)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from cases.access import case_for_request
from cases.roles import CaseArchived
from extraction.services import queue_extraction


@login_required
@require_POST
def document_reextract_view(request: HttpRequest, case_id: int, document_id: int) -> HttpResponse:
    case = case_for_request(request, case_id)
    document = get_object_or_404(case.documents, pk=document_id)
    if case.is_archived:  # replacing pending proposals is a change
        raise CaseArchived()
    queue_extraction(document_id=document.pk)
    messages.success(request, f"{document}: finding events again. Reviewed events are kept; only pending proposals are replaced.")
    return redirect("evidence:document_detail", case_id=case.pk, document_id=document.pk)
