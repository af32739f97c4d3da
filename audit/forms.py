from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from audit.models import AuditEntry
from audit.services import Actor, audit_record, client_ip, recent_login_failures


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's login form, refusing for a while after repeated failures (counted in the audit trail)."""

    def clean(self):
        username = self.data.get("username", "")[:150]
        window = datetime.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
        failures = recent_login_failures(username=username, ip=client_ip(self.request), window=window)
        if failures >= settings.LOGIN_MAX_FAILURES:
            actor = Actor(user=None, ip_address=client_ip(self.request), username=username)
            audit_record(actor=actor, action=AuditEntry.Action.LOGIN_THROTTLED)
            minutes = max(1, settings.LOGIN_FAILURE_WINDOW_SECONDS // 60)
            raise ValidationError(
                f"Too many failed attempts. Wait {minutes} minutes and try again, or ask an administrator "
                "to reset your password.",
                code="throttled",
            )
        return super().clean()
