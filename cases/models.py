from __future__ import annotations

import datetime
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q


class CaseQuerySet(models.QuerySet):
    def for_user(self, user) -> Self:
        """Cases on whose team the user is; everything else is invisible to them."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user).distinct()

    def active(self) -> Self:
        return self.filter(archived_at__isnull=True)

    def archived(self) -> Self:
        return self.filter(archived_at__isnull=False)

    def due_for_destruction(self, *, today: datetime.date) -> Self:
        """Archived cases whose "destroy after" day is over."""
        return self.archived().filter(destroy_after__lt=today)


class Case(models.Model):
    class CourtSystem(models.TextChoices):
        FEDERAL = "federal", "Federal district court"
        STATE = "state", "State court"

    class Stage(models.TextChoices):
        INVESTIGATION = "investigation", "Investigation"
        PRETRIAL = "pretrial", "Pretrial"
        PLEA = "plea", "Plea"
        SENTENCING = "sentencing", "Sentencing"
        POST_CONVICTION = "post_conviction", "Post-conviction"

    client_name = models.CharField(max_length=200)
    client_dob = models.DateField("client's date of birth", null=True, blank=True)
    # Not unique: co-defendants share a docket, and refusing a number already taken would tell anyone opening a
    # case that the office holds another one on that docket.
    docket_number = models.CharField(max_length=80, db_index=True)
    court = models.CharField(
        max_length=200, blank=True,
        help_text="As the caption names it: e.g. “District of Arden” (federal) or “Brennan County Superior Court”.",
    )
    jurisdiction = models.CharField(max_length=200, blank=True, help_text="The state, e.g. “State of Arden”.")
    # Which court decides the caption, the privacy rule a public filing names and whom the certificate serves.
    court_system = models.CharField("court system", max_length=10, choices=CourtSystem, blank=True)
    privacy_rule = models.CharField(
        "privacy rule of the court", max_length=120, blank=True,
        help_text="A state court's rule on redacting filings (e.g. “Ard. R. Crim. P. 4.6”); empty: labelled “REDACTED”. "
        "Federal filings always name Fed. R. Crim. P. 49.1.",
    )
    prosecuting_office = models.CharField(
        max_length=200, blank=True, help_text="Who prosecutes: served with every filing (certificate of service)."
    )
    charges = models.TextField(blank=True)
    stage = models.CharField(max_length=20, choices=Stage, default=Stage.PRETRIAL)
    client_goals = models.TextField(
        "client's stated goals", blank=True, help_text="In the client's own words: what they want from this case."
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # An archived case is read-only (cases.roles refuses every change); its lead may set the day after which the
    # retention sweep destroys it (cases.services.case_destroy).
    archived_at = models.DateTimeField(null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    destroy_after = models.DateField("destroy after", null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            # Only an archived case may be waiting for destruction: unarchiving clears the date.
            models.CheckConstraint(condition=Q(destroy_after__isnull=True) | Q(archived_at__isnull=False),
                                   name="only_an_archived_case_has_a_destruction_date"),
        ]

    def __str__(self) -> str:
        return self.docket_number

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class CaseDetailsChange(models.Model):
    """What one change of the case's details replaced, old and new. Kept with the case (and destroyed with it), so
    the audit log shows the values while its own rows hold no client names: entries outlive the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="details_changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    values = models.JSONField(default=dict)  # {field name: [old, new]}, as text

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{', '.join(self.values)} of case {self.case_id}"


class CaseMembership(models.Model):
    class Role(models.TextChoices):
        ATTORNEY = "attorney", "Attorney"
        MITIGATION_SPECIALIST = "mitigation_specialist", "Mitigation specialist"
        ADVOCATE = "advocate", "Advocate"
        SUPERVISOR = "supervisor", "Supervisor"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_memberships")
    role = models.CharField(max_length=30, choices=Role)
    # The lead attorney answers for the case: they (and a supervisor) manage its team and read its audit log.
    is_lead = models.BooleanField("lead attorney", default=False)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="one_membership_per_user_and_case"),
            models.UniqueConstraint(fields=["case"], condition=Q(is_lead=True), name="one_lead_per_case"),
            models.CheckConstraint(condition=Q(is_lead=False) | Q(role="attorney"), name="the_lead_is_an_attorney"),
        ]
        ordering = ["role", "user__last_name", "user__username"]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) on {self.case}"
