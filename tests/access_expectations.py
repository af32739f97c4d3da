"""What a GET of each URL answers, per visitor. Kept as a table, reviewed like code.

Kinds of URL:
- "page": a case page; the team sees it (200), outsiders and staff not on the team get 404, anonymous
  visitors are sent to log in (302).
- "post": a case action that takes POST only; a GET is refused with 405 for everyone logged in, before any
  lookup (so it reveals nothing), and anonymous visitors are sent to log in.
- "audit": a page for the case's lead attorney and its supervisor; the rest of the team gets 403 (they know the
  case exists), outsiders 404. (The matrix's attorney is the case's lead.)
- "exports": a page for the people who export (attorney, mitigation specialist); the Advocate and the supervisor
  get 403, outsiders 404.
- "engagement_form": a form for changing engagements; the supervisor (who only reads them) gets 403.
- "global": a page of the user's own (case list, dashboard); everyone logged in sees it.
- "open": the login page, for everyone.
- "admin": Django admin's door: staff see it, others are sent to the admin login.
- "health": the health check: no login and the same answer for everyone; 503 here, as no worker runs in this test.
"""

from __future__ import annotations

VISITORS = ["attorney", "mitigation_specialist", "advocate", "supervisor", "outsider", "staff_outsider", "anonymous"]
TEAM = {"attorney", "mitigation_specialist", "advocate", "supervisor"}

KINDS = {
    "page": lambda v: 200 if v in TEAM else 302 if v == "anonymous" else 404,
    "post": lambda v: 302 if v == "anonymous" else 405,
    "audit": lambda v: 200 if v in {"attorney", "supervisor"} else 403 if v in TEAM else 302 if v == "anonymous" else 404,
    "exports": lambda v: (200 if v in {"attorney", "mitigation_specialist"} else 403 if v in TEAM
                          else 302 if v == "anonymous" else 404),
    # correcting the matrix's (life-history) fact: the Advocate reviews engagements only, the supervisor nothing
    "review_page": lambda v: (200 if v in {"attorney", "mitigation_specialist"} else 403 if v in TEAM
                              else 302 if v == "anonymous" else 404),
    "engagement_form": lambda v: 403 if v == "supervisor" else 200 if v in TEAM else 302 if v == "anonymous" else 404,
    "post_any": lambda v: 405,  # logging out takes POST from anyone, signed in or not
    "global": lambda v: 302 if v == "anonymous" else 200,
    "open": lambda v: 200,
    "admin": lambda v: 200 if v == "staff_outsider" else 302,
    "redirect": lambda v: 302,
    "health": lambda v: 503,
}

EXPECTED = {
    "admin:index": "admin",
    "login": "open",
    "operations:healthz": "health",
    "logout": "post_any",
    "password_change": "global",
    "password_change_done": "global",
    "cases:case_list": "global",
    "cases:case_create": "global",
    "cases:case_detail": "page",
    "narratives:timeline": "page",
    "narratives:timeline_export": "page",
    "narratives:timeline_event": "redirect_in_case",
    "narratives:event_update": "post",
    "narratives:timeline_consent": "post",
    "narratives:event_conflict": "post",
    "narratives:coverage": "page",
    "narratives:domain_status": "post",
    "narratives:narrative_list": "page",
    "narratives:narrative_editor": "page",
    "narratives:narrative_assemble": "post",
    "narratives:section_add": "post",
    "narratives:section_save": "post",
    "narratives:section_history": "page",
    "narratives:section_restore": "post",
    "narratives:section_change": "post",
    "evidence:document_upload": "post",
    "evidence:document_detail": "page",
    "evidence:document_status": "page",
    "evidence:document_page": "page",
    "evidence:document_original": "page",
    "evidence:document_retry": "post",
    "narratives:review_queue": "page",
    "narratives:candidate_accept": "post",
    "narratives:candidate_reject": "post",
    "narratives:candidate_merge": "post",
    "narratives:candidate_bulk": "post",
    "narratives:candidate_unreject": "post",
    "narratives:event_changes": "page",
    "narratives:event_edit": "review_page",
    "narratives:event_withdraw": "post",
    "narratives:candidate_edit": "page",
    "narratives:event_add_from_page": "redirect_in_case",
    "extraction:document_reextract": "post",
    "cases:case_audit": "audit",
    "cases:case_audit_csv": "audit",
    "cases:case_team": "page",
    "cases:case_member_add": "post",
    "cases:case_member_change": "post",
    "exports:export_prepare": "exports",
    "exports:export_list": "exports",
    "exports:export_status": "exports",
    "exports:export_download": "exports",
    "exports:finding_picture": "exports",
}
# Adding an event from a page without a selection sends the team back to the page (302); outsiders get 404.
KINDS["redirect_in_case"] = lambda v: 302 if v in TEAM or v == "anonymous" else 404

PARAMETERS = {
    "case_id": lambda o: o["case"].pk,
    "document_id": lambda o: o["document"].pk,
    "number": lambda o: 1,  # a page number, or a version number for restore
    "candidate_id": lambda o: o["candidate"].pk,
    "event_id": lambda o: o["event"].pk,
    "category": lambda o: "education",
    "format": lambda o: "csv",
    "narrative_id": lambda o: o["narrative"].pk,
    "section_id": lambda o: o["section"].pk,
    "action": lambda o: "rename",
    "how": lambda o: "unaccept",
    "export_id": lambda o: o["export"].pk,
    "kind": lambda o: "pdf",
    "start": lambda o: 0,  # a character range of a page's text
    "end": lambda o: 4,
    "membership_id": lambda o: o["case"].memberships.first().pk,
}


def make_more_objects(objects: dict) -> dict:
    """Objects of apps added later (their URLs need real ids too)."""
    from tests.factories import ClientGoalFactory, EngagementLogEntryFactory

    entry = EngagementLogEntryFactory(engagement__case=objects["case"])
    return {"engagement": entry.engagement, "entry": entry, "goal": ClientGoalFactory(case=objects["case"])}


def expected_status(name: str, visitor: str) -> int:
    return KINDS[EXPECTED[name]](visitor)

# Advocates' work (engagements): the dashboard is the user's own; every case page is the team's.
EXPECTED.update({
    "engagements:dashboard": "global",
    "engagements:engagement_list": "page",
    "engagements:engagement_create": "engagement_form",
    "engagements:attendance_import": "engagement_form",
    "engagements:engagement_detail": "page",
    "engagements:engagement_update": "engagement_form",
    "engagements:engagement_status": "post",
    "engagements:log_add": "post",
    "engagements:log_remove": "post",
    "engagements:evidence_attach": "post",
    "engagements:engagement_follow": "post",
    "engagements:goals": "page",
    "engagements:goal_change": "post",
    "engagements:collateral": "page",
    "engagements:client_summary": "page",
})
PARAMETERS.update({
    "engagement_id": lambda o: o["engagement"].pk,
    "entry_id": lambda o: o["entry"].pk,
    "goal_id": lambda o: o["goal"].pk,
})

# Records you can see and search: search, the records table's live status, record details; removing a record is
# for the case's attorney and mitigation specialist (the rest of the team is refused with 403).
KINDS["remover"] = lambda v: (
    200 if v in {"attorney", "mitigation_specialist"} else 403 if v in TEAM else 302 if v == "anonymous" else 404
)
EXPECTED.update({
    "evidence:case_search": "page",
    "evidence:records_status": "page",
    "evidence:document_details": "page",
    "evidence:documents_details": "post",
    "evidence:document_remove": "remover",
    # The matrix's record is a text file: its page picture is drawn from its rendition, for the team only.
    "evidence:page_picture": "page",
})

# The case's details and its archiving are the lead attorney's and the supervisor's (the matrix's attorney leads):
# the rest of the team is refused with 403, outsiders get 404.
EXPECTED.update({
    "cases:case_details": "audit",
    "cases:case_archive": "audit",
})
