from __future__ import annotations

from django import forms
from django.utils import timezone

from extraction.pipeline.taxonomy import LIFE_EVENT_CHOICES, SERVICE_TYPE_CHOICES, STATUS_CHOICES
from narratives.dates import parse_partial_date, validate_partial_date
from narratives.services import EventEdits

CATEGORY_FIELD_CHOICES = [
    ("Life events", LIFE_EVENT_CHOICES),
    ("Service engagements", SERVICE_TYPE_CHOICES),
]


class EventEditForm(forms.Form):
    """The facts of one event as a reviewer states them; shared by review edits and hand-added events."""

    category = forms.ChoiceField(choices=CATEGORY_FIELD_CHOICES)
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    date = forms.CharField(
        required=False, max_length=10, validators=[validate_partial_date],
        help_text="YYYY, YYYY-MM or YYYY-MM-DD; leave empty when the record gives no date.",
    )
    date_end = forms.CharField(required=False, max_length=10, validators=[validate_partial_date], label="Until")
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
            date=data["date"],
            date_end=data["date_end"],
            subject=data["subject"],
            status=data["status"],
            provider=data["provider"],
            age=data["age"],
        )
