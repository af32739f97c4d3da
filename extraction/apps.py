from django.apps import AppConfig


class ExtractionConfig(AppConfig):
    name = "extraction"

    def ready(self) -> None:
        from cases.hooks import audit_object_names, case_destroying
        from cases.panels import RECORD_STATUS, panel_register
        from common.jobs import job_kind_register
        from evidence.hooks import record_read, record_removing
        from evidence.reading import record_reader_set
        from extraction.reading import PipelineRecordReader
        from extraction.selectors import candidate_audit_names
        from extraction.services import case_proposals_destroy, queue_extraction, record_proposals_remove
        from extraction.tasks import EVENT_FINDING

        record_reader_set(PipelineRecordReader())  # evidence reads records with the pipeline
        record_read.register(queue_extraction)  # a record's pages are read: find its events
        record_removing.register(record_proposals_remove)
        case_destroying.register(case_proposals_destroy)
        audit_object_names.register(candidate_audit_names)
        panel_register(place=RECORD_STATUS, name="find_events_again", template="extraction/_record_status.html",
                       order=60)
        job_kind_register(EVENT_FINDING)
