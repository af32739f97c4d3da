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


class CourtForm(forms.ModelForm):
    """The case's court and prosecuting office: what the caption, privacy label and certificate of service follow."""

    class Meta:
        model = Case
        fields = list(COURT_FIELDS)


class ExportRequestForm(forms.Form):
    draft = forms.BooleanField(
        required=False, label="Export a draft despite failing checks (every page watermarked “DRAFT”)"
    )
    sealed = forms.BooleanField(
        required=False, label="For filing under seal (no redaction; labelled “FILED UNDER SEAL”)"
    )
    all_records = forms.BooleanField(required=False, label="Put every record of the case in the packet, not only the cited ones")
