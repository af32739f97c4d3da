"""Score the extractor on every gold set with shared/eval/score.py, and leave-one-set-out.

A set with records (the shared samples) is read the way the contract measures it: each record file through
``extract_text`` (PDF text, DOCX, OCR) and ``find_events``; a corpus set (text only) from its NAME.txt.
Leave-one-set-out trains a model without the set (``train.py``; needs the training environment), then
scores the set with that model, so the number says how the extractor does on material it never saw.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import shutil
import tempfile
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from types import ModuleType

from extraction.pipeline.events import find_events
from extraction.pipeline.model import EventModel, load_model
from extraction.pipeline.types import PAGE_SEPARATOR, ExtractedText

from .gold import SHARED_SAMPLES_DIR, GoldSet, corpus_document_keys, gold_sets

SCORER = SHARED_SAMPLES_DIR.parent / "eval" / "score.py"


class ScorerMissing(RuntimeError):
    pass


def load_scorer(path: Path = SCORER) -> ModuleType:
    if not path.exists():
        raise ScorerMissing(f"the scorer is not at {path}: shared/ must sit beside the project")
    spec = importlib.util.spec_from_file_location("score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@dataclass(frozen=True)
class SetScore:
    name: str
    documents: int
    gold: int
    predicted: int
    f1: float
    precision: float
    recall: float
    year: float | None
    macro_f1: float
    # precision of the proposals a reviewer sees under each confidence word (only for held-out sets, where it
    # says whether "likely" deserves the word): {"likely": [proposals, precision], ...}
    levels: dict[str, list] | None = None

    @classmethod
    def of(cls, name: str, documents: int, result: dict) -> SetScore:
        o = result["overall"]
        return cls(name, documents, o["n_gold"], o["n_pred"], o["f1"], o["precision"], o["recall"],
                   o["year_accuracy"], o["macro_f1"])


def predictions(gold_set: GoldSet, model: EventModel, *, threshold: float | None = None) -> dict:
    """What ``manage.py extract --json`` would print for the set's records (or its texts); ``threshold`` as
    for ``find_events``."""
    from extraction.management.commands.extract import EVENT_FIELDS, extract_document, record_files

    documents = []
    if gold_set.records_dir is not None:
        for path in record_files(gold_set.records_dir):
            documents.append(extract_document(path, dob=None, model=model, threshold=threshold))
        return {"documents": documents}
    for doc in gold_set.documents:
        record = ExtractedText(f"{doc.name}.txt", tuple(doc.text.split(PAGE_SEPARATOR)))
        events = find_events(record, model=model, threshold=threshold)
        documents.append({
            "path": f"{doc.name}.txt",
            "text": record.text,
            "events": [{k: v for k, v in asdict(e).items() if k in EVENT_FIELDS} for e in events],
        })
    return {"documents": documents}


def score_set(gold_set: GoldSet, model: EventModel, scorer: ModuleType | None = None) -> SetScore:
    scorer = scorer or load_scorer()
    gold = scorer.load_gold(gold_set.gold_dir)
    result = scorer.score(gold, predictions(gold_set, model))
    return SetScore.of(gold_set.name, len(gold_set.documents), result)


def levels(gold_set: GoldSet, model: EventModel, scorer: ModuleType | None = None) -> dict[str, list]:
    """Per confidence word, how many proposals the set gets and what share of them are right: the check that
    "likely" and "possible" (``confidence.LIKELY``, ``confidence.POSSIBLE``) mean what they say."""
    from extraction.confidence import LIKELY, POSSIBLE, STORED_FLOOR

    scorer = scorer or load_scorer()
    gold = scorer.load_gold(gold_set.gold_dir)
    everything = predictions(gold_set, model, threshold=STORED_FLOOR)
    bands = {"likely": (LIKELY, 2.0), "possible": (POSSIBLE, LIKELY), "unlikely": (STORED_FLOOR, POSSIBLE)}
    out = {}
    for word, (lo, hi) in bands.items():
        docs = [{**d, "events": [e for e in d["events"] if lo <= e["confidence"] < hi]} for d in everything["documents"]]
        o = scorer.score(gold, {"documents": docs})["overall"]
        out[word] = [o["n_pred"], round(o["precision"], 3) if o["n_pred"] else None]
    return out


def score_all(sets: list[GoldSet] | None = None, model: EventModel | None = None) -> list[SetScore]:
    scorer = load_scorer()
    model = model or load_model()
    return [score_set(s, model, scorer) for s in (sets if sets is not None else gold_sets())]


def leave_one_set_out(sets: list[GoldSet], *, only: list[str] | None = None, keep: Path | None = None, log=print,
                      **settings) -> list[SetScore]:
    """For each set (or each named in ``only``): train without it, score it. Needs PyTorch. ``keep``: a folder
    where each held-out model is kept (``keep/SET``), to look at its mistakes afterwards."""
    from . import train as training

    scorer = load_scorer()
    out = []
    for held in sets:
        if only and held.name not in only:
            continue
        rest = [s for s in sets if s.name != held.name]
        log(f"leave-one-set-out: training without {held.name} ({len(rest)} sets)")
        config = training.Settings(**settings)
        docs = training.labelled(rest)
        net = training.train(docs, config, log=log)
        with tempfile.TemporaryDirectory() as tmp:
            # exported exactly as the shipped model is, so the score is the product's
            training.export(net, Path(tmp), settings=config, trained_on=[s.name for s in rest],
                            documents=corpus_document_keys(rest))
            model = EventModel(Path(tmp))
            score = replace(score_set(held, model, scorer), levels=levels(held, model, scorer))
            if keep is not None:
                shutil.copytree(tmp, keep / held.name, dirs_exist_ok=True)
        log(f"  {held.name}: F1 {score.f1:.3f} P {score.precision:.3f} R {score.recall:.3f} "
            f"by confidence word (proposals, precision): {score.levels}")
        out.append(score)
    return out


def markdown(scores: list[SetScore], loso: list[SetScore] | None = None, *, when: dt.date | None = None) -> str:
    """The table the README shows."""
    by_name = {s.name: s for s in loso or []}
    head = "| set | documents | gold events | F1 | P | R | year | macroF1 |"
    rule = "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    if loso is not None:
        head += " left out: F1 | P | R | year |"
        rule += " ---: | ---: | ---: | ---: |"
    lines = [f"Measured {(when or dt.datetime.now(dt.timezone.utc).date()).isoformat()}.", "", head, rule]

    def y(v):
        return "–" if v is None else f"{v:.2f}"

    for s in scores:
        row = (f"| {s.name} | {s.documents} | {s.gold} | {s.f1:.3f} | {s.precision:.3f} | {s.recall:.3f} | "
               f"{y(s.year)} | {s.macro_f1:.3f} |")
        if loso is not None:
            h = by_name.get(s.name)
            row += (f" {h.f1:.3f} | {h.precision:.3f} | {h.recall:.3f} | {y(h.year)} |" if h else " | | | |")
        lines.append(row)
    # held out by training without them (loso) or by being annotated after training (the unseen sets)
    held = [s for s in loso or [] if s.levels] + [s for s in scores if s.levels and s not in (loso or [])]
    if held:
        lines += ["", "Held-out proposals by the confidence word the review queue shows: how many, and what share "
                  "are right.", "", "| left-out set | likely | possible | unlikely (hidden unless asked for) |",
                  "| --- | ---: | ---: | ---: |"]
        for s in held:
            cells = [f"{n} at P {p:.2f}" if p is not None else "0" for n, p in
                     (s.levels[w] for w in ("likely", "possible", "unlikely"))]
            lines.append(f"| {s.name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
