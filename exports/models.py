from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class CaseExportSettings(models.Model):
    """How a case's court filings look and who signs them; defaults follow common federal practice."""

    class CitationStyle(models.TextChoices):
        INLINE = "inline", "Inline: (Ex. C, School Records, at 4)"
        FOOTNOTE = "footnote", "Footnotes"

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="export_settings")
    document_title = models.CharField(max_length=200, default="Defendant's Sentencing Memorandum")
    parties = models.CharField(max_length=300, blank=True, help_text="e.g. STATE OF ARDEN v. DEVON M. ASHBY")
    signer_name = models.CharField(max_length=200, blank=True)
    bar_number = models.CharField(max_length=50, blank=True)
    signer_title = models.CharField(max_length=200, blank=True, default="Assistant Public Defender")
    office = models.CharField(max_length=200, blank=True)
    address = models.TextField(blank=True, help_text="One line per line of the signature block.")
    phone = models.CharField(max_length=50, blank=True)
    email = models.EmailField(blank=True)
    citation_style = models.CharField(max_length=10, choices=CitationStyle, default=CitationStyle.INLINE)
    bates_prefix = models.CharField(max_length=20, blank=True, help_text="e.g. ASHBY; defaults to the client's surname.")
    signature_date = models.DateField(
        "date signed", null=True, blank=True, help_text="Printed with the signature and on the certificate of service."
    )
    include_certificate_of_service = models.BooleanField(default=True)
    # How the filing was served; whom it served is the case's prosecuting office, and when, the date signed.
    certificate_of_service = models.CharField(
        "served by", max_length=200, blank=True, default="the court's electronic filing system",
        help_text="How the memorandum was served, e.g. “the court's electronic filing system” or “hand delivery”.",
    )
    minors = models.TextField(
        "names of minors", blank=True,
        help_text="One per line: children named in the records. Fed. R. Crim. P. 49.1 allows only their initials.",
    )

    def __str__(self) -> str:
        return f"export settings of {self.case_id}"


class Export(models.Model):
    """One filing produced from a narrative: the document (DOCX and PDF) and its exhibit packet."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Being produced"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="exports")
    narrative = models.ForeignKey("narratives.Narrative", on_delete=models.CASCADE, related_name="exports")
    section_versions = models.JSONField(default=dict)  # {section id: version} the export was made from
    sealed = models.BooleanField(default=False)
    draft = models.BooleanField(default=False)  # made despite failing filing checks: watermarked "DRAFT"
    all_records = models.BooleanField(default=False)  # packet of every record, not only the cited ones
    redactions = models.JSONField(default=dict, blank=True)  # private string -> what Rule 49.1 allows
    # Filing decisions (exports/filing.py): "record:<id>" -> seal/omit/public, "page:<id>:<n>" -> reduce/omit/seal
    decisions = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    step = models.CharField(max_length=100, blank=True)
    steps_done = models.PositiveSmallIntegerField(default=0)
    steps_total = models.PositiveSmallIntegerField(default=4)
    failure_reason = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    docx_file = models.FileField(upload_to="exports/", blank=True, max_length=300)
    pdf_file = models.FileField(upload_to="exports/", blank=True, max_length=300)
    packet_file = models.FileField(upload_to="exports/", blank=True, max_length=300)
    docx_sha256 = models.CharField(max_length=64, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    packet_sha256 = models.CharField(max_length=64, blank=True)
    packet_pages = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"export {self.pk} of narrative {self.narrative_id}"

    @property
    def purpose(self) -> str:
        return "draft" if self.draft else "sealed" if self.sealed else "public"

    @property
    def version_label(self) -> str:
        total = sum(int(v) for v in self.section_versions.values())
        return f"{len(self.section_versions)} sections, {total} saves"
