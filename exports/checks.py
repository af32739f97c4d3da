"""Filing checks: what must be true before a memorandum goes to a court, listed on the export page and printed by
`export_narrative`. A failing check refuses the export unless the user asks for a draft (watermarked "DRAFT")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cases.models import Case
from exports.assemble import ExportData
from exports.models import CaseExportSettings
from exports.redaction import document_text
from narratives.selectors import records_awaiting_review

# What drafting leaves for counsel: "[COUNSEL: state the request ...]". The export refuses to print it.
PLACEHOLDER = re.compile(r"\[(?:COUNSEL|TO ?DO|TK)\b[^\]]*\]|\[(?:date|prosecuting office|how served)\]", re.I)


@dataclass(frozen=True, slots=True)
class FilingProblem:
    check: str  # which check: "signature", "certificate", "sections", "placeholders", "citations", "review", "exhibits"
    message: str  # what is wrong and what to do, in a sentence


def filing_checks(*, data: ExportData, case: Case, settings: CaseExportSettings) -> list[FilingProblem]:
    """Every reason this filing is not ready to sign and file, in the order a person would fix them."""
    problems: list[FilingProblem] = []
    if not case.court_system or not case.court.strip():
        problems.append(FilingProblem(
            "court", "Record the case's court (federal district court or state court, and which): it decides the "
            "caption, the privacy label and whom the certificate of service names."
        ))
    missing = [label for label, value in (("the signer's name", settings.signer_name),
                                          ("the signer's bar number", settings.bar_number),
                                          ("the date signed", settings.signature_date)) if not value]
    if missing:
        problems.append(FilingProblem("signature", f"Set {_join(missing)} in the filing settings."))
    if not settings.include_certificate_of_service:
        problems.append(FilingProblem("certificate", "The filing has no certificate of service; include one."))
    else:
        gaps = [label for label, value in (("the prosecuting office (on the case's court settings)", case.prosecuting_office),
                                           ("how it was served", settings.certificate_of_service),
                                           ("the date signed", settings.signature_date),
                                           ("the signer", settings.signer_name)) if not str(value or "").strip()]
        if gaps:
            problems.append(FilingProblem("certificate", f"The certificate of service needs {_join(gaps)}."))
    if data.empty_sections:
        problems.append(FilingProblem(
            "sections", f"Empty sections: {_join([f'“{t}”' for t in data.empty_sections])}. Write or remove them."
        ))
    placeholders = list(dict.fromkeys(match.group(0) for match in PLACEHOLDER.finditer(document_text(data.document))))
    if placeholders:
        shown = "; ".join(p if len(p) <= 90 else p[:87] + "…]" for p in placeholders[:4])
        more = f" and {len(placeholders) - 4} more" if len(placeholders) > 4 else ""
        problems.append(FilingProblem(
            "placeholders", f"{len(placeholders)} prompt(s) for counsel are still in the text: {shown}{more}"
        ))
    for title, paragraph in data.uncited_paragraphs[:5]:
        problems.append(FilingProblem(
            "citations", f"A paragraph in “{title}” cites no record: “{paragraph[:80]}{'…' if len(paragraph) > 80 else ''}”"
        ))
    if data.unsourced_events:
        named = _join([f"“{(e.statement or e.summary)[:60]}”" for e in data.unsourced_events[:4]])
        problems.append(FilingProblem(
            "citations", f"Cited facts rest on no record page, so they print “[citation missing]”: {named}. Attach "
            "the record that shows each, or cite another fact."
        ))
    waiting = records_awaiting_review(case=case)
    if waiting:
        listed = _join([f"{name} ({count})" for name, count in waiting])
        problems.append(FilingProblem(
            "review", f"Proposals still wait in the review queue for {listed}: their facts cannot be in the draft yet."
        ))
    if data.unexhibited_sources:
        problems.append(FilingProblem(
            "exhibits", f"Facts are cited to pages no exhibit includes: {_join(list(data.unexhibited_sources[:6]))}."
        ))
    return problems


def _join(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + f" and {items[-1]}"
