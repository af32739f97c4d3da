from __future__ import annotations

from django import forms

from cases.models import Case
from cases.services import COURT_FIELDS
from exports.models import CaseExportSettings


class ExportSettingsForm(forms.ModelForm):
    class Meta:
        model = CaseExportSettings
        exclude = ["case"]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "signature_date": forms.DateInput(attrs={"type": "date"}),
            "minors": forms.Textarea(attrs={"rows": 2}),
        }


class CourtForm(forms.Form):
    """The case's court and prosecuting office: what the caption, privacy label and certificate of service follow.

    A plain form (the case's own field definitions), so a rejected submission never changes the case in memory;
    `cases.services.case_court_set` saves it."""

    def __init__(self, *args, case: Case, **kwargs) -> None:
        super().__init__(*args, initial={name: getattr(case, name) for name in COURT_FIELDS}, **kwargs)
        self.fields.update(forms.fields_for_model(Case, fields=COURT_FIELDS))


class ExportRequestForm(forms.Form):
    sealed = forms.BooleanField(
        required=False, label="For filing under seal (no redaction; labelled “FILED UNDER SEAL”)"
    )
    all_records = forms.BooleanField(required=False, label="Put every record of the case in the packet, not only the cited ones")
