from __future__ import annotations

from typing import Self

from django.conf import settings
from django.db import models

from common.dates import validate_partial_date
from extraction.pipeline.taxonomy import CATEGORY_CHOICES, KIND_CHOICES, STATUS_CHOICES


class TimelineEventQuerySet(models.QuerySet):
    def withheld(self) -> Self:
        return self.filter(consent=Consent.WITHHELD)

    def in_date_order(self) -> Self:
        # taxonomy.md: an undated event keeps its text and sorts after the dated ones.
        return self.order_by(models.F("date_sort").asc(nulls_last=True), "date_end", "pk")


class Consent(models.TextChoices):
    """What the client decided about a fact being said in court."""

    APPROVED = "approved", "Approved for court"
    WITHHELD = "withheld", "Withheld by the client"
    NOT_DISCUSSED = "not_discussed", "Not yet discussed"


class TimelineEvent(models.Model):
    """A fact a person accepted into the case's life history, with the record pages it rests on.

    It copies what it shows (text, date, category) so that re-extraction never changes reviewed work."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="timeline_events")
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    category = models.CharField(max_length=40, choices=CATEGORY_CHOICES)
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, blank=True)
    provider = models.CharField(max_length=200, blank=True)
    summary = models.TextField(help_text="One line that says what happened.")
    # The fact as the memorandum says it (proposed at acceptance, edited by staff); drafts use it, never the
    # record's raw words.
    statement = models.TextField(blank=True)
    subject = models.CharField(max_length=60, default="client")
    date = models.CharField(max_length=10, blank=True, validators=[validate_partial_date])
    date_end = models.CharField(max_length=10, blank=True, validators=[validate_partial_date])
    date_sort = models.DateField(null=True, blank=True, editable=False)
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    key_fact = models.BooleanField(default=False)
    note = models.TextField("staff note", blank=True)
    # Why staff must look at this fact again (a record it cited was removed); cleared by whoever has looked.
    review_flag = models.TextField(blank=True)
    consent = models.CharField(max_length=20, choices=Consent, default=Consent.NOT_DISCUSSED)
    consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    consent_at = models.DateTimeField(null=True, blank=True)
    conflicts_with = models.ManyToManyField("self", symmetrical=True, blank=True)
    # The proposals accepted or merged into this event: where the review found it.
    candidates = models.ManyToManyField("extraction.EventCandidate", blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TimelineEventQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["case", "date_sort"])]

    def __str__(self) -> str:
        return f"{self.date or 'undated'} {self.category}"


class EventSource(models.Model):
    """Where a timeline event is stated: a record, a page and the span on that page."""

    event = models.ForeignKey(TimelineEvent, on_delete=models.CASCADE, related_name="sources")
    document = models.ForeignKey("evidence.Document", on_delete=models.PROTECT, related_name="event_sources")
    page_number = models.PositiveIntegerField()
    start = models.PositiveIntegerField()  # offsets into the page's text
    end = models.PositiveIntegerField()
    quote = models.TextField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(start__lt=models.F("end")), name="source_span_not_empty"),
            models.UniqueConstraint(
                fields=["event", "document", "page_number", "start", "end"], name="one_source_per_span"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} p. {self.page_number}"


class DomainStatus(models.Model):
    """A life-history domain the team decided does not apply to this client (e.g. no military service)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="domain_statuses")
    category = models.CharField(max_length=40, choices=CATEGORY_CHOICES)
    not_applicable = models.BooleanField(default=True)
    reason = models.CharField(max_length=300, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "category"], name="one_status_per_domain")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.category}"


class EventRevision(models.Model):
    """One correction of an accepted fact, with what the fact said before: its history, kept after the fact is
    removed or sent back to the review queue (then `event` is empty and `event_number` still names it)."""

    class Change(models.TextChoices):
        EDITED = "edited", "Corrected"
        UNACCEPTED = "unaccepted", "Sent back to the review queue"
        REMOVED = "removed", "Removed"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="event_revisions")
    event = models.ForeignKey(TimelineEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="revisions")
    event_number = models.PositiveBigIntegerField()
    change = models.CharField(max_length=20, choices=Change)
    before = models.JSONField(default=dict)  # the fact's fields as they were
    changed_fields = models.JSONField(default=list, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_change_display()} fact {self.event_number}"


class Narrative(models.Model):
    """A piece of writing for the court about the client, e.g. a sentencing memorandum's mitigation part."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="narratives")
    title = models.CharField(max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.title


class NarrativeSection(models.Model):
    narrative = models.ForeignKey(Narrative, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(max_length=200)
    position = models.PositiveIntegerField()
    categories = models.JSONField(default=list, blank=True)  # the timeline categories this section draws on
    body = models.TextField(blank=True)  # sanitised HTML
    version = models.PositiveIntegerField(default=0)  # bumped by every save; a stale save is refused
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class SectionVersion(models.Model):
    """Every saved state of a section, for history, diff and restore."""

    section = models.ForeignKey(NarrativeSection, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    saved_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=200, blank=True)  # e.g. "assembled draft", "restored version 3"

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["section", "number"], name="one_version_number_per_section")]

    def __str__(self) -> str:
        return f"{self.section_id} v{self.number}"
