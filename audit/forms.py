from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from audit.models import AuditEntry
from audit.services import Actor, audit_record, client_ip, login_throttled


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's login form, refusing for a while after repeated failures (counted in the audit trail)."""

    def clean(self):
        username = self.data.get("username", "")[:150]
        window = datetime.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
        if login_throttled(username=username, ip=client_ip(self.request), window=window):
            actor = Actor(user=None, ip_address=client_ip(self.request), username=username)
            audit_record(actor=actor, action=AuditEntry.Action.LOGIN_THROTTLED)
            minutes = max(1, settings.LOGIN_FAILURE_WINDOW_SECONDS // 60)
            raise ValidationError(
                f"Too many failed attempts. Wait {minutes} minutes and try again, or ask an administrator "
                "to reset your password.",
                code="throttled",
            )
        return super().clean()


class ThrottledAdminAuthenticationForm(ThrottledAuthenticationForm, AdminAuthenticationForm):
    """The admin site's login, throttled by the same counter: after the app's lockout the right password must
    not still work at /admin/login/."""
