from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The fictional demo case (`manage.py load_demo`), loaded through every app's services like any user's work."""

    name = "demo"
