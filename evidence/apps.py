from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "evidence"

    def ready(self) -> None:
        from cases.hooks import audit_object_names
        from cases.panels import CASE_PANELS, panel_register
        from common.jobs import job_kind_register
        from evidence.panels import records_panel
        from evidence.selectors import document_audit_names
        from evidence.tasks import RECORD_READING

        panel_register(place=CASE_PANELS, name="records", template="evidence/_case_panel.html",
                       context=records_panel, order=60)
        job_kind_register(RECORD_READING)

        audit_object_names.register(document_audit_names)
