from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from cases.models import Case, CaseMembership


class CaseForm(forms.ModelForm):
    creator_role = forms.ChoiceField(
        label="Your role on this case", choices=CaseMembership.Role.choices, initial=CaseMembership.Role.ATTORNEY
    )

    class Meta:
        model = Case
        fields = [
            "client_name",
            "client_dob",
            "docket_number",
            "court_system",
            "court",
            "jurisdiction",
            "privacy_rule",
            "prosecuting_office",
            "charges",
            "stage",
            "client_goals",
        ]
        widgets = {
            "client_dob": forms.DateInput(attrs={"type": "date"}),
            "charges": forms.Textarea(attrs={"rows": 2}),
            "client_goals": forms.Textarea(attrs={"rows": 4}),
        }

    def clean_client_dob(self) -> datetime.date | None:
        dob = self.cleaned_data["client_dob"]
        if dob and dob > timezone.localdate():
            raise forms.ValidationError("The date of birth is in the future.")
        if dob and dob.year < 1900:
            raise forms.ValidationError("Check the year of birth.")
        return dob
