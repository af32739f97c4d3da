"""The review queue: a person accepts, edits, merges or rejects every proposal before it reaches the timeline; and
events added by hand from a record page."""

from __future__ import annotations

from dataclasses import asdict, replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from audit.services import Actor
from common.ids import id_from
from cases.access import case_for_request
from cases.models import Case
from evidence.selectors import page_get, page_texts
from extraction.models import EventCandidate
from extraction.confidence import LEVELS, minimum_for
from extraction.selectors import (
    candidate_confidence_counts,
    candidate_counts,
    candidate_get,
    candidate_queue,
    candidates_rejected,
)
from narratives.forms import EventEditForm
from narratives.selectors import (
    client_naming_for,
    statement_proposals,
    timeline_event_get,
    timeline_list,
)
from narratives.timeline import when
from narratives.services import (
    ReviewConflict,
    candidate_accept,
    candidate_merge,
    candidate_reject,
    candidate_unreject,
    edits_from_candidate,
    event_create_from_page,
)

QUEUE_PAGE_SIZE = 40
REJECTED_SHOWN = 200
CONTEXT_CHARS = 220


def _candidate_for(request: HttpRequest, case: Case, candidate_id: int) -> EventCandidate:
    candidate = candidate_get(case=case, candidate_id=candidate_id)
    if candidate is None:
        raise Http404("No such proposal in this case.")
    return candidate


def _back_to_queue(request: HttpRequest, case: Case) -> HttpResponse:
    """Back to where the reviewer was: same grouping and screen, the next proposal selected."""
    query = {key: request.POST[key] for key in ("group", "page", "order") if request.POST.get(key)}
    url = reverse("narratives:review_queue", kwargs={"case_id": case.pk})
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items() if value.isalnum())
    if id_from(request.POST.get("next")):
        url += f"#candidate-{request.POST['next']}"
    return redirect(url)


def _with_context(candidates: list[EventCandidate], *, case: Case) -> list[dict]:
    """Each proposal with the page text around its span and the statement it would be accepted with, the page
    texts fetched in one query for the whole screen."""
    pages = page_texts(pages={(c.document_id, c.page) for c in candidates})
    statements = statement_proposals(candidates=candidates, naming=client_naming_for(case=case), texts=pages)
    items = []
    for candidate in candidates:
        text = pages.get((candidate.document_id, candidate.page), "")
        start, end = candidate.page_start, candidate.page_end
        left = max(0, start - CONTEXT_CHARS)
        right = min(len(text), end + CONTEXT_CHARS)
        items.append(
            {
                "candidate": candidate,
                "before": ("…" if left else "") + text[left:start],
                "span": text[start:end],
                "after": text[end:right] + ("…" if right < len(text) else ""),
                "statement": statements.get(candidate.pk, ""),
            }
        )
    return items


@login_required
@require_http_methods(["GET"])
def review_queue_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_for_request(request, case_id)
    group = "category" if request.GET.get("group") == "category" else "record"
    order = "confidence" if request.GET.get("order") == "confidence" else "position"
    # how low to look is the reviewer's choice and stays theirs while they work through the queue
    show = request.GET.get("show") or request.session.get("review_show", "possible")
    if show not in LEVELS:
        show = "possible"
    request.session["review_show"] = show
    queue = candidate_queue(case=case, group=group, min_confidence=minimum_for(show), order=order)
    paginator = Paginator(queue, QUEUE_PAGE_SIZE)
    screen = paginator.get_page(request.GET.get("page"))
    items = _with_context(list(screen.object_list), case=case)
    for index, item in enumerate(items):
        following = items[index + 1] if index + 1 < len(items) else (items[index - 1] if index else None)
        item["next_id"] = following["candidate"].pk if following else ""
    rejected = candidates_rejected(case=case) if request.GET.get("status") == "rejected" else None
    return render(
        request,
        "narratives/review_queue.html",
        {
            "case": case,
            "rejected": rejected[:REJECTED_SHOWN] if rejected is not None else None,
            "merge_targets": [(event, when(event)) for event in timeline_list(case=case)],
            "group": group,
            "screen": screen,
            "items": items,
            "counts": candidate_counts(case=case),
            "show": show,
            "order": order,
            "by_confidence": candidate_confidence_counts(
                case=case, likely=minimum_for("likely"), possible=minimum_for("possible")
            ),
        },
    )


@login_required
@require_POST
def candidate_accept_view(request: HttpRequest, case_id: int, candidate_id: int) -> HttpResponse:
    case = case_for_request(request, case_id)
    candidate = _candidate_for(request, case, candidate_id)
    try:
        candidate_accept(candidate=candidate, actor=Actor.from_request(request), statement=request.POST.get("statement"))
    except ReviewConflict as conflict:
        messages.warning(request, str(conflict))
    else:
        messages.success(request, f"Accepted: {candidate.get_category_display()}, {candidate.document} p. {candidate.page}.")
    return _back_to_queue(request, case)


@login_required
@require_POST
def candidate_reject_view(request: HttpRequest, case_id: int, candidate_id: int) -> HttpResponse:
    case = case_for_request(request, case_id)
    candidate = _candidate_for(request, case, candidate_id)
    try:
        candidate_reject(candidate=candidate, actor=Actor.from_request(request))
    except ReviewConflict as conflict:
        messages.warning(request, str(conflict))
    else:
        messages.info(request, f"Rejected: {candidate.get_category_display()}, {candidate.document} p. {candidate.page}.")
    return _back_to_queue(request, case)


@login_required
@require_POST
def candidate_merge_view(request: HttpRequest, case_id: int, candidate_id: int) -> HttpResponse:
    case = case_for_request(request, case_id)
    candidate = _candidate_for(request, case, candidate_id)
    event_id = request.POST.get("event", "")
    into = timeline_event_get(case=case, event_id=id_from(event_id)) if id_from(event_id) else None
    if into is None:
        messages.error(request, "Choose the fact to merge the proposal into: search this case's facts by words, date "
                                "or number, and pick one from the list.")
        return _back_to_queue(request, case)
    try:
        candidate_merge(candidate=candidate, into=into, actor=Actor.from_request(request))
    except ReviewConflict as conflict:
        messages.warning(request, str(conflict))
    else:
        messages.success(request, f"Merged into “{into.summary[:60]}”: it now cites {into.sources.count()} sources.")
    return _back_to_queue(request, case)


@login_required
@require_POST
def candidate_bulk_view(request: HttpRequest, case_id: int) -> HttpResponse:
    """Accept or reject the ticked proposals in one go; each is decided (and audited) as if one by one, and one
    that cannot be (decided meanwhile by someone else, or not the reviewer's to decide) does not stop the others."""
    case = case_for_request(request, case_id)
    decision = request.POST.get("decision")
    ids = {number for number in map(id_from, request.POST.getlist("candidate")) if number}
    chosen = [c for c in (candidate_get(case=case, candidate_id=i) for i in sorted(ids)) if c is not None]
    if decision not in {"accept", "reject"} or not chosen:
        messages.error(request, "Tick the proposals to decide, then choose Accept or Reject.")
        return _back_to_queue(request, case)
    actor = Actor.from_request(request)
    decide = candidate_accept if decision == "accept" else candidate_reject
    done = taken = refused = 0
    for candidate in chosen:
        try:
            decide(candidate=candidate, actor=actor)
        except ReviewConflict:
            taken += 1
        except PermissionDenied:
            refused += 1
        else:
            done += 1
    verb = "Accepted" if decision == "accept" else "Rejected"
    notes = ([f"{taken} had already been decided by someone else"] if taken else []) + (
        [f"{refused} {'are' if refused != 1 else 'is'} not yours to decide"] if refused else [])
    (messages.success if done else messages.warning)(
        request, f"{verb} {done} proposal{'s' if done != 1 else ''}" + (f"; {', '.join(notes)}." if notes else "."))
    return _back_to_queue(request, case)


@login_required
@require_POST
def candidate_unreject_view(request: HttpRequest, case_id: int, candidate_id: int) -> HttpResponse:
    case = case_for_request(request, case_id)
    candidate = _candidate_for(request, case, candidate_id)
    try:
        candidate_unreject(candidate=candidate, actor=Actor.from_request(request))
    except ReviewConflict as conflict:
        messages.warning(request, str(conflict))
    else:
        messages.success(request, f"Back in the queue: {candidate.get_category_display()}, {candidate.document} "
                                  f"p. {candidate.page}.")
    return redirect(reverse("narratives:review_queue", kwargs={"case_id": case.pk}) + "?status=rejected")


@login_required
@require_http_methods(["GET", "POST"])
def candidate_edit_view(request: HttpRequest, case_id: int, candidate_id: int) -> HttpResponse:
    case = case_for_request(request, case_id)
    candidate = _candidate_for(request, case, candidate_id)
    context = _with_context([candidate], case=case)[0]
    initial = replace(edits_from_candidate(candidate), statement=context["statement"])
    form = EventEditForm(request.POST or None, initial=asdict(initial), client_dob=case.client_dob)
    if request.method == "POST" and form.is_valid():
        try:
            candidate_accept(candidate=candidate, actor=Actor.from_request(request), edits=form.edits())
        except ReviewConflict as conflict:
            messages.warning(request, str(conflict))
        else:
            messages.success(request, "Accepted with your edits.")
        return _back_to_queue(request, case)
    return render(
        request,
        "narratives/candidate_edit.html",
        {"case": case, "item": context, "form": form, "group": request.GET.get("group", ""), "next": request.GET.get("next", "")},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_add_from_page_view(request: HttpRequest, case_id: int, document_id: int, number: int) -> HttpResponse:
    case = case_for_request(request, case_id)
    page = page_get(case=case, document_id=document_id, number=number)
    if page is None:
        raise Http404("No such page in this case.")
    source = request.POST if request.method == "POST" else request.GET
    try:
        start, end = int(source.get("start", "")), int(source.get("end", ""))
    except ValueError:
        start = end = -1
    if not 0 <= start < end <= len(page.text):
        messages.error(request, "Select the words of the event on the page first, then choose “Add as event”.")
        return redirect("evidence:document_page", case_id=case.pk, document_id=document_id, number=number)
    quote = page.text[start:end]
    form = EventEditForm(
        request.POST if request.method == "POST" else None,
        initial={"summary": " ".join(quote.split()), "subject": "client"},
        client_dob=case.client_dob,
    )
    if request.method == "POST" and form.is_valid():
        event_create_from_page(page=page, start=start, end=end, edits=form.edits(), actor=Actor.from_request(request))
        messages.success(request, f"Event added, citing {page.document} p. {page.number}.")
        return redirect(
            reverse("evidence:document_page", kwargs={"case_id": case.pk, "document_id": document_id, "number": number})
            + f"?start={start}&end={end}"
        )
    return render(
        request,
        "narratives/event_add.html",
        {"case": case, "page": page, "document": page.document, "quote": quote, "start": start, "end": end, "form": form},
        status=400 if form.errors else 200,
    )
