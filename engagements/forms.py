from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from common.fields import PARTIAL_DATE_HELP, PartialDateField
from engagements.attendance_csv import MAX_BYTES
from engagements.models import ClientPreference, CollateralFlag, Engagement, EngagementEvidence, EngagementLogEntry
from engagements.services import EngagementDetails
from extraction.pipeline.taxonomy import SERVICE_TYPE_CHOICES, STATUS_CHOICES

DATE_HELP = PARTIAL_DATE_HELP


class EngagementForm(forms.Form):
    """The engagement's details (its status is set once here, then changed by dated status changes)."""

    service_type = forms.ChoiceField(choices=[("", "Choose…"), *SERVICE_TYPE_CHOICES])
    program = forms.CharField(
        label="Programme, in plain words", max_length=200, required=False,
        help_text="As you would say it to a judge: “intensive outpatient treatment”, “GED preparation classes”.",
    )
    provider_name = forms.CharField(label="Provider", max_length=200)
    provider_contact = forms.CharField(label="Provider contact", max_length=300, required=False,
                                       help_text="Person, phone, email.")
    provider_client_id = forms.CharField(label="Provider's id for the client", max_length=60, required=False,
                                         help_text="A student or chart number; attendance files are checked against it.")
    referred_by = forms.CharField(label="Who referred", max_length=200, required=False)
    referral_date = PartialDateField(label="Referral date", help_text=DATE_HELP)
    start_date = PartialDateField(label="Start date", help_text=DATE_HELP)
    end_date = PartialDateField(label="End date (planned or actual)", help_text=DATE_HELP)
    goals = forms.CharField(label="Goals of the programme", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    client_goal = forms.TypedChoiceField(label="Client's goal it serves", required=False, coerce=int, empty_value=None)
    next_step = forms.CharField(label="Next step, in plain words", max_length=300, required=False,
                                help_text="For the client summary: “Take the Language Arts test”.")
    next_step_due = forms.DateField(label="Next step by", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client_goal"].choices = [("", "None")] + [(g.pk, f"{g.priority}. {g.text}") for g in goals]

    def details(self) -> EngagementDetails:
        data = self.cleaned_data
        return EngagementDetails(
            service_type=data["service_type"],
            provider_name=data["provider_name"],
            program=data["program"],
            provider_contact=data["provider_contact"],
            provider_client_id=data["provider_client_id"],
            referral_date=data["referral_date"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            referred_by=data["referred_by"],
            goals=data["goals"],
            client_goal_id=data["client_goal"],
            next_step=data["next_step"],
            next_step_due=data["next_step_due"],
        )

    @staticmethod
    def initial_from(engagement: Engagement) -> dict:
        return {
            "service_type": engagement.service_type,
            "program": engagement.program,
            "provider_name": engagement.provider_name,
            "provider_contact": engagement.provider_contact,
            "provider_client_id": engagement.provider_client_id,
            "referred_by": engagement.referred_by,
            "referral_date": engagement.referral_date,
            "start_date": engagement.start_date,
            "end_date": engagement.end_date,
            "goals": engagement.goals,
            "client_goal": engagement.client_goal_id,
            "next_step": engagement.next_step,
            "next_step_due": engagement.next_step_due,
        }


class EngagementCreateForm(EngagementForm):
    status = forms.ChoiceField(choices=[("", "Choose…"), *STATUS_CHOICES])
    status_date = PartialDateField(
        label="Status since", help_text="Empty: the referral, start or end date that goes with the status."
    )
    reason = forms.CharField(label="Reason (if discontinued)", required=False, max_length=1000)

    field_order = ["service_type", "program", "provider_name", "provider_contact", "status", "status_date", "reason"]


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(choices=STATUS_CHOICES)
    date = PartialDateField(label="On", required=True, help_text=DATE_HELP)
    reason = forms.CharField(label="Reason (required when discontinued)", required=False, max_length=1000)

    def clean(self):
        data = super().clean()
        if data.get("status") == "discontinued" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Say why the engagement was discontinued.")
        return data


class LogEntryForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label="What happened", choices=EngagementLogEntry.Kind.choices,
                             widget=forms.RadioSelect, initial=EngagementLogEntry.Kind.ATTENDED)
    note = forms.CharField(max_length=500, required=False)

    def clean_date(self) -> datetime.date:
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError("The date is in the future; log what has happened.")
        return date


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label="What it is", choices=EngagementEvidence.Kind.choices)
    file = forms.FileField(label="Upload a file", required=False,
                           help_text="PDF, Word, text or an image; checked and read like any record.")
    document = forms.TypedChoiceField(label="…or a record already in the case", required=False, coerce=int,
                                      empty_value=None)
    page_number = forms.IntegerField(label="Page to cite", min_value=1, initial=1)

    def __init__(self, *args, documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].choices = [("", "—")] + [(d.pk, d.original_name) for d in documents]

    def clean(self):
        data = super().clean()
        if bool(data.get("file")) == bool(data.get("document")):
            raise forms.ValidationError("Choose a file to upload, or a record already in the case (one of the two).")
        return data


class AttendanceImportForm(forms.Form):
    NEW = "new"

    file = forms.FileField(label="Attendance file (CSV)",
                           help_text="Columns: date, status (attended / missed / excused), and optionally note, client_id.")
    engagement = forms.ChoiceField(label="Into")
    service_type = forms.ChoiceField(choices=[("", "Choose…"), *SERVICE_TYPE_CHOICES], required=False,
                                     label="Service type (new engagement)")
    provider_name = forms.CharField(label="Provider (new engagement)", max_length=200, required=False)
    program = forms.CharField(label="Programme (new engagement)", max_length=200, required=False)

    def __init__(self, *args, engagements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["engagement"].choices = [(str(e.pk), str(e) + (f" — {e.program}" if e.program else ""))
                                             for e in engagements] + [(self.NEW, "A new engagement, made from this file")]

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > MAX_BYTES:
            raise forms.ValidationError(f"The file is {file.size / 1_000_000:.1f} MB; an attendance export is at most "
                                        f"{MAX_BYTES / 1_000_000:.0f} MB. Check that this is the right file.")
        return file

    def clean(self):
        data = super().clean()
        if data.get("engagement") == self.NEW:
            if not data.get("service_type"):
                self.add_error("service_type", "Choose the service type of the new engagement.")
            if not (data.get("provider_name") or "").strip():
                self.add_error("provider_name", "Name the provider of the new engagement.")
        return data

    def new_engagement(self) -> EngagementDetails | None:
        data = self.cleaned_data
        if data["engagement"] != self.NEW:
            return None
        return EngagementDetails(service_type=data["service_type"], provider_name=data["provider_name"],
                                 program=data["program"])


class GoalForm(forms.Form):
    text = forms.CharField(label="A goal, in the client's words", max_length=300)


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = ClientPreference
        fields = ["name_in_court", "pronoun"]


class CollateralFlagForm(forms.Form):
    concern = forms.ChoiceField(choices=CollateralFlag.Concern.choices)
    status = forms.ChoiceField(choices=CollateralFlag.Status.choices)
    note = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    referral = forms.TypedChoiceField(label="Referral (civil legal services)", required=False, coerce=int,
                                      empty_value=None)
    new_referral_provider = forms.CharField(label="…or refer now to", max_length=200, required=False,
                                            help_text="A legal aid office or clinic; makes a referred engagement today.")
    share_in_narrative = forms.BooleanField(
        label="The client agreed this may be mentioned in the narrative", required=False
    )

    def __init__(self, *args, referrals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referral"].choices = [("", "—")] + [(e.pk, str(e) + (f" — {e.program}" if e.program else ""))
                                                         for e in referrals]
