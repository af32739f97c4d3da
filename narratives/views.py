from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from audit.models import AuditEntry
from audit.services import audit_record
from evidence.forms import DocumentUploadForm
from evidence.selectors import document_list
from extraction.selectors import candidate_counts
from narratives.access import case_for_request
from narratives.forms import CaseForm
from narratives.models import Case
from narratives.selectors import case_list_for_user, case_role_of, case_team
from narratives.services import case_create


@login_required
@require_GET
def case_list_view(request: HttpRequest) -> HttpResponse:
    cases = case_list_for_user(user=request.user).prefetch_related("memberships__user")
    return render(request, "narratives/case_list.html", {"cases": cases})


@login_required
@require_http_methods(["GET", "POST"])
def case_create_view(request: HttpRequest) -> HttpResponse:
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "creator_role"}
        case = case_create(created_by=request.user, creator_role=form.cleaned_data["creator_role"], **data)
        audit_record(action=AuditEntry.Action.CASE_OPENED, request=request, case_id=case.pk, obj=case)
        messages.success(request, f"Case {case.docket_number} opened.")
        return redirect("narratives:case_detail", case_id=case.pk)
    return render(request, "narratives/case_form.html", {"form": form}, status=400 if form.errors else 200)


def case_detail_context(*, request: HttpRequest, case: Case, upload_form: DocumentUploadForm | None = None) -> dict:
    return {
        "case": case,
        "role": case_role_of(case=case, user=request.user),
        "team": case_team(case=case),
        "documents": document_list(case=case),
        "upload_form": upload_form or DocumentUploadForm(),
        "review_counts": candidate_counts(case=case),
        "event_count": case.timeline_events.count(),
    }


@login_required
@require_GET
def case_detail_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_for_request(request, case_id)
    return render(request, "narratives/case_detail.html", case_detail_context(request=request, case=case))

