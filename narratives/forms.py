from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from extraction.pipeline.taxonomy import CATEGORY_CHOICES, KIND_CHOICES
from narratives.models import Case, CaseMembership, Consent
from narratives.selectors import TimelineFilters


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
            "court",
            "jurisdiction",
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


class TimelineFilterForm(forms.Form):
    """The timeline's filters; they live in the URL, so a filtered view can be shared and bookmarked."""

    category = forms.MultipleChoiceField(choices=CATEGORY_CHOICES, required=False, widget=forms.CheckboxSelectMultiple)
    kind = forms.ChoiceField(choices=[("", "Any kind"), *KIND_CHOICES], required=False)
    year_from = forms.IntegerField(required=False, min_value=1900, max_value=2100, label="From year")
    year_to = forms.IntegerField(required=False, min_value=1900, max_value=2100, label="To year")
    record = forms.TypedChoiceField(choices=[], required=False, coerce=int, empty_value=None)
    subject = forms.ChoiceField(choices=[], required=False)
    key = forms.BooleanField(required=False, label="Key facts only")
    consent = forms.ChoiceField(choices=[("", "Any consent"), *Consent.choices], required=False)
    q = forms.CharField(required=False, max_length=200, label="Search")

    def __init__(self, *args, documents=(), subjects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["record"].choices = [("", "Any record"), *((d.pk, d.original_name) for d in documents)]
        self.fields["subject"].choices = [("", "Anyone"), *((s, s) for s in subjects)]

    def filters(self) -> TimelineFilters:
        if not self.is_valid():
            return TimelineFilters()
        data = self.cleaned_data
        return TimelineFilters(
            categories=tuple(data["category"]),
            kind=data["kind"],
            year_from=data["year_from"],
            year_to=data["year_to"],
            document_id=data["record"],
            subject=data["subject"],
            key_facts_only=data["key"],
            consent=data["consent"],
            text=data["q"].strip(),
        )


class NarrativeForm(forms.Form):
    title = forms.CharField(max_length=200, initial="Sentencing memorandum — mitigation")
