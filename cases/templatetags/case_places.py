"""`{% case_place "case_header" %}`: the panels of a place, drawn from a template that has `case` and `request`.

For places on templates shared by many views (the case header), where no view could pass the rendered panels."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from cases.panels import panels_render

register = template.Library()


@register.simple_tag(takes_context=True)
def case_place(context: template.Context, place: str) -> SafeString:
    request, case = context.get("request"), context.get("case")
    if request is None or case is None:
        return mark_safe("")
    return mark_safe("".join(panels_render(place=place, request=request, case=case)))  # each panel is escaped by its template
