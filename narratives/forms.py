from __future__ import annotations

from django import forms
from django.utils import timezone

from common.dates import parse_partial_date
from common.fields import PARTIAL_DATE_HELP, PartialDateField
from extraction.pipeline.taxonomy import (
    CATEGORY_CHOICES,
    KIND_CHOICES,
    LIFE_EVENT_CHOICES,
    SERVICE_TYPE_CHOICES,
    STATUS_CHOICES,
)
from narratives.models import Consent
from narratives.selectors import TimelineFilters
from narratives.services import EventEdits


class TimelineFilterForm(forms.Form):
    """The timeline's filters; they live in the URL, so a filtered view can be shared and bookmarked."""

    category = forms.MultipleChoiceField(choices=CATEGORY_CHOICES, required=False, widget=forms.CheckboxSelectMultiple)
    kind = forms.ChoiceField(choices=[("", "Any kind"), *KIND_CHOICES], required=False)
    year_from = forms.IntegerField(required=False, min_value=1900, max_value=2100, label="From year")
    year_to = forms.IntegerField(required=False, min_value=1900, max_value=2100, label="To year")
    record = forms.TypedChoiceField(choices=[], required=False, coerce=int, empty_value=None)
    subject = forms.ChoiceField(choices=[], required=False)
    key = forms.BooleanField(required=False, label="Key facts only")
    flagged = forms.BooleanField(required=False, label="Flagged for review only")
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
            flagged_only=data["flagged"],
            consent=data["consent"],
            text=data["q"].strip(),
        )


class NarrativeForm(forms.Form):
    title = forms.CharField(max_length=200, initial="Sentencing memorandum — mitigation")


CATEGORY_FIELD_CHOICES = [
    ("Life events", LIFE_EVENT_CHOICES),
    ("Service engagements", SERVICE_TYPE_CHOICES),
]


class EventEditForm(forms.Form):
    """The facts of one event as a reviewer states them; shared by review edits and hand-added events."""

    category = forms.ChoiceField(choices=CATEGORY_FIELD_CHOICES)
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    statement = forms.CharField(
        label="Statement for the memorandum", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The fact as the memorandum says it: third person, past tense, dates in words. "
        "Leave empty to have one proposed from the record.",
    )
    date = PartialDateField(help_text=f"{PARTIAL_DATE_HELP} Leave empty when the record gives no date.")
    date_end = PartialDateField(label="Until")
    age = forms.IntegerField(required=False, min_value=0, max_value=120, help_text="If the record gives an age.")
    subject = forms.CharField(
        max_length=60, initial="client", help_text="“client”, or the family member whose fact this is."
    )
    status = forms.ChoiceField(choices=[("", "—"), *STATUS_CHOICES], required=False, help_text="Engagements only.")
    provider = forms.CharField(max_length=200, required=False, help_text="Engagements only.")

    def __init__(self, *args, client_dob=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.client_dob = client_dob

    def clean(self):
        data = super().clean()
        start = parse_partial_date(data.get("date") or "")
        end = parse_partial_date(data.get("date_end") or "")
        today = timezone.localdate()
        if start and start > today:
            self.add_error("date", "This date is in the future.")
        if end and end > today:
            self.add_error("date_end", "This date is in the future.")
        if start and end and end < start:
            self.add_error("date_end", "The end is before the start.")
        if start and self.client_dob and start.year < self.client_dob.year - 30:
            self.add_error("date", "This is decades before the client's birth; check the year.")
        return data

    def edits(self) -> EventEdits:
        data = self.cleaned_data
        return EventEdits(
            category=data["category"],
            summary=data["summary"],
            statement=data["statement"],
            date=data["date"],
            date_end=data["date_end"],
            subject=data["subject"],
            status=data["status"],
            provider=data["provider"],
            age=data["age"],
        )

