#!/usr/bin/env python3
"""Build and check the annotated corpus: anchors in NAME.ann.json become offsets in NAME.gold.json.

    python extraction/corpus/build.py            # rebuild every NAME.gold.json, stop on the first error
    python extraction/corpus/build.py --check    # verify only: every gold file is current and valid
    python extraction/corpus/build.py PATH ...   # only these folders or .ann.json files

Annotators write the record's text (NAME.txt) and, beside it, NAME.ann.json:

    {"source": "where the text comes from (a citation, or 'synthetic: written for this corpus by ...')",
     "genre": "opinion | presentence | clinical | form | letter | casenote",
     "annotator": "who labelled it",
     "events": [{"anchor": "the exact words of the span", "occurrence": 1,
                 "kind": "life_event", "category": "education", "year": 2009,
                 "status": null, "note": "why, when it is a judgement call"}]}

An anchor is found in NAME.txt with any run of whitespace in the anchor matching any run of whitespace in
the text (so hard-wrapped lines need no care); ``occurrence`` (1-based, default 1) picks among repeats.
Offsets are computed here, never typed by hand, and the checks of shared/eval/GUIDELINES.md are applied:
known slugs, no span starting or ending with whitespace, no overlapping spans except two events of
different categories on exactly the same span, a year that is an integer or null.
Standard library only, so it runs before the project's environment exists.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "pipeline"))
from taxonomy import LIFE_EVENT_CATEGORIES, SERVICE_TYPES, STATUSES  # noqa: E402  (pure module, no Django)

GENRES = ("opinion", "presentence", "clinical", "form", "letter", "casenote")


class AnnotationError(ValueError):
    pass


def _anchor_regex(anchor: str) -> re.Pattern:
    parts = [re.escape(p) for p in anchor.split()]
    return re.compile(r"\s+".join(parts))


def locate(text: str, anchor: str, occurrence: int = 1) -> tuple[int, int]:
    """Return (start, end) of the occurrence-th match of ``anchor`` in ``text``."""
    if not anchor.strip():
        raise AnnotationError("empty anchor")
    if anchor != anchor.strip():
        raise AnnotationError(f"anchor starts or ends with whitespace: {anchor!r}")
    matches = list(_anchor_regex(anchor).finditer(text))
    if not matches:
        raise AnnotationError(f"anchor not found in the text: {anchor!r}")
    if not 1 <= occurrence <= len(matches):
        raise AnnotationError(f"anchor {anchor!r} occurs {len(matches)} time(s); occurrence {occurrence} asked")
    m = matches[occurrence - 1]
    return m.start(), m.end()


def build_one(ann_path: Path) -> dict:
    """Return the gold document for one NAME.ann.json, raising AnnotationError on any rule broken."""
    name = ann_path.name.removesuffix(".ann.json")
    txt_path = ann_path.with_name(name + ".txt")
    if not txt_path.exists():
        raise AnnotationError(f"{txt_path.name} is missing")
    text = txt_path.read_bytes().decode("utf-8")
    ann = json.loads(ann_path.read_text(encoding="utf-8"))
    for key in ("source", "genre", "annotator", "events"):
        if key not in ann:
            raise AnnotationError(f"missing top-level key {key!r}")
    if ann["genre"] not in GENRES:
        raise AnnotationError(f"genre {ann['genre']!r} is not one of {GENRES}")
    events = []
    for i, ev in enumerate(ann["events"], 1):
        where = f"event {i} ({ev.get('anchor', '')[:40]!r})"
        try:
            start, end = locate(text, ev["anchor"], int(ev.get("occurrence", 1)))
        except (AnnotationError, KeyError) as exc:
            raise AnnotationError(f"{where}: {exc}") from None
        kind, category = ev.get("kind"), ev.get("category")
        if kind == "life_event":
            if category not in LIFE_EVENT_CATEGORIES:
                raise AnnotationError(f"{where}: {category!r} is not a life-event slug")
        elif kind == "service_engagement":
            if category not in SERVICE_TYPES:
                raise AnnotationError(f"{where}: {category!r} is not a service-type slug")
        else:
            raise AnnotationError(f"{where}: kind {kind!r} is not life_event or service_engagement")
        year = ev.get("year")
        if year is not None and (not isinstance(year, int) or not 1900 <= year <= 2100):
            raise AnnotationError(f"{where}: year must be an integer year or null, not {year!r}")
        status = ev.get("status")
        if status is not None and (kind != "service_engagement" or status not in STATUSES):
            raise AnnotationError(f"{where}: status {status!r} is not a status slug of an engagement")
        out = {"start": start, "end": end, "kind": kind, "category": category, "year": year}
        if status is not None:
            out["status"] = status
        out["note"] = ev.get("note", "")
        events.append(out)
    _check_overlaps(text, events)
    events.sort(key=lambda e: (e["start"], e["end"], e["category"]))
    return {"source": ann["source"], "genre": ann["genre"], "annotator": ann["annotator"], "events": events}


def _check_overlaps(text: str, events: list[dict]) -> None:
    ordered = sorted(events, key=lambda e: (e["start"], e["end"]))
    for a_i, a in enumerate(ordered):
        for b in ordered[a_i + 1 :]:
            if b["start"] >= a["end"]:
                break
            same_span = (a["start"], a["end"]) == (b["start"], b["end"])
            if same_span and a["category"] != b["category"]:
                continue
            raise AnnotationError(
                "spans overlap: "
                f"{text[a['start']:a['end']][:50]!r} ({a['category']}) and "
                f"{text[b['start']:b['end']][:50]!r} ({b['category']})"
            )


AGREEMENT_DIR = HERE / "agreement"  # the second annotator's labels: a measurement, not corpus


def ann_files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for p in paths:
        if p.is_dir():
            found.extend(sorted(f for f in p.rglob("*.ann.json") if AGREEMENT_DIR not in f.parents))
        elif p.name.endswith(".ann.json"):
            found.append(p)
    return found


def stats(files: list[Path]) -> str:
    """Documents, words and events by genre, and events by category: the corpus README's tables."""
    from collections import Counter

    docs, words, events, cats = Counter(), Counter(), Counter(), Counter()
    for ann_path in files:
        gold = build_one(ann_path)
        genre = gold["genre"]
        docs[genre] += 1
        words[genre] += len(ann_path.with_name(ann_path.name.removesuffix(".ann.json") + ".txt").read_text(encoding="utf-8").split())
        events[genre] += len(gold["events"])
        cats.update(f"{e['kind']} / {e['category']}" for e in gold["events"])
    lines = ["| genre | documents | words | gold events |", "| --- | ---: | ---: | ---: |"]
    for genre in GENRES:
        lines.append(f"| {genre} | {docs[genre]} | {words[genre]:,} | {events[genre]:,} |")
    lines.append(f"| **all** | **{sum(docs.values())}** | **{sum(words.values()):,}** | **{sum(events.values()):,}** |")
    lines += ["", "| kind / category | events |", "| --- | ---: |"]
    lines += [f"| {k} | {n} |" for k, n in sorted(cats.items())]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[HERE])
    parser.add_argument("--check", action="store_true", help="verify only; exit 1 if a gold file is stale")
    parser.add_argument("--stats", action="store_true", help="print the corpus's counts as Markdown tables")
    args = parser.parse_args(argv)
    if args.stats:
        print(stats(ann_files(args.paths)))
        return 0
    failures = 0
    files = ann_files(args.paths)
    n_events = 0
    for ann_path in files:
        gold_path = ann_path.with_name(ann_path.name.removesuffix(".ann.json") + ".gold.json")
        try:
            gold = build_one(ann_path)
        except (AnnotationError, json.JSONDecodeError) as exc:
            print(f"{ann_path}: {exc}", file=sys.stderr)
            failures += 1
            continue
        n_events += len(gold["events"])
        rendered = json.dumps(gold, indent=1, ensure_ascii=False) + "\n"
        if args.check:
            if not gold_path.exists() or gold_path.read_text(encoding="utf-8") != rendered:
                print(f"{gold_path}: stale; run extraction/corpus/build.py", file=sys.stderr)
                failures += 1
        else:
            gold_path.write_text(rendered, encoding="utf-8")
    print(f"{len(files)} documents, {n_events} events, {failures} with errors")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
