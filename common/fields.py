"""Form fields every app's forms share."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from common.dates import normalize_partial_date

PARTIAL_DATE_HELP = "MM/DD/YYYY or YYYY-MM-DD; MM/YYYY or YYYY if that is all that is known."


class PartialDateField(forms.CharField):
    """A date that may be only a month or a year, typed the American way (06/11/2024) or the ISO way
    (2024-06-11); cleaned to the ISO form the life history keeps."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("help_text", PARTIAL_DATE_HELP)
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "MM/DD/YYYY", "inputmode": "numeric"}))
        super().__init__(*args, **kwargs)

    def to_python(self, value) -> str:
        text = super().to_python(value)
        normalized = normalize_partial_date(text)
        if normalized is None:
            raise ValidationError(
                f"“{text}” is not a date we can read. Write it as MM/DD/YYYY or YYYY-MM-DD (for example 06/11/2024 "
                "or 2024-06-11), or MM/YYYY or YYYY if that is all that is known.",
                code="invalid_partial_date",
            )
        return normalized
