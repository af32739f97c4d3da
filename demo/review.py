"""The demo case reviewed the way a specialist would: proposals that match the hand-labelled gold events of
the (fictional) sample records are accepted, the rest rejected; the same fact from several records is merged;
the client's consent is recorded, with one fact withheld. Used by `load_demo --now` only."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from audit.services import Actor
from cases.models import Case
from extraction.selectors import candidate_queue
from narratives.models import Consent, TimelineEvent
from narratives.selectors import timeline_list
from narratives.services import (
    candidate_accept,
    candidate_merge,
    candidate_reject,
    event_set_consent,
    event_update_flags,
)

SPACES = re.compile(r"\s+")
# Every record is reviewed: a record whose proposals wait is a fact the memorandum cannot tell (the filing checks
# refuse it). Upload a record of your own to see the queue at work.
LEFT_FOR_REVIEW: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ReviewCount:
    accepted: int
    merged: int
    rejected: int


def _normalised(text: str) -> tuple[str, list[int]]:
    """Text with runs of whitespace made single spaces, and where each character came from."""
    out, where, previous_space = [], [], False
    for index, char in enumerate(text):
        if char.isspace():
            if previous_space:
                continue
            char, previous_space = " ", True
        else:
            previous_space = False
        out.append(char)
        where.append(index)
    return "".join(out), where


def _gold_span(gold_text: str, gold_norm: tuple[str, list[int]], evidence: str) -> tuple[int, int] | None:
    needle = SPACES.sub(" ", evidence).strip()
    position = gold_norm[0].find(needle) if needle else -1
    if position < 0:
        return None
    return gold_norm[1][position], gold_norm[1][position + len(needle) - 1] + 1


def review_like_the_gold(*, case: Case, gold_dir: Path, reviewer: Actor) -> ReviewCount:
    accepted = merged = rejected = 0
    by_fact: dict[tuple[str, str], TimelineEvent] = {}
    candidates = candidate_queue(case=case).order_by("document_id", "start")
    for candidate in candidates:
        if LEFT_FOR_REVIEW and candidate.document.original_name.startswith(LEFT_FOR_REVIEW):
            continue
        stem = Path(candidate.document.original_name).stem
        gold_file, text_file = gold_dir / f"{stem}.gold.json", gold_dir / f"{stem}.txt"
        if not gold_file.exists() or not text_file.exists():
            candidate_reject(candidate=candidate, actor=reviewer)
            rejected += 1
            continue
        gold_text = text_file.read_text(encoding="utf-8")
        gold_events = json.loads(gold_file.read_text(encoding="utf-8"))["events"]
        span = _gold_span(gold_text, _normalised(gold_text), candidate.evidence)
        matches = span is not None and any(
            g["category"] == candidate.category and g["kind"] == candidate.kind and g["start"] < span[1] and span[0] < g["end"]
            for g in gold_events
        )
        if not matches:
            candidate_reject(candidate=candidate, actor=reviewer)
            rejected += 1
            continue
        fact = (candidate.category, candidate.date[:4])
        same = by_fact.get(fact)
        # The same kind of fact in the same year, told by another record: one event with two sources.
        if same is not None and candidate.date and not same.sources.filter(document=candidate.document).exists():
            candidate_merge(candidate=candidate, into=same, actor=reviewer)
            merged += 1
        else:
            event = candidate_accept(candidate=candidate, actor=reviewer)
            by_fact.setdefault(fact, event)
            accepted += 1
    _record_consent(case=case, reviewer=reviewer)
    return ReviewCount(accepted=accepted, merged=merged, rejected=rejected)


def _record_consent(*, case: Case, reviewer: Actor) -> None:
    """The client went through the facts with the team: most approved, their time in a foster home withheld."""
    events = list(timeline_list(case=case))
    withheld = next((e for e in events if e.category == "trauma_abuse" and "foster" in e.summary.lower()), None) or next(
        (e for e in events if e.category == "trauma_abuse"), None
    )
    for index, event in enumerate(events):
        if event == withheld:
            consent = Consent.WITHHELD
        elif index % 9 == 8:
            consent = Consent.NOT_DISCUSSED  # a few still to go through with the client
        else:
            consent = Consent.APPROVED
        event_set_consent(event=event, consent=consent, actor=reviewer)
        if event.category in {"trauma_abuse", "child_welfare", "substance_use"} and event.date:
            event_update_flags(event=event, key_fact=True, actor=reviewer)
