#!/usr/bin/env python3
"""Agreement on opinion passages two annotators took, independently, from the same opinion (2026-12-02).

    python3 extraction/corpus/agreement/overlap.py

Helpers adding Supreme Court passages in parallel chose five of the same opinions; each labelled their own
cut without seeing the other's. ``overlap/NAME__a.*`` is the copy kept in the corpus, ``NAME__b.*`` the other
(files as built by build.py). Only paragraphs both cuts contain verbatim are compared: ``a``'s events there are
moved to ``b``'s offsets and scored against ``b``'s with shared/eval/score.py, exactly as a prediction against
gold (F1 is symmetric).
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCORER = HERE.parents[3] / "shared" / "eval" / "score.py"


def _paragraphs(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), " ".join(m.group().split())) for m in re.finditer(r"[^\n]+", text)]


def shared_events(text_a: str, events_a: list, text_b: str, events_b: list) -> tuple[list, list]:
    """``a``'s and ``b``'s events inside the paragraphs both texts hold, ``a``'s at ``b``'s offsets."""
    in_b = {words: start for start, _end, words in _paragraphs(text_b)}
    shared = [(s, e, in_b[w]) for s, e, w in _paragraphs(text_a) if len(w) > 40 and w in in_b]
    moved = []
    for ev in events_a:
        for s, e, b_start in shared:
            if s <= ev["start"] and ev["end"] <= e and text_a[s:e] == text_b[b_start:b_start + e - s]:
                moved.append(dict(ev, start=b_start + ev["start"] - s, end=b_start + ev["end"] - s))
                break
    spans_b = [(b, b + e - s) for s, e, b in shared]
    kept_b = [ev for ev in events_b if any(lo <= ev["start"] and ev["end"] <= hi for lo, hi in spans_b)]
    return moved, kept_b


def main() -> int:
    spec = importlib.util.spec_from_file_location("score", SCORER)
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    documents = []
    with tempfile.TemporaryDirectory() as tmp:
        for a_txt in sorted((HERE / "overlap").glob("*__a.txt")):
            name = a_txt.name.removesuffix("__a.txt")
            b_txt = a_txt.with_name(f"{name}__b.txt")
            text_a, text_b = a_txt.read_text(encoding="utf-8"), b_txt.read_text(encoding="utf-8")
            events_a = json.loads(a_txt.with_name(f"{name}__a.gold.json").read_text(encoding="utf-8"))["events"]
            events_b = json.loads(b_txt.with_name(f"{name}__b.gold.json").read_text(encoding="utf-8"))["events"]
            moved, kept_b = shared_events(text_a, events_a, text_b, events_b)
            (Path(tmp) / f"{name}.txt").write_text(text_b, encoding="utf-8")
            (Path(tmp) / f"{name}.gold.json").write_text(json.dumps({"events": kept_b}), encoding="utf-8")
            events = [dict(e, date=str(e["year"]) if e["year"] else None) for e in moved]
            documents.append({"path": f"{name}.txt", "text": text_b, "events": events})
        result = score.score(score.load_gold(Path(tmp)), {"documents": documents})
    print(score.render(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
