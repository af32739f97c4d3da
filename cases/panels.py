"""The case's pages are shells: this app draws the case, its client and its team, and every other app adds its own
panel, registered with `panel_register` in its AppConfig.ready(). So a page shows the work of apps it never imports.

A place is a spot on a page that panels go into; a panel is a template and the function that gives it its context.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from cases.models import Case

# The places of the case's pages, and what each panel's context function is given besides request and case.
CASE_HEADER = "case_header"  # every case page's header, beside the breadcrumbs (drawn by {% case_place %})
CASE_TOOLS = "case_tools"  # the case page's work bar (buttons)
CASE_PANELS = "case_panels"  # the case page's cards below the client and the team
RECORD_STATUS = "record_status"  # a record's page, under its reading status; given document
RECORD_PANELS = "record_panels"  # a record's page, cards between its status and its pages; given document
RECORD_PAGE_TOOLS = "record_page_tools"  # a record page's tools above its text; given document and page
NARRATIVE_TOOLS = "narrative_tools"  # a narrative's editor, its tool bar (buttons); given narrative
PLACES = (CASE_HEADER, CASE_TOOLS, CASE_PANELS, RECORD_STATUS, RECORD_PANELS, RECORD_PAGE_TOOLS, NARRATIVE_TOOLS)


@dataclass(frozen=True, slots=True)
class Panel:
    name: str  # unique within its place: registering the name again replaces the panel
    template: str
    context: Callable[..., dict]  # context(request=..., case=..., **given) -> the template's context
    order: int


_panels: dict[str, dict[str, Panel]] = {place: {} for place in PLACES}


def panel_register(
    *, place: str, name: str, template: str, context: Callable[..., dict] | None = None, order: int = 50
) -> None:
    """Add a panel to a place of the case's pages (call from AppConfig.ready())."""
    if place not in _panels:
        raise ValueError(f"no place {place!r} on the case's pages; the places are {', '.join(PLACES)}")
    _panels[place][name] = Panel(name=name, template=template, context=context or (lambda **_: {}), order=order)


def panels_render(*, place: str, request: HttpRequest, case: Case, **given) -> list[SafeString]:
    """The place's panels in their order, each rendered from its template with the case, what the page gives and
    the panel's own context."""
    return [
        render_to_string(
            panel.template, {"case": case, **given, **panel.context(request=request, case=case, **given)}, request=request
        )
        for panel in sorted(_panels[place].values(), key=lambda panel: (panel.order, panel.name))
    ]
