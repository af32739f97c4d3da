from __future__ import annotations

import csv
import datetime
import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from audit.models import AuditEntry
from audit.services import audit_record
from narratives.access import case_for_request
from narratives.models import Case, CaseMembership
from narratives.selectors import case_role_of


def _case_for_supervisor(request: HttpRequest, case_id: int) -> Case:
    case = case_for_request(request, case_id)
    if case_role_of(case=case, user=request.user) != CaseMembership.Role.SUPERVISOR:
        raise PermissionDenied("The audit log of a case is for its supervisor.")
    return case


@login_required
@require_GET
def case_audit_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case_for_supervisor(request, case_id)
    entries = Paginator(AuditEntry.objects.filter(case_id=case.pk), 100).get_page(request.GET.get("page"))
    return render(request, "audit/case_audit.html", {"case": case, "entries": entries})


@login_required
@require_GET
def case_audit_csv_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case_for_supervisor(request, case_id)
    audit_record(action=AuditEntry.Action.AUDIT_EXPORTED, request=request, case_id=case.pk)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["When (UTC)", "User", "IP address", "Action", "Object type", "Object id", "Detail"])
    for entry in AuditEntry.objects.filter(case_id=case.pk).order_by("at", "pk").iterator():
        writer.writerow([
            entry.at.astimezone(datetime.timezone.utc).isoformat(timespec="seconds"), entry.username, entry.ip_address or "",
            entry.action, entry.object_type, entry.object_id, entry.detail,
        ])
    response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{case.pk}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
