from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.models import AuditEntry
from audit.services import Actor, audit_record, client_ip


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs) -> None:
    audit_record(actor=Actor(user=user, ip_address=client_ip(request)), action=AuditEntry.Action.LOGGED_IN)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit_record(actor=Actor(user=user, ip_address=client_ip(request)), action=AuditEntry.Action.LOGGED_OUT)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    # The username tried is kept (to throttle and to investigate); the password never is.
    tried = str(credentials.get("username", ""))[:150]
    audit_record(actor=Actor(user=None, ip_address=client_ip(request), username=tried),
                 action=AuditEntry.Action.LOGIN_FAILED)
