from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q


def record_upload_path(document: "Document", filename: str) -> str:
    # The stored name never comes from the user: a random name keeps traversal tricks and
    # client names out of the file system. The original name is kept on the row.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"records/case-{document.case_id}/{uuid.uuid4().hex}{suffix if suffix.isascii() else ''}"


class Document(models.Model):
    """A record uploaded into a case: the original file, unchanged, and what reading it gave."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        PROCESSING = "processing", "Processing"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    class RecordType(models.TextChoices):
        SCHOOL = "school", "School"
        MEDICAL = "medical", "Medical"
        MENTAL_HEALTH = "mental_health", "Mental health"
        CHILD_WELFARE = "child_welfare", "Child welfare"
        COURT = "court", "Court"
        TREATMENT = "treatment", "Treatment"
        EMPLOYMENT = "employment", "Employment"
        LETTER = "letter", "Letter"
        OTHER = "other", "Other"

    class FileKind(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "Word document"
        TEXT = "text", "Text"
        IMAGE = "image", "Image"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to=record_upload_path, max_length=300)
    original_name = models.CharField(max_length=255)
    file_kind = models.CharField(max_length=10, choices=FileKind)
    size_bytes = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    record_type = models.CharField(max_length=20, choices=RecordType, blank=True)
    source = models.CharField("source (who produced it)", max_length=200, blank=True)
    date_received = models.DateField(null=True, blank=True)
    # What the exhibit index prints: a description of the record and the dates its contents span.
    description = models.CharField(
        max_length=300, blank=True, help_text="How the exhibit index names it, e.g. “Cumulative school record”."
    )
    dates_from = models.DateField("records dated from", null=True, blank=True)
    dates_to = models.DateField("records dated to", null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    status = models.CharField(max_length=12, choices=Status, default=Status.QUEUED)
    failure_reason = models.TextField(blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    pages_done = models.PositiveIntegerField(default=0)
    read_attempts = models.PositiveSmallIntegerField(default=0)  # a file that kills the reader is not retried forever
    processing_started_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    # Word and text records drawn to pages once when read (evidence/rendition.py): the pages exhibits copy.
    rendition = models.FileField(upload_to=record_upload_path, max_length=300, blank=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "sha256"], name="one_copy_of_a_file_per_case"),
            models.CheckConstraint(
                condition=Q(page_count__isnull=True) | Q(pages_done__lte=F("page_count")),
                name="pages_done_within_page_count",
            ),
            models.CheckConstraint(
                condition=Q(dates_from__isnull=True) | Q(dates_to__isnull=True) | Q(dates_from__lte=F("dates_to")),
                name="record_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    def clean(self) -> None:
        if self.dates_from and self.dates_to and self.dates_from > self.dates_to:
            raise ValidationError({"dates_to": "The last date is before the first; check the order."})

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.READY, self.Status.FAILED}

    @property
    def progress_percent(self) -> int:
        if self.status == self.Status.READY:
            return 100
        if not self.page_count:
            return 0
        return min(100, round(100 * self.pages_done / self.page_count))


class Page(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveIntegerField()  # 1-based, as cited
    text = models.TextField(blank=True)
    ocr_used = models.BooleanField(default=False)
    ocr_confidence = models.FloatField(null=True, blank=True)
    # Where the text's words sit on the page's picture (evidence/geometry.py, PageGeometry.to_json); empty when it
    # could not be measured, and then nothing on the page can be redacted precisely.
    geometry = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="one_page_per_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="page_numbers_start_at_one"),
        ]

    def __str__(self) -> str:
        return f"{self.document} p. {self.number}"
