from django.apps import AppConfig


class NarrativesConfig(AppConfig):
    """The review of proposals, the timeline (consent, coverage) and the narratives written from it."""

    name = "narratives"

    def ready(self) -> None:
        from cases.hooks import audit_object_names, case_destroying
        from cases.panels import CASE_TOOLS, RECORD_PAGE_TOOLS, RECORD_PANELS, RECORD_STATUS, panel_register
        from evidence.hooks import page_span_actions, record_columns, record_removing
        from narratives.panels import (
            add_event_action,
            case_tools,
            record_facts,
            record_facts_column,
            record_review_status,
        )
        from narratives.selectors import narrative_audit_names
        from narratives.services import case_narratives_destroy, record_sources_release

        panel_register(place=CASE_TOOLS, name="narratives", template="narratives/_case_tools.html",
                       context=case_tools, order=10)
        panel_register(place=RECORD_STATUS, name="review_status", template="narratives/_record_status.html",
                       context=record_review_status, order=40)
        panel_register(place=RECORD_PAGE_TOOLS, name="add_event", template="narratives/_record_page_tools.html")
        page_span_actions.register(add_event_action)
        record_columns.register(record_facts_column)
        record_removing.register(record_sources_release)
        panel_register(place=RECORD_PANELS, name="facts", template="narratives/_record_facts.html",
                       context=record_facts)

        audit_object_names.register(narrative_audit_names)
        case_destroying.register(case_narratives_destroy)  # the case's retention date is over
