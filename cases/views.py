"""The case list, opening a case, the case page's shell and the case's audit log (for its supervisor)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.services import Actor, audit_entry_list, audit_people
from cases.access import case_for_action, case_for_request
from cases.forms import ArchiveForm, AuditFilterForm, CaseDetailsForm, CaseForm, MemberRoleForm, TeamMemberForm
from cases.models import Case
from cases.panels import CASE_PANELS, CASE_TOOLS, panels_render
from cases.roles import ROLES, CaseAction, case_require, standing_of, table_rows
from cases.selectors import audit_detail_words, audit_object_labels, case_list_for_user, case_team
from cases.services import (
    case_archive,
    case_audit_csv,
    case_create,
    case_details_update,
    case_lead_set,
    case_member_remove,
    case_member_set,
    case_retention_set,
    case_unarchive,
)

CASE_LIST_SHOWS = {"open": "Open", "archived": "Archived", "all": "All"}


@login_required
@require_GET
def case_list_view(request: HttpRequest) -> HttpResponse:
    """The person's cases: the open ones unless they ask for the archived ones (or all)."""
    show = request.GET.get("show", "open")
    show = show if show in CASE_LIST_SHOWS else "open"
    mine = case_list_for_user(user=request.user)
    cases = {"open": mine.active(), "archived": mine.archived(), "all": mine}[show]
    return render(request, "cases/case_list.html", {
        "cases": cases.prefetch_related("memberships__user"), "show": show, "shows": CASE_LIST_SHOWS,
        "archived_count": mine.archived().count(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def case_create_view(request: HttpRequest) -> HttpResponse:
    form = CaseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in {"creator_role"}}
        try:
            case = case_create(actor=Actor.from_request(request), creator_role=form.cleaned_data["creator_role"], **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Case {case.docket_number} opened. Add the rest of the team here.")
            return redirect("cases:case_team", case_id=case.pk)
    return render(request, "cases/case_form.html", {"form": form}, status=400 if form.errors else 200)


def case_page(request: HttpRequest, case: Case, *, status: int = 200, **given) -> HttpResponse:
    """The case page: the case, its client and team, and every app's panels. `given` reaches the panels, e.g. a
    bound upload form to show again with its errors."""
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "standing": standing_of(case=case, user=request.user),
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
    case = case_for_action(request, case_id, CaseAction.READ_AUDIT)
    form = AuditFilterForm(request.GET or None, people=audit_people(case_id=case.pk))
    entries = Paginator(audit_entry_list(case_id=case.pk, filters=form.filters()), 100).get_page(request.GET.get("page"))
    labels = audit_object_labels(list(entries.object_list))
    details = audit_detail_words(list(entries.object_list))
    for entry in entries.object_list:
        entry.label = labels.get((entry.object_type, entry.object_id), "")
        entry.detail_words = details.get(entry.pk, "")
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "cases/case_audit.html", {
        "case": case, "entries": entries, "form": form, "query": query.urlencode(),
        "zone": timezone.get_current_timezone_name(),
    }, status=400 if form.errors else 200)


@login_required
@require_GET
def case_audit_csv_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_for_request(request, case_id)
    filters = AuditFilterForm(request.GET or None, people=audit_people(case_id=case.pk)).filters()
    response = HttpResponse(case_audit_csv(case=case, actor=Actor.from_request(request), filters=filters),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{case.pk}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


def _team_page(request: HttpRequest, case: Case, *, form: TeamMemberForm | None = None, status: int = 200) -> HttpResponse:
    standing = standing_of(case=case, user=request.user)
    manages = standing.allows(CaseAction.MANAGE_TEAM)
    return render(
        request,
        "cases/case_team.html",
        {
            "case": case,
            "standing": standing,
            "manages": manages,
            "team": case_team(case=case),
            "form": (form or TeamMemberForm(case=case)) if manages else None,
            "role_form": MemberRoleForm(),
            "roles": ROLES,
            "rows": table_rows(standing=standing),
        },
        status=status,
    )


@login_required
@require_GET
def case_team_view(request: HttpRequest, case_id: int) -> HttpResponse:
    return _team_page(request, case_for_request(request, case_id))


@login_required
@require_POST
def case_member_add_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_for_action(request, case_id, CaseAction.MANAGE_TEAM)
    form = TeamMemberForm(request.POST, case=case)
    if not form.is_valid():
        return _team_page(request, case, form=form, status=400)
    user, role = form.cleaned_data["user"], form.cleaned_data["role"]
    case_member_set(case=case, user=user, role=role, actor=Actor.from_request(request))
    messages.success(request, f"{user.get_full_name() or user.username} joined the team as {role.replace('_', ' ')}.")
    return redirect("cases:case_team", case_id=case.pk)


@login_required
@require_POST
def case_member_change_view(request: HttpRequest, case_id: int, membership_id: int, action: str) -> HttpResponse:
    case = case_for_action(request, case_id, CaseAction.MANAGE_TEAM)
    membership = case_team(case=case).filter(pk=membership_id).first()
    if membership is None or action not in {"role", "remove", "lead"}:
        raise Http404("No such member of this team.")
    name = membership.user.get_full_name() or membership.user.username
    actor = Actor.from_request(request)
    try:
        if action == "remove":
            case_member_remove(membership=membership, actor=actor)
            messages.success(request, f"{name} is no longer on the team.")
        elif action == "lead":
            case_lead_set(membership=membership, actor=actor)
            messages.success(request, f"{name} is now the lead attorney.")
        else:
            form = MemberRoleForm(request.POST)
            if not form.is_valid():
                messages.error(request, "Choose one of the roles.")
            else:
                case_member_set(case=case, user=membership.user, role=form.cleaned_data["role"], actor=actor)
                messages.success(request, f"{name}'s role is now {form.cleaned_data['role'].replace('_', ' ')}.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("cases:case_team", case_id=case.pk)


@login_required
@require_http_methods(["GET", "POST"])
def case_details_view(request: HttpRequest, case_id: int) -> HttpResponse:
    """Change the case's details (its lead or supervisor); the court's fields too for an attorney, who files."""
    case = case_for_action(request, case_id, CaseAction.EDIT_DETAILS)
    files = standing_of(case=case, user=request.user).allows(CaseAction.FILING)
    form = CaseDetailsForm(request.POST or None, instance=case, user=request.user, files_for_the_case=files)
    if request.method == "POST" and form.is_valid():
        try:
            case_details_update(case=case, actor=Actor.from_request(request), **form.values())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The case's details are saved.")
            return redirect("cases:case_detail", case_id=case.pk)
    return render(request, "cases/case_details.html", {"case": case, "form": form},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def case_archive_view(request: HttpRequest, case_id: int) -> HttpResponse:
    """Archive the case (read-only from then on) with an optional destruction date; or, archived, change that date
    or unarchive it. The lead's or supervisor's."""
    case = case_for_request(request, case_id)
    case_require(case=case, user=request.user, action=CaseAction.MANAGE_TEAM, even_archived=True)
    form = ArchiveForm(request.POST or None, initial={"destroy_after": case.destroy_after})
    if request.method == "POST":
        actor = Actor.from_request(request)
        try:
            if "unarchive" in request.POST:
                case_unarchive(case=case, actor=actor)
                messages.success(request, "The case is open to changes again.")
                return redirect("cases:case_detail", case_id=case.pk)
            if form.is_valid():
                destroy_after = form.cleaned_data["destroy_after"]
                # The button pressed says which, not the case's state now: a second person's click on "Archive"
                # after the first archived it is told so, rather than changing the date.
                if "retention" in request.POST:
                    case_retention_set(case=case, actor=actor, destroy_after=destroy_after)
                    messages.success(request, f"The case will be destroyed after {date_format(destroy_after, 'F j, Y')}."
                                     if destroy_after else "No destruction date: the archived case is kept.")
                else:
                    case_archive(case=case, actor=actor, destroy_after=destroy_after)
                    messages.success(request, "The case is archived: it can be read, not changed.")
                return redirect("cases:case_detail", case_id=case.pk)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
    return render(request, "cases/case_archive.html", {"case": case, "form": form},
                  status=400 if form.errors else 200)
