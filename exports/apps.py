from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "exports"

    def ready(self) -> None:
        from cases.hooks import audit_object_names, case_destroying
        from cases.panels import NARRATIVE_TOOLS, panel_register
        from common.jobs import job_kind_register
        from exports.selectors import export_audit_names
        from exports.services import case_exports_destroy
        from exports.tasks import EXPORT_RENDERING

        panel_register(place=NARRATIVE_TOOLS, name="exports", template="exports/_narrative_tools.html")
        job_kind_register(EXPORT_RENDERING)
        case_destroying.register(case_exports_destroy)  # the case's retention date is over
        audit_object_names.register(export_audit_names)
