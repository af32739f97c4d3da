from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.models import AuditEntry
from audit.services import audit_record


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs) -> None:
    audit_record(action=AuditEntry.Action.LOGGED_IN, request=request, user=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit_record(action=AuditEntry.Action.LOGGED_OUT, request=request, user=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    # The username tried is kept (to throttle and to investigate); the password never is.
    audit_record(action=AuditEntry.Action.LOGIN_FAILED, request=request, username=str(credentials.get("username", ""))[:150])
