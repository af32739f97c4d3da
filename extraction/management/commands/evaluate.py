"""``manage.py evaluate [--set NAME ...] [--loso] [--json]``: score the extractor on every gold set.

Every set in ``../shared/samples/`` (read from its records, OCR included, as the contract measures) and
every genre folder of ``extraction/corpus/`` is scored with shared/eval/score.py using the shipped model.
``--loso`` adds leave-one-set-out: a model trained without each set scores that set (this trains one model
per set and needs the training environment: ``./dev evaluate --loso``). Prints the README's table.

Two more rows, ``unseen-records`` and ``unseen-opinions``, score the corpus documents the shipped model was
not trained on (its meta.json lists the ones it was): documents annotated after the last training are held out
without training anything.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from extraction.pipeline.model import ModelMissing, load_model
from extraction.training.evaluate import ScorerMissing, leave_one_set_out, levels, markdown, score_all, score_set
from extraction.training.gold import UNSEEN_OPINIONS, UNSEEN_RECORDS, gold_sets, unseen_sets


class Command(BaseCommand):
    help = "Score the extractor on every gold set (shared samples and the corpus), optionally leave-one-set-out."
    requires_system_checks: list[str] = []  # no database: like `extract`, this reads files only

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--set", action="append", default=[], dest="sets", metavar="NAME",
                            help="only this set (repeatable), e.g. client-c or corpus-opinion")
        parser.add_argument("--loso", action="store_true",
                            help="also train without each set and score it (needs ./dev train's environment)")
        parser.add_argument("--epochs", type=int, default=None, help="training epochs for --loso")
        parser.add_argument("--keep", type=Path, default=None, metavar="DIR",
                            help="with --loso: keep each held-out model in DIR/SET to study its mistakes")
        parser.add_argument("--json", action="store_true", help="print JSON instead of the table")

    def handle(self, *args: Any, **options: Any) -> None:
        sets = gold_sets()
        if not sets:
            raise CommandError("no gold sets found: shared/samples/ beside the project, or extraction/corpus/")
        unseen_names = (UNSEEN_RECORDS, UNSEEN_OPINIONS)
        names = {s.name for s in sets} | set(unseen_names)
        unknown = [n for n in options["sets"] if n not in names]
        if unknown:
            raise CommandError(f"no gold set named {', '.join(unknown)}; there are: {', '.join(sorted(names))}")
        chosen = [s for s in sets if not options["sets"] or s.name in options["sets"]]
        wanted_unseen = [n for n in unseen_names if not options["sets"] or n in options["sets"]]
        if options["loso"] and not chosen:
            raise CommandError("--loso trains without a gold set: name one (the unseen sets are already unseen)")
        try:
            model = load_model()
            with tempfile.TemporaryDirectory() as tmp:
                unseen = self._unseen(sets, model.meta, wanted_unseen, explicit=bool(options["sets"]), tmp=tmp)
                # held out without training: each also says how its proposals fare under each confidence word
                scores = score_all(chosen, model) + [replace(score_set(u, model), levels=levels(u, model))
                                                     for u in unseen]
        except (ModelMissing, ScorerMissing) as exc:
            raise CommandError(str(exc)) from None
        loso = None
        if options["loso"]:
            try:
                import torch  # noqa: F401
            except ImportError:
                raise CommandError(
                    "leave-one-set-out trains models and needs PyTorch: run ./dev evaluate --loso"
                ) from None
            extra = {"epochs": options["epochs"]} if options["epochs"] else {}
            loso = leave_one_set_out(sets, only=[s.name for s in chosen], keep=options["keep"],
                                     log=lambda m: self.stderr.write(m), **extra)
        if options["json"]:
            payload = {"scores": [asdict(s) for s in scores]}
            if loso is not None:
                payload["leave_one_set_out"] = [asdict(s) for s in loso]
            self.stdout.write(json.dumps(payload, indent=1))
        else:
            self.stdout.write(markdown(scores, loso))

    @staticmethod
    def _unseen(sets, meta: dict, wanted: list[str], *, explicit: bool, tmp: str) -> list:
        if not wanted:
            return []
        trained = meta.get("documents")
        if not trained:
            if explicit:
                raise CommandError("the shipped model's meta.json does not list the documents it was trained on, "
                                   "so which corpus documents it never saw is not known: retrain (./dev train)")
            return []
        found = [u for u in unseen_sets(sets, set(trained), Path(tmp)) if u.name in wanted]
        if explicit and not found:
            raise CommandError(f"the shipped model was trained on every corpus document: {', '.join(wanted)} "
                               "is empty until documents are annotated after the next training")
        return found
