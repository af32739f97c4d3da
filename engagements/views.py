"""Advocates' work: engagements, their logs and evidence, attendance files, goals, collateral concerns, the
dashboard and the client summary. Every case view finds its case through case_list_for_user (404 otherwise)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.services import Actor
from cases.access import case_for_action, case_for_request
from cases.roles import CaseAction, case_require
from cases.selectors import case_role_of
from engagements.attendance_csv import MAX_ERRORS_SHOWN, AttendanceCsvRejected
from engagements.forms import (
    AttendanceImportForm,
    CollateralFlagForm,
    EngagementCreateForm,
    EngagementForm,
    EvidenceForm,
    GoalForm,
    LogEntryForm,
    PreferenceForm,
    StatusChangeForm,
)
from engagements.models import CollateralFlag, Engagement
from engagements.selectors import (
    case_engagement_rows,
    client_goal_list,
    client_preference_of,
    client_summary,
    collateral_flag_list,
    dashboard_for_user,
    engagement_list,
    engagement_row,
)
from engagements.services import (
    attendance_import,
    client_goal_add,
    client_goal_move,
    client_goal_remove,
    client_preference_set,
    collateral_flag_remove,
    collateral_flag_set,
    engagement_attach_evidence,
    engagement_change_status,
    engagement_create,
    engagement_log_add,
    engagement_log_remove,
    engagement_set_followed,
    engagement_update,
)
from evidence.selectors import document_list
from evidence.services import RecordRejected
from narratives.models import Consent

NEXT_STATUS = {"referred": "enrolled", "enrolled": "active", "active": "completed", "completed": "active",
               "discontinued": "active", "": "active"}


def _engagement_for(request: HttpRequest, case_id: int, engagement_id: int) -> Engagement:
    case = case_for_request(request, case_id)
    return get_object_or_404(engagement_list(case=case).select_related("case"), pk=engagement_id)


def _errors(error: ValidationError) -> list[str]:
    return error.messages


def _detail_url(engagement: Engagement, anchor: str = "") -> str:
    url = reverse("engagements:engagement_detail", kwargs={"case_id": engagement.case_id, "engagement_id": engagement.pk})
    return url + (f"#{anchor}" if anchor else "")


# ---- dashboard ---------------------------------------------------------------------------------------------------


@login_required
@require_GET
def dashboard_view(request: HttpRequest) -> HttpResponse:
    return render(request, "engagements/dashboard.html", {"dashboard": dashboard_for_user(user=request.user)})


# ---- engagements ---------------------------------------------------------------------------------------------------


@login_required
@require_GET
def engagement_list_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_for_request(request, case_id)
    order = {"active": 0, "enrolled": 1, "referred": 2, "completed": 3, "discontinued": 4, "": 5}
    rows = sorted(case_engagement_rows(case=case), key=lambda r: (order.get(r.engagement.status, 5), r.engagement.pk))
    return render(
        request,
        "engagements/engagement_list.html",
        {
            "case": case,
            "followed": [r for r in rows if r.engagement.followed],
            "unfollowed": [r for r in rows if not r.engagement.followed],
            "goals": client_goal_list(case=case),
            "flags": collateral_flag_list(case=case),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def engagement_create_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_for_action(request, case_id, CaseAction.ENGAGEMENTS)
    goals = list(client_goal_list(case=case))
    form = EngagementCreateForm(request.POST or None, goals=goals,
                                initial={"referred_by": request.user.get_full_name() or request.user.get_username()})
    if request.method == "POST" and form.is_valid():
        try:
            engagement = engagement_create(
                case=case, details=form.details(), status=form.cleaned_data["status"],
                status_date=form.cleaned_data["status_date"], reason=form.cleaned_data["reason"],
                actor=Actor.from_request(request),
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"Engagement created: {engagement}. It is on the timeline too.")
            return redirect(_detail_url(engagement))
    return render(request, "engagements/engagement_form.html", {"case": case, "form": form, "goals": goals},
                  status=400 if form.errors else 200)


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
@require_GET
def engagement_detail_view(request: HttpRequest, case_id: int, engagement_id: int) -> HttpResponse:
    engagement = _engagement_for(request, case_id, engagement_id)
    return render(request, "engagements/engagement_detail.html", _detail_context(request, engagement))


def _detail_context(request: HttpRequest, engagement: Engagement, **forms) -> dict:
    case = engagement.case
    today = timezone.localdate()
    return {
        "case": case,
        "engagement": engagement,
        "row": engagement_row(engagement=engagement, today=today),
        "event": engagement.event,
        "history": list(engagement.status_changes.select_related("recorded_by")),
        "entries": list(engagement.log_entries.select_related("recorded_by", "attendance_import")),
        "evidence": list(engagement.evidence.select_related("document", "attached_by")),
        "imports": list(engagement.imports.select_related("imported_by")),
        "goals": client_goal_list(case=case),
        "flags": list(engagement.collateral_flags.all()),
        "status_form": forms.get("status_form") or StatusChangeForm(
            initial={"date": today.isoformat(), "status": NEXT_STATUS.get(engagement.status, "active")}
        ),
        "log_form": forms.get("log_form") or LogEntryForm(initial={"date": today.isoformat()}),
        "evidence_form": forms.get("evidence_form") or EvidenceForm(documents=document_list(case=case)),
        "consent_choices": Consent.choices,
        "role": case_role_of(case=case, user=request.user),
    }


@login_required
@require_http_methods(["GET", "POST"])
def engagement_update_view(request: HttpRequest, case_id: int, engagement_id: int) -> HttpResponse:
    engagement = _engagement_for(request, case_id, engagement_id)
    case_require(case=engagement.case_id, user=request.user, action=CaseAction.ENGAGEMENTS)
    goals = list(client_goal_list(case=engagement.case))
    form = EngagementForm(request.POST or None, goals=goals, initial=EngagementForm.initial_from(engagement))
    if request.method == "POST" and form.is_valid():
        try:
            engagement = engagement_update(engagement=engagement, details=form.details(),
                                           actor=Actor.from_request(request))
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Engagement saved; the timeline shows the change.")
            return redirect(_detail_url(engagement))
    return render(request, "engagements/engagement_form.html",
                  {"case": engagement.case, "form": form, "engagement": engagement, "goals": goals},
                  status=400 if form.errors else 200)


def _invalid(request: HttpRequest, engagement: Engagement, **forms) -> HttpResponse:
    messages.error(request, "Nothing was saved: see the highlighted form below.")
    return render(request, "engagements/engagement_detail.html", _detail_context(request, engagement, **forms), status=400)


@login_required
@require_POST
def engagement_status_view(request: HttpRequest, case_id: int, engagement_id: int) -> HttpResponse:
    engagement = _engagement_for(request, case_id, engagement_id)
    form = StatusChangeForm(request.POST)
    if form.is_valid():
        try:
            change = engagement_change_status(
                engagement=engagement, status=form.cleaned_data["status"], date=form.cleaned_data["date"],
                reason=form.cleaned_data["reason"], actor=Actor.from_request(request),
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"Status changed to {change.get_status_display().lower()}.")
            return redirect(_detail_url(engagement, "history"))
    return _invalid(request, engagement, status_form=form)


@login_required
@require_POST
def log_add_view(request: HttpRequest, case_id: int, engagement_id: int) -> HttpResponse:
    engagement = _engagement_for(request, case_id, engagement_id)
    form = LogEntryForm(request.POST)
    if form.is_valid():
        try:
            entry = engagement_log_add(
                engagement=engagement, date=form.cleaned_data["date"], kind=form.cleaned_data["kind"],
                note=form.cleaned_data["note"], actor=Actor.from_request(request),
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"Logged: {entry.get_kind_display().lower()} on {entry.date:%B} {entry.date.day}, {entry.date.year}.")
            if entry.is_session and engagement.status == "referred":
                messages.info(request, "Sessions are being logged but the status is still “referred”: "
                                       "change it to enrolled or active below.")
            return redirect(_detail_url(engagement, "log"))
    return _invalid(request, engagement, log_form=form)


@login_required
@require_POST
def log_remove_view(request: HttpRequest, case_id: int, engagement_id: int, entry_id: int) -> HttpResponse:
    engagement = _engagement_for(request, case_id, engagement_id)
    entry = get_object_or_404(engagement.log_entries, pk=entry_id)
    engagement_log_remove(entry=entry, actor=Actor.from_request(request))
    messages.success(request, "Log entry removed.")
    return redirect(_detail_url(engagement, "log"))


@login_required
@require_POST
def evidence_attach_view(request: HttpRequest, case_id: int, engagement_id: int) -> HttpResponse:
    engagement = _engagement_for(request, case_id, engagement_id)
    documents = document_list(case=engagement.case)
    form = EvidenceForm(request.POST, request.FILES, documents=documents)
    if form.is_valid():
        data = form.cleaned_data
        document = documents.filter(pk=data["document"]).first() if data["document"] else None
        try:
            link = engagement_attach_evidence(
                engagement=engagement, kind=data["kind"], actor=Actor.from_request(request),
                file=data["file"] or None, document=document, page_number=data["page_number"],
            )
        except RecordRejected as rejection:
            form.add_error("file", f"Not uploaded: {rejection.message}")
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"{link.document.original_name} attached as {link.get_kind_display().lower()}; "
                                      f"the timeline cites it (p. {link.page_number}).")
            return redirect(_detail_url(engagement, "evidence"))
    return _invalid(request, engagement, evidence_form=form)


@login_required
@require_POST
def engagement_follow_view(request: HttpRequest, case_id: int, engagement_id: int) -> HttpResponse:
    engagement = _engagement_for(request, case_id, engagement_id)
    followed = request.POST.get("followed") == "1"
    engagement_set_followed(engagement=engagement, followed=followed, actor=Actor.from_request(request))
    messages.success(request, "Followed on the dashboard." if followed else "No longer followed on the dashboard.")
    target = request.POST.get("next", "")
    if target == "list":
        return redirect("engagements:engagement_list", case_id=case_id)
    if target == "dashboard":
        return redirect("engagements:dashboard")
    return redirect(_detail_url(engagement))


# ---- attendance files ----------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def attendance_import_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_for_action(request, case_id, CaseAction.ENGAGEMENTS)
    engagements = list(engagement_list(case=case).filter(followed=True)) or list(engagement_list(case=case))
    initial = {"engagement": request.GET.get("engagement", "")}
    form = AttendanceImportForm(request.POST or None, request.FILES or None, engagements=engagements, initial=initial)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        choice = form.cleaned_data["engagement"]
        target = None if choice == form.NEW else get_object_or_404(case.engagements, pk=int(choice))
        upload = form.cleaned_data["file"]
        try:
            batch = attendance_import(
                case=case, engagement=target, new_engagement=form.new_engagement(), data=upload.read(),
                file_name=upload.name or "", actor=Actor.from_request(request),
            )
        except AttendanceCsvRejected as rejected:
            errors = rejected.errors
        except ValidationError as error:
            errors = _errors(error)
        else:
            messages.success(request, f"Imported {batch.rows} session{'s' if batch.rows != 1 else ''} from "
                                      f"{batch.file_name} into {batch.engagement}.")
            return redirect(_detail_url(batch.engagement, "log"))
    return render(
        request,
        "engagements/attendance_import.html",
        {"case": case, "form": form, "errors": errors[:MAX_ERRORS_SHOWN], "more_errors": max(0, len(errors) - MAX_ERRORS_SHOWN)},
        status=400 if errors or form.errors else 200,
    )


# ---- client goals and naming ------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def goals_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_for_request(request, case_id)
    goal_form = GoalForm(request.POST if request.POST.get("form") == "goal" else None)
    preference = client_preference_of(case=case)
    preference_form = PreferenceForm(request.POST if request.POST.get("form") == "preference" else None,
                                     instance=preference)
    if request.method == "POST":
        if goal_form.is_bound and goal_form.is_valid():
            client_goal_add(case=case, text=goal_form.cleaned_data["text"], actor=Actor.from_request(request))
            messages.success(request, "Goal added.")
            return redirect("engagements:goals", case_id=case.pk)
        if preference_form.is_bound and preference_form.is_valid():
            client_preference_set(case=case, name_in_court=preference_form.cleaned_data["name_in_court"],
                                  pronoun=preference_form.cleaned_data["pronoun"], actor=Actor.from_request(request))
            messages.success(request, "Saved: drafts will name the client this way.")
            return redirect("engagements:goals", case_id=case.pk)
    return render(
        request,
        "engagements/goals.html",
        {"case": case, "goals": client_goal_list(case=case).prefetch_related("engagements"),
         "goal_form": goal_form, "preference_form": preference_form},
        status=400 if goal_form.errors or preference_form.errors else 200,
    )


@login_required
@require_POST
def goal_change_view(request: HttpRequest, case_id: int, goal_id: int, action: str) -> HttpResponse:
    case = case_for_request(request, case_id)
    goal = get_object_or_404(case.goal_items, pk=goal_id)
    if action == "up":
        client_goal_move(goal=goal, offset=-1, actor=Actor.from_request(request))
    elif action == "down":
        client_goal_move(goal=goal, offset=1, actor=Actor.from_request(request))
    elif action == "remove":
        client_goal_remove(goal=goal, actor=Actor.from_request(request))
        messages.success(request, "Goal removed; engagements tied to it keep going.")
    else:
        raise Http404("No such change.")
    return redirect("engagements:goals", case_id=case.pk)


# ---- collateral consequences -------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def collateral_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_for_request(request, case_id)
    referrals = list(case.engagements.filter(service_type="civil_legal_services"))
    form = CollateralFlagForm(request.POST or None, referrals=referrals)
    if request.method == "POST" and request.POST.get("remove"):
        flag = get_object_or_404(case.collateral_flags, concern=request.POST["remove"])
        collateral_flag_remove(flag=flag, actor=Actor.from_request(request))
        messages.success(request, f"{flag.get_concern_display()}: removed.")
        return redirect("engagements:collateral", case_id=case.pk)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        referral = next((e for e in referrals if e.pk == data["referral"]), None)
        try:
            flag = collateral_flag_set(
                case=case, concern=data["concern"], status=data["status"], note=data["note"],
                share_in_narrative=data["share_in_narrative"], referral=referral,
                new_referral_provider=data["new_referral_provider"], actor=Actor.from_request(request),
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"{flag.get_concern_display()}: {flag.get_status_display().lower()}.")
            return redirect("engagements:collateral", case_id=case.pk)
    flags = {flag.concern: flag for flag in collateral_flag_list(case=case)}
    concerns = [(value, label, flags.get(value)) for value, label in CollateralFlag.Concern.choices]
    return render(
        request,
        "engagements/collateral.html",
        {"case": case, "form": form, "concerns": concerns, "referrals": referrals,
         "statuses": CollateralFlag.Status.choices},
        status=400 if form.errors else 200,
    )


# ---- the client summary ---------------------------------------------------------------------------------------------------


@login_required
@require_GET
def client_summary_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_for_request(request, case_id)
    return render(
        request,
        "engagements/client_summary.html",
        {"case": case, "summary": client_summary(case=case), "advocate": request.user,
         "first_name": case.client_name.split()[0] if case.client_name.split() else case.client_name},
    )
