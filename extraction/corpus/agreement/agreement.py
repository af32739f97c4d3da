#!/usr/bin/env python3
"""Inter-annotator agreement on corpus documents labelled twice, independently (ten in the first study).

    python3 extraction/corpus/agreement/agreement.py [--after] [--study fifth]

``first/`` holds the corpus annotator's gold files as they were when the second annotator started
(``GENRE__NAME.gold.json`` + text); ``second/`` the second annotator's anchors with the text they read.
The two are compared with shared/eval/score.py exactly as a prediction is compared with gold: spans of the
same kind and category that overlap, matched one to one; F1 is symmetric, so it does not matter which side
is called gold. ``--after`` compares the second annotator with the adjudicated corpus instead. ``--study
NAME`` reads a later check laid out the same way in ``NAME/first`` and ``NAME/second``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
import build  # noqa: E402

SCORER = HERE.parents[3] / "shared" / "eval" / "score.py"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--after", action="store_true", help="against the adjudicated corpus")
    parser.add_argument("--study", help="a later check's folder (its first/ and second/)")
    args = parser.parse_args(argv)
    study = HERE / args.study if args.study else HERE
    spec = importlib.util.spec_from_file_location("score", SCORER)
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    documents = []
    for ann in sorted((study / "second").glob("*.ann.json")):
        stem = ann.name.removesuffix(".ann.json")
        gold = build.build_one(ann)
        text = ann.with_name(stem + ".txt").read_text(encoding="utf-8")
        events = [dict(e, date=str(e["year"]) if e["year"] else None) for e in gold["events"]]
        documents.append({"path": f"{stem}.txt", "text": text, "events": events})
    with tempfile.TemporaryDirectory() as tmp:
        gold_dir = study / "first"
        if args.after:
            gold_dir = Path(tmp)
            for f in (study / "first").glob("*.txt"):
                genre, name = f.stem.split("__")
                for suffix in (".txt", ".gold.json"):
                    (gold_dir / (f.stem + suffix)).write_bytes((HERE.parent / genre / (name + suffix)).read_bytes())
        result = score.score(score.load_gold(gold_dir), json.loads(json.dumps({"documents": documents})))
    print(score.render(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
