from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """One thing a person did with privileged material: who, when, from where, what (ids, never content).

    Entries are only ever added: the app has no code path that changes or deletes one."""

    class Action(models.TextChoices):
        LOGGED_IN = "logged_in", "Logged in"
        LOGGED_OUT = "logged_out", "Logged out"
        LOGIN_FAILED = "login_failed", "Failed to log in"
        LOGIN_THROTTLED = "login_throttled", "Login refused after repeated failures"
        CASE_OPENED = "case_opened", "Opened a case"
        CASE_UPDATED = "case_updated", "Changed the case's court or prosecuting office"
        TEAM_CHANGED = "team_changed", "Changed a case team"
        RECORD_UPLOADED = "record_uploaded", "Uploaded a record"
        RECORD_VIEWED = "record_viewed", "Viewed a record"
        RECORD_PAGE_VIEWED = "record_page_viewed", "Viewed a record page"
        ORIGINAL_DOWNLOADED = "original_downloaded", "Downloaded an original record"
        RECORDS_SEARCHED = "records_searched", "Searched the records"
        RECORD_DETAILS_CHANGED = "record_details_changed", "Changed a record's details"
        RECORD_REMOVED = "record_removed", "Removed a record"
        EVENT_ACCEPTED = "event_accepted", "Accepted an event"
        EVENT_EDITED = "event_edited", "Accepted an event with edits"
        EVENT_MERGED = "event_merged", "Merged an event"
        EVENT_REJECTED = "event_rejected", "Rejected an event"
        EVENT_ADDED = "event_added", "Added an event by hand"
        CONSENT_CHANGED = "consent_changed", "Changed the client's consent"
        NARRATIVE_SAVED = "narrative_saved", "Saved a narrative section"
        TIMELINE_EXPORTED = "timeline_exported", "Exported the timeline"
        EXPORTED = "exported", "Exported a narrative"
        EXPORT_DOWNLOADED = "export_downloaded", "Downloaded an export"
        AUDIT_EXPORTED = "audit_exported", "Exported the audit log"
        ENGAGEMENT_CREATED = "engagement_created", "Created a service engagement"
        ENGAGEMENT_CHANGED = "engagement_changed", "Changed a service engagement"
        EVIDENCE_ATTACHED = "evidence_attached", "Attached evidence to an engagement"
        ATTENDANCE_IMPORTED = "attendance_imported", "Imported an attendance file"
        CLIENT_GOALS_CHANGED = "client_goals_changed", "Changed the client's goals"
        COLLATERAL_CHANGED = "collateral_changed", "Changed a collateral concern"
        FACT_CHANGED = "fact_changed", "Corrected an accepted fact"
        FACT_UNACCEPTED = "fact_unaccepted", "Sent an accepted fact back to the review queue"
        FACT_REMOVED = "fact_removed", "Removed an accepted fact"
        REJECT_UNDONE = "reject_undone", "Undid a rejection"
        CASE_DETAILS_CHANGED = "case_details_changed", "Changed the case's details"
        CASE_ARCHIVED = "case_archived", "Archived the case"
        CASE_UNARCHIVED = "case_unarchived", "Unarchived the case"
        CASE_RETENTION_SET = "case_retention_set", "Set when the case is destroyed"
        CASE_DESTROYED = "case_destroyed", "Destroyed the case"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    username = models.CharField(max_length=150, blank=True)  # kept if the account is later removed
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    action = models.CharField(max_length=30, choices=Action)
    case_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)  # an id, not a key: the log outlives rows
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    detail = models.JSONField(default=dict, blank=True)  # ids and choices only, never record text or names

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["action", "username", "at"])]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action}"
