from django.apps import AppConfig


class CasesConfig(AppConfig):
    """The case, its team and who may see it; the case page's shell, into which the other apps put their panels."""

    name = "cases"
