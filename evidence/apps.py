from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "evidence"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from cases.hooks import audit_object_names, case_destroying
        from cases.panels import CASE_HEADER, CASE_PANELS, panel_register
        from common.jobs import job_kind_register
        from evidence.panels import records_panel, search_box
        from evidence.selectors import document_audit_names
        from evidence.services import case_records_destroy
        from evidence.tasks import RECORD_READING

        panel_register(place=CASE_PANELS, name="records", template="evidence/_case_panel.html",
                       context=records_panel, order=60)
        panel_register(place=CASE_HEADER, name="search", template="evidence/_search_box.html", context=search_box)
        job_kind_register(RECORD_READING)
        audit_object_names.register(document_audit_names)
        case_destroying.register(case_records_destroy)
        post_migrate.connect(_search_index_repair, sender=self, dispatch_uid="evidence.search_index_repair")


def _search_index_repair(*, using: str, **_) -> None:
    from django.db import connections

    from evidence.search import search_index_repair

    search_index_repair(connection=connections[using])

