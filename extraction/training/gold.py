"""Gold sets (shared samples and the repository's corpus) and the per-unit labels the model learns from.

A *gold set* is a folder of NAME.txt + NAME.gold.json pairs (shared/eval/CONTRACT.md), optionally with the
records a user would upload beside it (``records/``), which evaluation then reads through the real reading
path (PDF text, DOCX, OCR) as the contract's measure does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from extraction.pipeline.taxonomy import ALL_CATEGORIES, STATUSES
from extraction.pipeline.units import ReadingUnit, reading_units

PROJECT_DIR = Path(__file__).resolve().parents[2]
CORPUS_DIR = PROJECT_DIR / "extraction" / "corpus"
SHARED_SAMPLES_DIR = PROJECT_DIR.parent / "shared" / "samples"

CATEGORIES: tuple[str, ...] = tuple(ALL_CATEGORIES)
STATUS_LABELS: tuple[str, ...] = ("none", *STATUSES)
O, B, I, IGNORE = 0, 1, 2, -100  # per unit and category: no event, an event starts, the event goes on


@dataclass(frozen=True, slots=True)
class GoldDocument:
    name: str
    text: str
    events: tuple[dict, ...]
    genre: str = ""


@dataclass(frozen=True, slots=True)
class GoldSet:
    """One set: its name, its gold folder, and its records folder when the set has one."""

    name: str
    gold_dir: Path
    records_dir: Path | None = None
    documents: tuple[GoldDocument, ...] = field(default=(), repr=False)


def load_gold_dir(gold_dir: Path) -> tuple[GoldDocument, ...]:
    docs = []
    for gold_path in sorted(gold_dir.glob("*.gold.json")):
        name = gold_path.name.removesuffix(".gold.json")
        data = json.loads(gold_path.read_text(encoding="utf-8"))
        text = gold_path.with_name(name + ".txt").read_bytes().decode("utf-8")
        docs.append(GoldDocument(name, text, tuple(data["events"]), data.get("genre", "")))
    return tuple(docs)


def gold_sets(*, samples_dir: Path = SHARED_SAMPLES_DIR, corpus_dir: Path = CORPUS_DIR) -> list[GoldSet]:
    """Every gold set: each shared sample set, then each genre folder of the corpus that holds documents."""
    sets = []
    if samples_dir.is_dir():
        for folder in sorted(p for p in samples_dir.iterdir() if (p / "gold").is_dir()):
            records = folder / "records"
            sets.append(
                GoldSet(folder.name, folder / "gold", records if records.is_dir() else None,
                        load_gold_dir(folder / "gold"))
            )
    if corpus_dir.is_dir():
        for folder in sorted(p for p in corpus_dir.iterdir() if p.is_dir()):
            docs = load_gold_dir(folder)
            if docs:
                sets.append(GoldSet(f"corpus-{folder.name}", folder, None, docs))
    return sets


def document_key(gold_set: GoldSet, doc: GoldDocument) -> str:
    """How a model's meta.json names a document it was trained on."""
    return f"{gold_set.name}/{doc.name}"


def corpus_document_keys(sets: list[GoldSet]) -> list[str]:
    """The corpus documents among ``sets``, as meta.json lists them. The shared samples are not listed: a model
    is trained on a sample set whole or not at all (``trained_on`` says which), and their file names are names
    of people the proper-noun check keeps out of model files."""
    return [document_key(s, d) for s in sets if s.name.startswith("corpus-") for d in s.documents]


UNSEEN_RECORDS, UNSEEN_OPINIONS = "unseen-records", "unseen-opinions"


def unseen_sets(sets: list[GoldSet], trained: set[str], workdir: Path) -> list[GoldSet]:
    """The corpus documents a model was not trained on, as two sets: records (every genre but opinions) and
    court opinions. Documents annotated after a model was trained are the nearest thing here to the records
    nobody has seen: the same guidelines, new writers and cases, and no training on them. Each set's gold
    folder is a copy under ``workdir`` (the scorer reads a whole folder). Empty sets are left out."""
    groups: dict[str, list[tuple[GoldDocument, Path]]] = {UNSEEN_RECORDS: [], UNSEEN_OPINIONS: []}
    for gold_set in sets:
        if not gold_set.name.startswith("corpus-"):
            continue
        group = groups[UNSEEN_OPINIONS if gold_set.name == "corpus-opinion" else UNSEEN_RECORDS]
        group.extend((doc, gold_set.gold_dir) for doc in gold_set.documents
                     if document_key(gold_set, doc) not in trained)
    out = []
    for name, members in groups.items():
        if not members:
            continue
        folder = workdir / name
        folder.mkdir(parents=True, exist_ok=True)
        for doc, source in members:
            for suffix in (".txt", ".gold.json"):
                (folder / f"{doc.name}{suffix}").write_bytes((source / f"{doc.name}{suffix}").read_bytes())
        docs = [doc for doc, _ in members]
        out.append(GoldSet(name, folder, None, tuple(docs)))
    return out


@dataclass(slots=True)
class LabelledDocument:
    """A document cut into reading units, with a label per unit and category and a status per unit."""

    name: str
    text: str
    units: list[ReadingUnit]
    labels: list[list[int]]  # [unit][category] in O / B / I / IGNORE
    statuses: list[int]  # [unit]: index into STATUS_LABELS of the engagement starting there, or IGNORE
    lost: int = 0  # gold events no unit could carry (two of one category on one unit)


def label_document(doc: GoldDocument) -> LabelledDocument:
    """Labels for the model: the unit that overlaps a gold event most starts it (B), further units of the
    same sentence or row that the event mostly covers continue it (I); a unit the event only grazes is left
    out of the loss for that category rather than called a non-event."""
    units = reading_units(doc.text)
    n_cat = len(CATEGORIES)
    labels = [[IGNORE if u.context_only else O] * n_cat for u in units]
    statuses = [IGNORE] * len(units)
    lost = 0
    for ev in sorted(doc.events, key=lambda e: (e["start"], e["end"])):
        c = CATEGORIES.index(ev["category"])
        overlaps = [
            (min(u.end, ev["end"]) - max(u.start, ev["start"]), i)
            for i, u in enumerate(units)
            if not u.context_only and u.start < ev["end"] and ev["start"] < u.end
        ]
        if not overlaps:
            lost += 1
            continue
        _, best = max(overlaps)
        if labels[best][c] in (B, I):
            lost += 1  # a second event of this category on a unit already taken: the units are too coarse
            continue
        group = units[best].group
        covered = sorted(
            i for o, i in overlaps if i == best or (o >= 0.5 * (units[i].end - units[i].start))
        )
        first = True
        for i in covered:
            if units[i].group != group or labels[i][c] in (B, I):
                labels[i][c] = labels[i][c] if labels[i][c] in (B, I) else IGNORE
                continue
            labels[i][c] = B if first else I
            if first and ev["kind"] == "service_engagement":
                statuses[i] = STATUS_LABELS.index(ev.get("status") or "none")
            first = False
        for o, i in overlaps:
            if i not in covered and labels[i][c] == O:
                labels[i][c] = IGNORE
    return LabelledDocument(doc.name, doc.text, units, labels, statuses, lost)
