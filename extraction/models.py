from __future__ import annotations

from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from extraction.pipeline.taxonomy import CATEGORY_CHOICES, KIND_CHOICES, STATUS_CHOICES


class EventCandidateQuerySet(models.QuerySet):
    def pending(self) -> Self:
        return self.filter(review_status=EventCandidate.ReviewStatus.PENDING)

    def reviewed(self) -> Self:
        return self.exclude(review_status=EventCandidate.ReviewStatus.PENDING)


class EventCandidate(models.Model):
    """An event the pipeline proposes from one span of one record; nothing is used until a person reviews it.

    The review (narratives) marks it reviewed through `services.candidate_mark_reviewed`; the timeline event it
    became points back at it (`TimelineEvent.candidates`), so this app never names a higher one."""

    class ReviewStatus(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        MERGED = "merged", "Merged into another event"
        REJECTED = "rejected", "Rejected"

    document = models.ForeignKey("evidence.Document", on_delete=models.CASCADE, related_name="event_candidates")
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    category = models.CharField(max_length=40, choices=CATEGORY_CHOICES)  # slugs from taxonomy.md
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, blank=True)  # of an engagement
    provider = models.CharField(max_length=200, blank=True)
    date = models.CharField(max_length=10, blank=True)  # YYYY, YYYY-MM or YYYY-MM-DD
    date_end = models.CharField(max_length=10, blank=True)
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    subject = models.CharField(max_length=60, default="client")
    start = models.PositiveIntegerField()  # character offsets into the record's text (pages joined by \f)
    end = models.PositiveIntegerField()
    page = models.PositiveIntegerField()
    page_start = models.PositiveIntegerField()  # the same span, as offsets into that page's text
    page_end = models.PositiveIntegerField()
    sentence = models.TextField()
    evidence = models.TextField()  # the span's own text
    confidence = models.FloatField(default=0.5)  # the model's probability that the span states this event
    cue = models.CharField(max_length=100, blank=True)  # the word the model weighed most

    review_status = models.CharField(max_length=10, choices=ReviewStatus, default=ReviewStatus.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EventCandidateQuerySet.as_manager()

    class Meta:
        ordering = ["document", "start", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="candidate_span_not_empty"),
            models.CheckConstraint(condition=Q(page__gte=1), name="candidate_page_starts_at_one"),
        ]
        indexes = [models.Index(fields=["document", "review_status"])]

    def __str__(self) -> str:
        return f"{self.get_category_display()} in {self.document_id} p. {self.page}"

    @property
    def confidence_word(self) -> str:
        """"likely", "possible" or "unlikely": what a reviewer reads instead of a probability."""
        from extraction.confidence import confidence_word

        return confidence_word(self.confidence)


class DocumentExtraction(models.Model):
    """How finding events in one record went: the review queue shows it beside the record's status."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to find events"
        RUNNING = "running", "Finding events"
        DONE = "done", "Events found"
        FAILED = "failed", "Event finding failed"

    document = models.OneToOneField("evidence.Document", on_delete=models.CASCADE, related_name="extraction")
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    proposed = models.PositiveIntegerField(default=0)
    failure_reason = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.document_id}: {self.status}"
