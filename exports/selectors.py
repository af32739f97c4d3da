"""Reads of the exports app for other apps' pages."""

from __future__ import annotations

from django.utils import timezone

from exports.models import Export


def export_audit_names(*, object_type: str, ids: list[str]) -> dict[str, str]:
    """The audit log's names for exports still in the app (registered with cases.hooks.audit_object_names)."""
    if object_type != "exports.export":
        return {}
    numbers = [int(i) for i in ids if i.isascii() and i.isdigit()]
    return {str(export.pk): f"{export.purpose} export of “{export.narrative.title}”, "
                            f"{timezone.localtime(export.created_at):%m/%d/%Y %H:%M}"
            for export in Export.objects.filter(pk__in=numbers).select_related("narrative")}
