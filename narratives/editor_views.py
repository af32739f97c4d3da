"""Narratives: the list, the section editor (CKEditor), drafting, versions and the concurrent-edit guard."""

from __future__ import annotations

import difflib
import json
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.services import Actor
from cases.access import case_for_request
from cases.roles import CaseAction, standing_of
from cases.panels import NARRATIVE_TOOLS, panels_render
from extraction.pipeline.taxonomy import CATEGORY_CHOICES
from narratives.forms import NarrativeForm
from narratives.models import Narrative, NarrativeSection
from narratives.selectors import narrative_get, section_warnings, timeline_list
from narratives.services import (
    section_is_current_services,
    EditConflict,
    narrative_assemble_draft,
    narrative_create,
    section_add,
    section_assemble_draft,
    section_move,
    section_remove,
    section_rename,
    section_restore,
    section_save,
)
from narratives.timeline import when

MAX_SECTION_BYTES = 500_000


def _narrative_for(request: HttpRequest, case_id: int, narrative_id: int) -> Narrative:
    narrative = narrative_get(case=case_for_request(request, case_id), narrative_id=narrative_id)
    if narrative is None:
        raise Http404("No such narrative in this case.")
    return narrative


def _section_for(request: HttpRequest, case_id: int, narrative_id: int, section_id: int) -> NarrativeSection:
    narrative = _narrative_for(request, case_id, narrative_id)
    return get_object_or_404(narrative.sections.select_related("narrative__case"), pk=section_id)


@login_required
@require_http_methods(["GET", "POST"])
def narrative_list_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_for_request(request, case_id)
    form = NarrativeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        narrative = narrative_create(case=case, title=form.cleaned_data["title"], created_by=request.user)
        messages.success(request, f"“{narrative.title}” started from the mitigation template.")
        return redirect("narratives:narrative_editor", case_id=case.pk, narrative_id=narrative.pk)
    return render(
        request, "narratives/narrative_list.html",
        {"case": case, "narratives": case.narratives.prefetch_related("sections"), "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def narrative_editor_view(request: HttpRequest, case_id: int, narrative_id: int) -> HttpResponse:
    narrative = _narrative_for(request, case_id, narrative_id)
    case = narrative.case
    sections = list(narrative.sections.select_related("updated_by"))
    standing = standing_of(case=case, user=request.user)
    for section in sections:
        section.warnings = section_warnings(case=case, body=section.body)
        # The service decides; the page only shows each person the sections they may write in.
        section.editable = standing.allows(CaseAction.EDIT_NARRATIVE, within_limit=section_is_current_services(section))
    events = list(timeline_list(case=case))
    for event in events:
        event.when = when(event)
    return render(
        request,
        "narratives/narrative_editor.html",
        {
            "case": case,
            "narrative": narrative,
            "sections": sections,
            "reshapes": standing.allows(CaseAction.EDIT_NARRATIVE, within_limit=False),
            "writes_some": any(section.editable for section in sections),
            "events": events,
            "category_labels": dict(CATEGORY_CHOICES),
            "categories": CATEGORY_CHOICES,
            "tools": panels_render(place=NARRATIVE_TOOLS, request=request, case=case, narrative=narrative),
        },
    )


@login_required
@require_POST
def section_save_view(request: HttpRequest, case_id: int, narrative_id: int, section_id: int) -> JsonResponse:
    """Autosave target: JSON in ({body, version}), JSON out; 409 with the other person's text on conflict."""
    section = _section_for(request, case_id, narrative_id, section_id)
    if len(request.body) > MAX_SECTION_BYTES:
        return JsonResponse({"error": "This section is too long to save in one piece; split it into two sections."}, status=413)
    try:
        payload = json.loads(request.body)
        body, version = str(payload["body"]), int(payload["version"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "The editor sent something the server could not read; reload the page."}, status=400)
    try:
        saved = section_save(section=section, body=body, expected_version=version, actor=Actor.from_request(request))
    except ValidationError as refusal:
        return JsonResponse({"error": " ".join(refusal.messages), "refused": True}, status=400)
    except EditConflict as conflict:
        other = conflict.section
        return JsonResponse(
            {
                "error": "conflict",
                "message": f"{_name(other.updated_by)} saved this section at "
                f"{timezone.localtime(other.updated_at):%H:%M}. Your text is kept below theirs; merge them, then save.",
                "their_body": other.body,
                "version": other.version,
            },
            status=409,
        )
    return JsonResponse(
        {
            "version": saved.version,
            "saved_at": timezone.localtime(saved.updated_at).strftime("%H:%M:%S"),
            "body": saved.body,
            **section_warnings(case=section.narrative.case, body=saved.body),
        }
    )


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else "Someone"


@login_required
@require_POST
def section_add_view(request: HttpRequest, case_id: int, narrative_id: int) -> HttpResponse:
    narrative = _narrative_for(request, case_id, narrative_id)
    valid = {slug for slug, _ in CATEGORY_CHOICES}
    categories = [c for c in request.POST.getlist("categories") if c in valid]
    section = section_add(narrative=narrative, title=request.POST.get("title", ""), categories=categories, added_by=request.user)
    return redirect(_editor_url(narrative, section))


@login_required
@require_POST
def section_change_view(request: HttpRequest, case_id: int, narrative_id: int, section_id: int, action: str) -> HttpResponse:
    section = _section_for(request, case_id, narrative_id, section_id)
    narrative = section.narrative
    actor = Actor.from_request(request)
    if action == "rename":
        section_rename(section=section, title=request.POST.get("title", ""), actor=actor)
    elif action == "up":
        section_move(section=section, offset=-1, actor=actor)
    elif action == "down":
        section_move(section=section, offset=1, actor=actor)
    elif action == "remove":
        section_remove(section=section, actor=actor)
        messages.success(request, f"Section “{section.title}” removed.")
        return redirect("narratives:narrative_editor", case_id=case_id, narrative_id=narrative.pk)
    elif action == "assemble":
        posted = request.POST.get("version", "")
        if posted.isascii() and posted.isdigit() and int(posted) != section.version:
            messages.error(request, "Someone saved this section since you loaded it; nothing was replaced. Review it first.")
        else:
            section = section_assemble_draft(section=section, actor=actor)
            messages.success(request, f"Draft of “{section.title}” assembled from the timeline; the earlier text is in its history.")
    else:
        return HttpResponse(status=404)
    return redirect(_editor_url(narrative, section))


@login_required
@require_POST
def narrative_assemble_view(request: HttpRequest, case_id: int, narrative_id: int) -> HttpResponse:
    narrative = _narrative_for(request, case_id, narrative_id)
    drafted = narrative_assemble_draft(narrative=narrative, actor=Actor.from_request(request))
    messages.success(request, f"Drafts assembled for {drafted} sections; earlier text is kept in each section's history.")
    return redirect("narratives:narrative_editor", case_id=case_id, narrative_id=narrative.pk)


def _editor_url(narrative: Narrative, section: NarrativeSection) -> str:
    return reverse(
        "narratives:narrative_editor", kwargs={"case_id": narrative.case_id, "narrative_id": narrative.pk}
    ) + f"#section-{section.pk}"


def _plain_lines(html: str) -> list[str]:
    text = re.sub(r"</(p|li|h[2-4]|blockquote)>", "\n", html or "")
    return [line.strip() for line in strip_tags(text).splitlines() if line.strip()]


@login_required
@require_GET
def section_history_view(request: HttpRequest, case_id: int, narrative_id: int, section_id: int) -> HttpResponse:
    section = _section_for(request, case_id, narrative_id, section_id)
    versions = list(section.versions.select_related("saved_by"))
    numbers = {v.number: v for v in versions}
    try:
        a, b = int(request.GET.get("a", 0)), int(request.GET.get("b", 0))
    except ValueError:
        a = b = 0
    diff = None
    if a in numbers and b in numbers:
        diff = list(difflib.ndiff(_plain_lines(numbers[a].body), _plain_lines(numbers[b].body)))
        diff = [(line[:1], line[2:]) for line in diff if not line.startswith("?")]
    return render(
        request, "narratives/section_history.html",
        {"case": section.narrative.case, "narrative": section.narrative, "section": section, "versions": versions,
         "diff": diff, "a": a, "b": b},
    )


@login_required
@require_POST
def section_restore_view(request: HttpRequest, case_id: int, narrative_id: int, section_id: int, number: int) -> HttpResponse:
    section = _section_for(request, case_id, narrative_id, section_id)
    get_object_or_404(section.versions, number=number)
    section = section_restore(section=section, number=number, actor=Actor.from_request(request))
    messages.success(request, f"Version {number} restored as a new version; nothing was deleted.")
    return redirect(_editor_url(section.narrative, section))
