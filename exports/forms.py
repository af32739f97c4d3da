from __future__ import annotations

from django import forms

from exports.models import CaseExportSettings


class ExportSettingsForm(forms.ModelForm):
    class Meta:
        model = CaseExportSettings
        exclude = ["case"]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "certificate_of_service": forms.Textarea(attrs={"rows": 3}),
            "minors": forms.Textarea(attrs={"rows": 2}),
        }


class ExportRequestForm(forms.Form):
    sealed = forms.BooleanField(
        required=False, label="For filing under seal (no redaction; labelled “FILED UNDER SEAL”)"
    )
    all_records = forms.BooleanField(required=False, label="Put every record of the case in the packet, not only the cited ones")
