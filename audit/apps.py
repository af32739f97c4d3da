from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"

    def ready(self) -> None:
        from audit import signals  # noqa: F401  (connects login and logout receivers)
