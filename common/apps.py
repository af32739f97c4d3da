from django.apps import AppConfig


class CommonConfig(AppConfig):
    """Helpers every app may use and that belong to none: partial dates, background-job state, hooks.

    It has no tables and imports none of our apps (layer 0 of README.md's architecture)."""

    name = "common"
