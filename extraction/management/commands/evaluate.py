"""``manage.py evaluate [--set NAME ...] [--loso] [--json]``: score the extractor on every gold set.

Every set in ``../shared/samples/`` (read from its records, OCR included, as the contract measures) and
every genre folder of ``extraction/corpus/`` is scored with shared/eval/score.py using the shipped model.
``--loso`` adds leave-one-set-out: a model trained without each set scores that set (this trains one model
per set and needs the training environment: ``./dev evaluate --loso``). Prints the README's table.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from extraction.pipeline.model import ModelMissing
from extraction.training.evaluate import ScorerMissing, leave_one_set_out, markdown, score_all
from extraction.training.gold import gold_sets


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
        names = {s.name for s in sets}
        unknown = [n for n in options["sets"] if n not in names]
        if unknown:
            raise CommandError(f"no gold set named {', '.join(unknown)}; there are: {', '.join(sorted(names))}")
        chosen = [s for s in sets if not options["sets"] or s.name in options["sets"]]
        try:
            scores = score_all(chosen)
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
