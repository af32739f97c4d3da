from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "exports"

    def ready(self) -> None:
        from cases.panels import NARRATIVE_TOOLS, panel_register
        from common.jobs import job_kind_register
        from exports.tasks import EXPORT_RENDERING

        panel_register(place=NARRATIVE_TOOLS, name="exports", template="exports/_narrative_tools.html")
        job_kind_register(EXPORT_RENDERING)
