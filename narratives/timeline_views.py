"""The timeline: accepted events in order, filters in the URL, the client's consent, coverage, spreadsheets."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.services import Actor
from common.ids import id_from
from cases.access import case_for_request
from cases.roles import CaseAction, case_require
from cases.models import Case
from evidence.selectors import document_list
from extraction.pipeline.taxonomy import CATEGORY_CHOICES, LIFE_EVENT_CATEGORIES, SERVICE_ENGAGEMENT
from narratives.forms import EventEditForm, TimelineFilterForm
from narratives.models import Consent, TimelineEvent
from narratives.selectors import (
    domain_coverage,
    event_revision_list,
    timeline_event_get,
    timeline_list,
    timeline_subjects,
)
from narratives.services import (
    EVENT_FIELDS,
    event_remove,
    event_unaccept,
    event_update,
    events_set_consent,
    domain_set_not_applicable,
    event_mark_conflict,
    event_set_consent,
    event_set_statement,
    event_update_flags,
    timeline_spreadsheet,
)
from narratives.timeline import strip_svg, when, year_strip

TIMELINE_PAGE_SIZE = 50
SPREADSHEET_TYPES = {"csv": "text/csv; charset=utf-8",
                     "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _filtered(request: HttpRequest, case: Case) -> tuple[TimelineFilterForm, QuerySet[TimelineEvent]]:
    form = TimelineFilterForm(
        request.GET or None, documents=document_list(case=case), subjects=timeline_subjects(case=case)
    )
    return form, timeline_list(case=case, filters=form.filters() if request.GET else None)


def _with_when(events) -> list[TimelineEvent]:
    events = list(events)
    for event in events:
        event.when = when(event)
    return events


_SLOT = 987654321  # reversed once per request, filled per event: reverse() per row was a third of the render


def _with_links(events: list[TimelineEvent], case: Case) -> list[TimelineEvent]:
    update = reverse("narratives:event_update", kwargs={"case_id": case.pk, "event_id": _SLOT})
    conflict = reverse("narratives:event_conflict", kwargs={"case_id": case.pk, "event_id": _SLOT})
    page = reverse("evidence:document_page", kwargs={"case_id": case.pk, "document_id": _SLOT, "number": _SLOT + 1})
    slot, next_slot = str(_SLOT), str(_SLOT + 1)
    for event in events:
        event.update_url = update.replace(slot, str(event.pk))
        event.conflict_url = conflict.replace(slot, str(event.pk))
        for source in event.sources.all():
            source.url = (
                page.replace(next_slot, str(source.page_number)).replace(slot, str(source.document_id))
                + f"?start={source.start}&end={source.end}#cited"
            )
    return events


@login_required
@require_GET
def timeline_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_for_request(request, case_id)
    form, events = _filtered(request, case)
    page_obj = Paginator(events, TIMELINE_PAGE_SIZE).get_page(request.GET.get("page"))
    page_obj.object_list = _with_links(_with_when(page_obj.object_list), case)
    counts = (
        events.filter(date_sort__isnull=False).order_by().values_list("date_sort__year", "category")
        .annotate(n=Count("pk", distinct=True))
    )
    strip = year_strip(list(counts), birth_year=case.client_dob.year if case.client_dob else None)
    return render(
        request,
        "narratives/timeline.html",
        {
            "strip_svg": mark_safe(strip_svg(strip, labels=dict(CATEGORY_CHOICES))) if strip else "",
            "case": case,
            "form": form,
            "events": page_obj.object_list,
            "total": page_obj.paginator.count,
            "strip": strip,
            "consent_choices": Consent.choices,
            "query": request.GET.urlencode(),
            "page_obj": page_obj,
            "here": request.get_full_path(),
            "query_without_page": _without_page(request),
        },
    )


@login_required
@require_GET
def timeline_event_view(request: HttpRequest, case_id: int, event_id: int) -> HttpResponse:
    """An event's place on the paginated timeline: citations in narratives link here."""
    case = case_for_request(request, case_id)
    event = get_object_or_404(case.timeline_events, pk=event_id)
    order = list(timeline_list(case=case).values_list("pk", flat=True))
    page = order.index(event.pk) // TIMELINE_PAGE_SIZE + 1
    url = reverse("narratives:timeline", kwargs={"case_id": case.pk})
    return redirect(f"{url}?page={page}#event-{event.pk}")


@login_required
@require_GET
def timeline_export_view(request: HttpRequest, case_id: int, format: str) -> HttpResponse:
    case = case_for_request(request, case_id)
    if format not in SPREADSHEET_TYPES:
        raise Http404("Timelines export as .csv or .xlsx.")
    _form, events = _filtered(request, case)
    content = timeline_spreadsheet(case=case, events=_with_when(events), format=format, actor=Actor.from_request(request))
    stem = f"timeline-{case.docket_number}".replace("/", "-")
    response = HttpResponse(content, content_type=SPREADSHEET_TYPES[format])
    response["Content-Disposition"] = f'attachment; filename="{stem}.{format}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _back(request: HttpRequest, case: Case, event: TimelineEvent | None = None) -> HttpResponse:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) or not target.startswith("/"):
        target = reverse("narratives:timeline", kwargs={"case_id": case.pk})
    if event is not None and "#" not in target:
        target += f"#event-{event.pk}"
    return redirect(target)


@login_required
@require_POST
def event_update_view(request: HttpRequest, case_id: int, event_id: int) -> HttpResponse:
    case = case_for_request(request, case_id)
    event = get_object_or_404(case.timeline_events, pk=event_id)
    if "consent" in request.POST:
        try:
            event_set_consent(event=event, consent=request.POST["consent"], actor=Actor.from_request(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Consent recorded: {event.get_consent_display()}.")
    if "statement" in request.POST:
        try:
            event_set_statement(event=event, statement=request.POST["statement"], actor=Actor.from_request(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Statement saved; drafts assembled from now on use it.")
    if "key_fact" in request.POST or "note" in request.POST or "reviewed" in request.POST:
        event_update_flags(
            event=event,
            actor=Actor.from_request(request),
            key_fact=(request.POST.get("key_fact") == "1") if "key_fact" in request.POST else None,
            note=request.POST.get("note") if "note" in request.POST else None,
            reviewed=request.POST.get("reviewed") == "1",
        )
    return _back(request, case, event)


@login_required
@require_POST
def timeline_consent_view(request: HttpRequest, case_id: int) -> HttpResponse:
    """The client's decision for the facts ticked on the timeline, recorded in one go."""
    case = case_for_request(request, case_id)
    ids = {number for number in map(id_from, request.POST.getlist("event")) if number}
    consent = request.POST.get("consent", "")
    events = list(case.timeline_events.filter(pk__in=ids))
    if not events:
        messages.error(request, "Tick the facts to record the client's decision for, then choose it.")
    elif consent not in Consent.values:
        messages.error(request, "Choose the client's decision: approved, withheld or not yet discussed.")
    else:
        changed = events_set_consent(events=events, consent=consent, actor=Actor.from_request(request))
        label = Consent(consent).label.lower()
        unchanged = len(events) - changed
        if not changed:
            messages.info(request, f"Nothing to change: the {unchanged} selected fact{'s were' if unchanged != 1 else ' was'} "
                                   f"already “{label}”.")
        else:
            messages.success(request, f"Recorded “{label}” for {changed} fact{'s' if changed != 1 else ''}"
                                      + (f" ({unchanged} already {label})." if unchanged else "."))
    return _back(request, case)


@login_required
@require_POST
def event_conflict_view(request: HttpRequest, case_id: int, event_id: int) -> HttpResponse:
    case = case_for_request(request, case_id)
    event = get_object_or_404(case.timeline_events, pk=event_id)
    other_id = request.POST.get("other", "")
    other = timeline_event_get(case=case, event_id=id_from(other_id)) if id_from(other_id) else None
    if other is None:
        messages.error(request, "Choose another event of this case.")
        return _back(request, case, event)
    try:
        event_mark_conflict(event=event, other=other, actor=Actor.from_request(request), conflicting=request.POST.get("remove") != "1")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back(request, case, event)


@login_required
@require_GET
def coverage_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_for_request(request, case_id)
    return render(request, "narratives/coverage.html", {"case": case, "domains": domain_coverage(case=case)})


@login_required
@require_POST
def domain_status_view(request: HttpRequest, case_id: int, category: str) -> HttpResponse:
    case = case_for_request(request, case_id)
    if category not in LIFE_EVENT_CATEGORIES:
        messages.error(request, "Unknown domain.")
    else:
        domain_set_not_applicable(
            case=case, category=category, not_applicable=request.POST.get("not_applicable") == "1",
            reason=request.POST.get("reason", ""), decided_by=request.user,
        )
    return redirect("narratives:coverage", case_id=case.pk)


# ---- correcting an accepted fact --------------------------------------------------------------------------------


def _event_for(case: Case, event_id: int) -> TimelineEvent:
    return get_object_or_404(case.timeline_events.prefetch_related("sources__document", "candidates"), pk=event_id)


def _edits_initial(event: TimelineEvent) -> dict:
    return {name: getattr(event, name) for name in EVENT_FIELDS}


@login_required
@require_http_methods(["GET", "POST"])
def event_edit_view(request: HttpRequest, case_id: int, event_id: int) -> HttpResponse:
    """Correct an accepted fact, send it back to the queue or remove it; below, what it said before."""
    case = case_for_request(request, case_id)
    event = _event_for(case, event_id)
    # Only reviewers see the form; the services check again whatever sends it.
    case_require(case=case, user=request.user, action=CaseAction.REVIEW,
                 within_limit=event.kind == SERVICE_ENGAGEMENT)
    form = EventEditForm(request.POST or None, initial=_edits_initial(event), client_dob=case.client_dob)
    if request.method == "POST" and form.is_valid():
        try:
            event_update(event=event, edits=form.edits(), actor=Actor.from_request(request),
                         reason=request.POST.get("reason", ""))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Fact corrected; what it said before is in its history.")
            return redirect(reverse("narratives:timeline_event", kwargs={"case_id": case.pk, "event_id": event.pk}))
    return render(
        request,
        "narratives/event_edit.html",
        {"case": case, "event": event, "form": form, "revisions": event.revisions.select_related("changed_by"),
         "when": when(event), "category_labels": dict(CATEGORY_CHOICES),
         # the engagements app keeps such a fact in step with its engagement (a reverse name, not an import)
         "kept_by_engagement": hasattr(event, "engagement")},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def event_withdraw_view(request: HttpRequest, case_id: int, event_id: int, how: str) -> HttpResponse:
    """Send a fact back to the review queue (how="unaccept") or remove it (how="remove")."""
    case = case_for_request(request, case_id)
    event = _event_for(case, event_id)
    if how not in {"unaccept", "remove"}:
        raise Http404("No such correction.")
    summary = event.summary[:60]
    try:
        if how == "unaccept":
            proposals = event_unaccept(event=event, actor=Actor.from_request(request), reason=request.POST.get("reason", ""))
            messages.success(request, f"“{summary}” is back in the review queue ({len(proposals)} proposal"
                                      f"{'s' if len(proposals) != 1 else ''} to decide again).")
        else:
            event_remove(event=event, actor=Actor.from_request(request), reason=request.POST.get("reason", ""))
            messages.success(request, f"“{summary}” was removed from the timeline; its history keeps what it said.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("narratives:event_edit", case_id=case.pk, event_id=event.pk)
    return redirect("narratives:event_changes", case_id=case.pk)


@login_required
@require_GET
def event_changes_view(request: HttpRequest, case_id: int) -> HttpResponse:
    """Every correction of the case's facts, newest first, removed facts included."""
    case = case_for_request(request, case_id)
    revisions = Paginator(event_revision_list(case=case), 50).get_page(request.GET.get("page"))
    return render(request, "narratives/event_changes.html",
                  {"case": case, "revisions": revisions, "category_labels": dict(CATEGORY_CHOICES)})
