from django.apps import AppConfig


class EngagementsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "engagements"
    verbose_name = "Advocates' work: service engagements"

    def ready(self) -> None:
        from cases.hooks import audit_object_names, case_destroying
        from cases.panels import CASE_PANELS, panel_register
        from engagements import hooks
        from engagements.panels import advocates_work_panel
        from engagements.selectors import engagement_audit_names
        from engagements.services import case_engagements_destroy, record_evidence_release
        from evidence.hooks import record_removing
        from narratives.hooks import client_naming, draft_notes, draft_wordings, event_accepted

        event_accepted.register(hooks.on_event_accepted)
        record_removing.register(record_evidence_release)
        draft_wordings.register(hooks.draft_wordings)
        draft_notes.register(hooks.draft_notes)
        client_naming.register(hooks.client_naming)
        case_destroying.register(case_engagements_destroy)  # the case's retention date is over
        audit_object_names.register(engagement_audit_names)
        panel_register(place=CASE_PANELS, name="advocates_work", template="engagements/_case_panel.html",
                       context=advocates_work_panel, order=50)
