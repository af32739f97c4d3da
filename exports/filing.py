"""Filing decisions the software surfaces before a record goes to court, and what each decision does to the packet.

Two things a lawyer must decide, record by record, that no reduction under Rule 49.1 settles:
- a record whose text carries a redisclosure or confidentiality notice (42 CFR Part 2 treatment records,
  juvenile-court and child-welfare records, "privileged and confidential" evaluations): file it under seal (the
  public packet keeps a slip sheet saying so), leave it out, or file it publicly (an order or a waiver allows it);
- a record page that states a fact the client withheld: reduce the passage (a box over it, labelled), leave the
  page out, or file the exhibit under seal.

A public export is refused while any item is undecided (exports.services). The safe choices are the defaults a
script may accept (`export_narrative --accept-defaults`): notice-bearing records under seal, withheld passages
reduced. Page decisions apply to both versions (the client withheld the fact from the court, sealed or not);
filing a record under seal concerns only the public version.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from cases.models import Case
from exports.assemble import ExportData, ExportExhibit
from narratives.selectors import withheld_sources

WITHHELD_LABEL = "[withheld]"

RECORD_CHOICES = {
    "seal": "File it under seal (a slip sheet in the public packet says so)",
    "omit": "Leave it out of the filing",
    "public": "File it publicly (a court order or the holder's consent allows it)",
}
PAGE_CHOICES = {
    "reduce": "Reduce the passage (a labelled box over it)",
    "omit": "Leave the page out (a stamped sheet keeps its Bates number)",
    "seal": "File the whole exhibit under seal",
}
SAFE_RECORD_CHOICE = "seal"
SAFE_PAGE_CHOICE = "reduce"

# (what a person reads, the notice's words, what else the record must say for them to be that notice): the first
# that matches names the record's notice.
HEAD_CHARS = 600
_CONFIDENTIAL = re.compile(r"\bconfidential\b", re.IGNORECASE)
NOTICES: tuple[tuple[str, re.Pattern[str], re.Pattern[str] | None], ...] = (
    ("substance use treatment record under 42 CFR Part 2 (redisclosure prohibited)",
     re.compile(r"42\s*C\.?\s*F\.?\s*R\.?\s*(?:Part\s*|§\s*)?2\b", re.IGNORECASE), None),
    ("redisclosure notice",
     re.compile(r"\bre-?disclos\w*|\bfurther\s+disclosure\b|\bnot\s+(?:to\s+)?be\s+re-?released", re.IGNORECASE), None),
    ("privileged and confidential record",
     re.compile(r"\bprivileged\s+and\s+confidential\b|\battorney\s+work\s+product\b|\bprivileged\b[^.\n]{0,40}"
                r"\bconfidential\b", re.IGNORECASE), None),
    ("confidential juvenile-court record", _CONFIDENTIAL, re.compile(r"\bjuvenile\b", re.IGNORECASE)),
    ("confidential child-welfare record", _CONFIDENTIAL,
     re.compile(r"\bchild(?:ren)?(?:'s)?\s+(?:and\s+family\s+)?services\b|\bchild\s+protective\b|\bDCFS\b|"
                r"\bchild\s+welfare\b", re.IGNORECASE)),
)


@dataclass(frozen=True, slots=True)
class FilingItem:
    key: str  # "record:12" or "page:12:3": the name of its decision
    kind: Literal["notice", "withheld"]
    letter: str
    document_id: int
    page: int | None
    what: str  # what a person reads: the notice, or the withheld fact
    excerpt: str  # the words on the page that raised it
    choices: Mapping[str, str]
    safe: str


def _excerpt(text: str, start: int, end: int) -> str:
    return " ".join(text[max(0, start - 60) : min(len(text), end + 60)].split())


def _notice(exhibit: ExportExhibit) -> FilingItem | None:
    # Who made the record is said at its head: a hospital note that mentions a child-welfare hotline is no
    # child-welfare record.
    head = exhibit.page_texts[0][:HEAD_CHARS] if exhibit.page_texts else ""
    for what, words, context in NOTICES:
        if context is not None and not context.search(head):
            continue
        for number, text in enumerate(exhibit.page_texts, 1):
            found = words.search(text)
            if found:
                return FilingItem(
                    key=f"record:{exhibit.document_id}", kind="notice", letter=exhibit.letter,
                    document_id=exhibit.document_id, page=number, what=what,
                    excerpt=_excerpt(text, found.start(), found.end()), choices=RECORD_CHOICES, safe=SAFE_RECORD_CHOICE,
                )
    return None


def filing_items(*, data: ExportData, case: Case) -> list[FilingItem]:
    """What must be decided before this filing goes out, exhibit by exhibit."""
    items: list[FilingItem] = []
    by_document = {exhibit.document_id: exhibit for exhibit in data.exhibits}
    withheld = withheld_sources(case=case, document_ids=list(by_document))
    for exhibit in data.exhibits:
        notice = _notice(exhibit)
        if notice is not None:
            items.append(notice)
        pages: dict[int, list] = {}
        for source in withheld:
            if source.document_id == exhibit.document_id and 1 <= source.page_number <= len(exhibit.page_texts):
                pages.setdefault(source.page_number, []).append(source)
        for number, sources in sorted(pages.items()):
            text = exhibit.page_texts[number - 1]
            first = sources[0]
            items.append(
                FilingItem(
                    key=f"page:{exhibit.document_id}:{number}", kind="withheld", letter=exhibit.letter,
                    document_id=exhibit.document_id, page=number,
                    what="; ".join(dict.fromkeys(s.event.summary for s in sources)),
                    excerpt=_excerpt(text, first.start, first.end), choices=PAGE_CHOICES, safe=SAFE_PAGE_CHOICE,
                )
            )
    return items


def undecided(items: list[FilingItem], decisions: Mapping[str, str]) -> list[FilingItem]:
    return [item for item in items if decisions.get(item.key) not in item.choices]


def safe_decisions(items: list[FilingItem]) -> dict[str, str]:
    return {item.key: item.safe for item in items}


def exhibits_as_decided(
    *, data: ExportData, case: Case, decisions: Mapping[str, str], sealed: bool
) -> list[tuple[ExportExhibit, dict]]:
    """Each exhibit with what its decisions do to it in this version, as PacketExhibit keyword arguments."""
    withheld = withheld_sources(case=case, document_ids=[e.document_id for e in data.exhibits])
    result = []
    for exhibit in data.exhibits:
        changes: dict = {}
        record = decisions.get(f"record:{exhibit.document_id}")
        page_choices = {
            int(key.rsplit(":", 1)[1]): choice for key, choice in decisions.items()
            if key.startswith(f"page:{exhibit.document_id}:")
        }
        if not sealed and (record == "seal" or "seal" in page_choices.values()):
            changes["not_here"] = (
                "Filed under seal. This record is filed with the sealed version of this filing and is not "
                "reproduced here."
            )
        elif not sealed and record == "omit":
            changes["not_here"] = "Not filed. This record is not part of this filing."
        else:
            changes["left_out"] = frozenset(n for n, choice in page_choices.items() if choice == "omit")
            passages: dict[int, list[tuple[int, int, str]]] = {}
            for source in withheld:
                if source.document_id == exhibit.document_id and page_choices.get(source.page_number) == "reduce":
                    passages.setdefault(source.page_number, []).append((source.start, source.end, WITHHELD_LABEL))
            changes["passages"] = {n: tuple(_disjoint(spans)) for n, spans in passages.items()}
        result.append((exhibit, changes))
    return result


def _disjoint(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    merged: list[tuple[int, int, str]] = []
    for start, end, label in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]), label)
        else:
            merged.append((start, end, label))
    return merged


def describe(items: list[FilingItem], decisions: Mapping[str, str]) -> list[str]:
    """One line per decision, for a script's output and the export's record."""
    return [
        f"Ex. {item.letter}{f', page {item.page}' if item.kind == 'withheld' else ''} ({item.what}): "
        f"{item.choices.get(decisions.get(item.key, ''), 'undecided')}"
        for item in items
    ]


__all__ = [
    "FilingItem", "describe", "exhibits_as_decided", "filing_items", "safe_decisions", "undecided",
]
