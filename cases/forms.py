from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import AuditFilters
from cases.models import Case, CaseMembership
from cases.selectors import case_list_for_user_by_docket


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        full_name = user.get_full_name()
        return f"{full_name} ({user.username})" if full_name else user.username


def _people():
    return get_user_model().objects.filter(is_active=True).order_by("last_name", "first_name", "username")


class CaseForm(forms.ModelForm):
    creator_role = forms.ChoiceField(
        label="Your role on this case", choices=CaseMembership.Role.choices, initial=CaseMembership.Role.ATTORNEY
    )
    lead = PersonChoiceField(
        label="Lead attorney", queryset=_people(), required=False, empty_label="Me (I am the attorney)",
        help_text="The lead attorney and the supervisor assemble the team. Opening the case as someone other than "
                  "its attorney? Name its attorney here.",
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

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.order_fields(["creator_role", "lead"])

    def clean_client_dob(self) -> datetime.date | None:
        dob = self.cleaned_data["client_dob"]
        if dob and dob > timezone.localdate():
            raise forms.ValidationError("The date of birth is in the future.")
        if dob and dob.year < 1900:
            raise forms.ValidationError("Check the year of birth.")
        return dob

    def clean(self) -> dict:
        data = super().clean()
        _refuse_a_copy_of_my_case(self, user=self.user)
        lead = data.get("lead")
        role = data.get("creator_role")
        if (lead is None or lead == self.user) and role and role != CaseMembership.Role.ATTORNEY:
            self.add_error("lead", "Name the lead attorney: you are opening this case as "
                                   f"{CaseMembership.Role(role).label.lower()}, not as its attorney.")
        return data


def _refuse_a_copy_of_my_case(form: forms.Form, *, user, case: Case | None = None) -> None:
    """The same client on the same docket as another of the person's own cases is that case again: say so. Only
    their own cases are named; another team's case on this docket (a co-defendant's, or one they may not know of)
    is never mentioned, so the form answers alike whether one exists or not."""
    docket, client = form.cleaned_data.get("docket_number"), form.cleaned_data.get("client_name")
    if not (docket and client and user is not None):
        return
    mine = case_list_for_user_by_docket(user=user, docket_number=docket).filter(client_name__iexact=client.strip())
    if case is not None:
        mine = mine.exclude(pk=case.pk)
    found = mine.first()
    if found is not None:
        form.add_error("docket_number", f"You already have this case open ({found.client_name}, "
                                        f"No. {found.docket_number}); open it from your case list.")


class CaseDetailsForm(forms.ModelForm):
    """The case's details as the case form asked them; the court fields only for those who file (an attorney)."""

    class Meta:
        model = Case
        fields = [
            "client_name", "client_dob", "docket_number", "court_system", "court", "jurisdiction", "privacy_rule",
            "prosecuting_office", "charges", "stage", "client_goals",
        ]
        widgets = CaseForm.Meta.widgets

    def __init__(self, *args, user, files_for_the_case: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.court_fields = files_for_the_case
        if not files_for_the_case:
            for name in ("court_system", "court", "jurisdiction", "privacy_rule", "prosecuting_office"):
                del self.fields[name]

    clean_client_dob = CaseForm.clean_client_dob

    def clean(self) -> dict:
        data = super().clean()
        _refuse_a_copy_of_my_case(self, user=self.user, case=self.instance)
        return data

    def _post_clean(self) -> None:
        # The service changes the case (and records what each field said before): the form only reads it, so the
        # instance stays as stored and the cleaned values are what the service is given.
        pass

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields}


class ArchiveForm(forms.Form):
    destroy_after = forms.DateField(
        label="Destroy after", required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Optional. Once this day is over, the case and everything in it (records, pages, facts, "
                  "narratives, exports) are destroyed; the audit log keeps one entry saying so. Leave it empty to "
                  "keep the archived case until a date is set.",
    )


class TeamMemberForm(forms.Form):
    user = PersonChoiceField(label="Person", queryset=_people(), empty_label="Choose a person…")
    role = forms.ChoiceField(label="Role", choices=CaseMembership.Role.choices)

    def __init__(self, *args, case: Case, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = _people().exclude(case_memberships__case=case)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=CaseMembership.Role.choices)


class AuditFilterForm(forms.Form):
    """Whose entries, which action, which days: the audit log's filters, in the URL."""

    person = forms.ChoiceField(label="Person", required=False)
    action = forms.ChoiceField(label="Action", required=False)
    since = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, people: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "Everyone"), *((name, name) for name in people)]
        self.fields["action"].choices = [("", "Every action"), *AuditEntry.Action.choices]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            self.add_error("until", "The end is before the start.")
        return data

    def filters(self) -> AuditFilters:
        if not self.is_valid():
            return AuditFilters()
        data = self.cleaned_data
        return AuditFilters(username=data["person"], action=data["action"], since=data["since"], until=data["until"])
