"""Hooks of the cases app. `audit_object_names`: how a case's audit log names the objects its entries point at, in
words, without importing the apps that own them. `case_destroying`: a case past its retention date is being
destroyed, and each app deletes what it holds of it.

Entries keep ids only (never names: a log outlives rows and must hold no record text). When the lead or the
supervisor reads the log, each app that owns a kind of object names the ones still there: registered in its
AppConfig.ready()."""

from __future__ import annotations

from common.hooks import Hook

audit_object_names = Hook(
    "audit.object_names",
    signature="(*, object_type: str, ids: list[str]) -> dict[str, str]  # names of the ids still there",
)

case_destroying = Hook(
    "cases.case_destroying",
    signature="(*, case: Case) -> dict[str, int]  # delete the app's rows and stored files of the case; counts by kind",
)

# What each kind of object is called, for the ones no app names one by one.
OBJECT_WORDS = {
    "cases.case": "case",
    "cases.casemembership": "team member",
    "cases.casedetailschange": "change of the case's details",
    "evidence.document": "record",
    "extraction.eventcandidate": "proposal",
    "narratives.timelineevent": "fact",
    "narratives.narrative": "narrative",
    "narratives.narrativesection": "narrative section",
    "exports.export": "export",
    "engagements.engagement": "engagement",
    "engagements.engagementlogentry": "log entry",
    "engagements.clientgoal": "client goal",
    "engagements.collateralflag": "collateral concern",
}
