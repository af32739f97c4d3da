"""The case list, opening a case, the case page's shell and the case's audit log (for its supervisor)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from audit.services import Actor, audit_entry_list, audit_trail_csv
from cases.access import case_for_request, case_for_supervisor
from cases.forms import CaseForm
from cases.models import Case
from cases.panels import CASE_PANELS, CASE_TOOLS, panels_render
from cases.selectors import case_list_for_user, case_role_of, case_team
from cases.services import case_create


@login_required
@require_GET
def case_list_view(request: HttpRequest) -> HttpResponse:
    cases = case_list_for_user(user=request.user).prefetch_related("memberships__user")
    return render(request, "cases/case_list.html", {"cases": cases})


@login_required
@require_http_methods(["GET", "POST"])
def case_create_view(request: HttpRequest) -> HttpResponse:
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "creator_role"}
        case = case_create(actor=Actor.from_request(request), creator_role=form.cleaned_data["creator_role"], **data)
        messages.success(request, f"Case {case.docket_number} opened.")
        return redirect("cases:case_detail", case_id=case.pk)
    return render(request, "cases/case_form.html", {"form": form}, status=400 if form.errors else 200)


def case_page(request: HttpRequest, case: Case, *, status: int = 200, **given) -> HttpResponse:
    """The case page: the case, its client and team, and every app's panels. `given` reaches the panels, e.g. a
    bound upload form to show again with its errors."""
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "role": case_role_of(case=case, user=request.user),
            "team": case_team(case=case),
            "tools": panels_render(place=CASE_TOOLS, request=request, case=case, **given),
            "panels": panels_render(place=CASE_PANELS, request=request, case=case, **given),
        },
        status=status,
    )


@login_required
@require_GET
def case_detail_view(request: HttpRequest, case_id: int) -> HttpResponse:
    return case_page(request, case_for_request(request, case_id))


@login_required
@require_GET
def case_audit_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_for_supervisor(request, case_id)
    entries = Paginator(audit_entry_list(case_id=case.pk), 100).get_page(request.GET.get("page"))
    return render(request, "cases/case_audit.html", {"case": case, "entries": entries})


@login_required
@require_GET
def case_audit_csv_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_for_supervisor(request, case_id)
    response = HttpResponse(audit_trail_csv(actor=Actor.from_request(request), case_id=case.pk),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{case.pk}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
