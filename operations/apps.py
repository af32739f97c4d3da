from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running the service: backup and restore (no models of its own)."""

    name = "operations"
