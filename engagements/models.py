"""Advocates' work: the services a client is engaged in, what happened in them, the evidence, and the client's
own goals and collateral concerns. An engagement is also a timeline event (kind service_engagement), which
the services here keep in step through narratives.services."""

from __future__ import annotations

from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q

from common.dates import validate_partial_date
from engagements.attendance import SESSION_KINDS
from extraction.pipeline.taxonomy import SERVICE_TYPE_CHOICES, STATUS_CHOICES

OPEN_STATUSES = ("referred", "enrolled", "active")
CLOSED_STATUSES = ("completed", "discontinued")


class ClientGoal(models.Model):
    """One of the client's goals, in their words, in the order of importance they gave it.

    A row rather than a line of the case's free-text goals: engagements point at a goal, and a link to a line
    number would silently move to another goal whenever the text was edited."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="goal_items")
    text = models.CharField("goal, in the client's words", max_length=300)
    priority = models.PositiveSmallIntegerField(help_text="1 is what matters most to the client.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["priority", "pk"]

    def __str__(self) -> str:
        return self.text


class ClientPreference(models.Model):
    """How the client wants to be named and referred to in what the team writes about them."""

    class Pronoun(models.TextChoices):
        HE = "he", "he / him"
        SHE = "she", "she / her"
        THEY = "they", "they / them"

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="client_preference")
    name_in_court = models.CharField(
        "name in the narrative", max_length=100, blank=True, help_text="e.g. “Mr. Ashby”; empty: the full name."
    )
    pronoun = models.CharField(max_length=10, choices=Pronoun, default=Pronoun.THEY)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name_in_court or str(self.case_id)


class EngagementQuerySet(models.QuerySet):
    def open(self) -> Self:
        return self.filter(status__in=OPEN_STATUSES)

    def followed(self) -> Self:
        return self.filter(followed=True)


class Engagement(models.Model):
    """A client's involvement with a provider over time: provider, service type, status and dates."""

    class Origin(models.TextChoices):
        RECORD = "record", "Found in a record"
        TEAM = "team", "Entered by the team"
        IMPORT = "import", "Imported from a provider's attendance file"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="engagements")
    event = models.OneToOneField("narratives.TimelineEvent", on_delete=models.PROTECT, related_name="engagement")
    service_type = models.CharField(max_length=40, choices=SERVICE_TYPE_CHOICES)  # slugs from taxonomy.md
    program = models.CharField(
        "programme, in plain words", max_length=200, blank=True,
        help_text="What it is, as you would say it to a judge: e.g. “intensive outpatient treatment”.",
    )
    provider_name = models.CharField("provider", max_length=200, blank=True)
    provider_contact = models.CharField("provider contact", max_length=300, blank=True,
                                        help_text="Person, phone, email.")
    provider_client_id = models.CharField(
        "provider's id for the client", max_length=60, blank=True,
        help_text="e.g. a student or chart number; an attendance file with another id is refused.",
    )
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, blank=True)  # the latest status change's
    referral_date = models.CharField(max_length=10, blank=True, validators=[validate_partial_date])
    start_date = models.CharField(max_length=10, blank=True, validators=[validate_partial_date])
    end_date = models.CharField(max_length=10, blank=True, validators=[validate_partial_date],
                                help_text="Planned or actual end.")
    referred_by = models.CharField("who referred", max_length=200, blank=True)
    goals = models.TextField("goals of the programme", blank=True)
    client_goal = models.ForeignKey(
        ClientGoal, on_delete=models.SET_NULL, null=True, blank=True, related_name="engagements",
        verbose_name="client's goal it serves",
    )
    record_text = models.TextField(
        "what the record says", blank=True,
        help_text="For an engagement found in a record: the accepted text, shown until the programme is named.",
    )
    next_step = models.CharField("next step, in plain words", max_length=300, blank=True)
    next_step_due = models.DateField("next step by", null=True, blank=True)
    followed = models.BooleanField(
        "followed on the dashboard", default=True,
        help_text="Engagements found in records start unfollowed: they may be history, not current services.",
    )
    origin = models.CharField(max_length=10, choices=Origin, default=Origin.TEAM)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EngagementQuerySet.as_manager()

    class Meta:
        ordering = ["-followed", "service_type", "pk"]

    def __str__(self) -> str:
        return f"{self.get_service_type_display()} · {self.provider_name or 'provider not named'}"

    @property
    def what(self) -> str:
        """The programme in plain words, or its service type when nobody has said more."""
        return self.program.strip() or self.get_service_type_display().lower()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class EngagementStatusChange(models.Model):
    """One dated step of the engagement's history: referred → enrolled → active → completed (or discontinued)."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(max_length=20, choices=STATUS_CHOICES)
    date = models.CharField(max_length=10, blank=True, validators=[validate_partial_date])  # "" only from a record that gives none
    reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="discontinued") | ~Q(reason=""), name="discontinued_has_a_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.status}"


class AttendanceImport(models.Model):
    """One provider file imported into an engagement: which file, how many sessions, who, when."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="imports")
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return self.file_name


class EngagementLogEntry(models.Model):
    """A session (attended, missed, excused) or a contact (a call, a check-in) on one day."""

    class Kind(models.TextChoices):
        ATTENDED = "attended", "Attended"  # the session kinds of engagements.attendance
        MISSED = "missed", "Missed"
        EXCUSED = "excused", "Excused absence"
        CONTACT = "contact", "Contact (call, meeting, check-in)"

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="log_entries")
    date = models.DateField()
    kind = models.CharField(max_length=10, choices=Kind)
    note = models.CharField(max_length=500, blank=True)
    attendance_import = models.ForeignKey(
        AttendanceImport, on_delete=models.CASCADE, null=True, blank=True, related_name="entries"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "date"], condition=Q(kind__in=SESSION_KINDS), name="one_session_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.kind}"

    @property
    def is_session(self) -> bool:
        return self.kind in SESSION_KINDS


class EngagementEvidence(models.Model):
    """A record (uploaded like any other, so read and citable) that shows the engagement."""

    class Kind(models.TextChoices):
        ENROLMENT_LETTER = "enrolment_letter", "Enrolment letter"
        ATTENDANCE_SHEET = "attendance_sheet", "Attendance sheet"
        CERTIFICATE = "certificate", "Certificate"
        PROGRESS_LETTER = "progress_letter", "Progress letter"
        OTHER = "other", "Other"

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="evidence")
    document = models.ForeignKey("evidence.Document", on_delete=models.PROTECT, related_name="engagement_links")
    kind = models.CharField(max_length=20, choices=Kind)
    page_number = models.PositiveIntegerField(default=1)  # the page the timeline event cites
    attached_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    attached_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["attached_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["engagement", "document"], name="one_link_per_record_and_engagement"),
            models.CheckConstraint(condition=Q(page_number__gte=1), name="evidence_page_starts_at_one"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.document_id}"


class CollateralFlag(models.Model):
    """A collateral consequence raised with the client, its status, and the referral made for it."""

    class Concern(models.TextChoices):
        IMMIGRATION = "immigration", "Immigration status"
        FAMILY_COURT = "family_court", "Family court / custody"
        HOUSING = "housing", "Housing"
        PUBLIC_BENEFITS = "public_benefits", "Public benefits"
        EMPLOYMENT_LICENSING = "employment_licensing", "Employment licensing"
        DRIVERS_LICENCE = "drivers_licence", "Driver's licence"

    class Status(models.TextChoices):
        RAISED = "raised", "Raised"
        REFERRED = "referred", "Referred"
        RESOLVED = "resolved", "Resolved"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="collateral_flags")
    concern = models.CharField(max_length=30, choices=Concern)
    status = models.CharField(max_length=10, choices=Status, default=Status.RAISED)
    note = models.TextField(blank=True)
    referral = models.ForeignKey(
        Engagement, on_delete=models.SET_NULL, null=True, blank=True, related_name="collateral_flags",
        help_text="A civil legal services engagement of this case.",
    )
    share_in_narrative = models.BooleanField(
        "may be mentioned in the narrative", default=False,
        help_text="Only if the client agreed: some concerns (immigration above all) can harm them if said in court.",
    )
    raised_on = models.DateField(null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["concern"]
        constraints = [models.UniqueConstraint(fields=["case", "concern"], name="one_flag_per_concern")]

    def __str__(self) -> str:
        return f"{self.get_concern_display()}: {self.get_status_display()}"
