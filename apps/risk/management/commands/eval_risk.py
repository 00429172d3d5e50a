"""`manage.py eval_risk [--json]`: measure the scanner on the English benchmark and the Russian gold set."""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.risk.evaluation import SETS, evaluate

RU_GOLD = Path(__file__).resolve().parents[2] / "gold" / "ru_telecom.jsonl"
EN_RELATIVE = Path("shared/benchmarks/clause-risk/clause_risk_eval.jsonl")


def default_english_path() -> Path | None:
    """$RISK_BENCHMARK_EN, else ../shared/benchmarks/… next to the checkout (or one level further up)."""
    if os.environ.get("RISK_BENCHMARK_EN"):
        return Path(os.environ["RISK_BENCHMARK_EN"])
    base = Path(settings.BASE_DIR)
    for root in (base.parent, base.parent.parent):
        if (root / EN_RELATIVE).is_file():
            return root / EN_RELATIVE
    return None


class Command(BaseCommand):
    help = "Per-code precision/recall/F1 of the clause-risk scanner (English benchmark + Russian gold set)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--split", default="test", choices=("test", "dev"), help="report on this split")
        parser.add_argument("--en-path", type=Path, default=None, help="clause_risk_eval.jsonl")
        parser.add_argument("--ru-path", type=Path, default=RU_GOLD)
        parser.add_argument("--limit", type=int, default=0, help="use only the first N records of each set")
        parser.add_argument("--bootstrap", type=int, default=1000, help="resamples for the 95%% CI (0: none)")
        parser.add_argument(
            "--set", default="both", choices=("both", *SETS), help="evaluate only the english or russian set"
        )

    def handle(self, *args, **options):
        sets = SETS if options["set"] == "both" else (options["set"],)
        en_path = options["en_path"] or default_english_path()
        if "russian" in sets and not options["ru_path"].is_file():
            raise CommandError(f"Russian gold set not found: {options['ru_path']}")
        try:
            report = evaluate(
                split=options["split"],
                en_path=en_path,
                ru_path=options["ru_path"],
                resamples=options["bootstrap"],
                limit=options["limit"],
                sets=sets,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        else:
            self._print(report)

    def _print(self, report: dict) -> None:
        for name, part in report.items():
            self.stdout.write(f"\n=== {name} ({part.get('path', '')})")
            if "error" in part:
                self.stdout.write(part["error"])
                continue
            self.stdout.write(f"split {part['split']}, {part['records']} records")
            for level, summary in part["levels"].items():
                micro = summary["micro"]
                self.stdout.write(
                    f"\n-- severity {level}: micro P {micro['precision']} R {micro['recall']} "
                    f"F1 {micro['f1']} "
                    f"(95% CI {summary['micro_f1_ci95']}), macro F1 {summary['macro_f1']}"
                )
                self.stdout.write(f"{'code':<26}{'support':>8}{'P':>8}{'R':>8}{'F1':>8}{'FP':>6}")
                for code, c in summary["per_code"].items():
                    self.stdout.write(
                        f"{code:<26}{c['support']:>8}{_fmt(c['precision'])}{_fmt(c['recall'])}{_fmt(c['f1'])}{c['fp']:>6}"
                    )
                for code, hard in summary.get("hard_negatives", {}).items():
                    self.stdout.write(
                        f"  hard negatives {code}: {hard['false_positives']}/{hard['hard_negatives']} flagged"
                    )
                for source, data in summary.get("per_source", {}).items():
                    self.stdout.write(
                        f"  {source}: micro F1 {data['micro']['f1']} ({data['records']} records)"
                    )
                if "protective_flagged" in summary:
                    self.stdout.write(
                        f"  protective clauses flagged at this level: {summary['protective_flagged']}"
                    )
            if "severity_accuracy" in part:
                self.stdout.write(f"\nseverity agreement on found labels: {part['severity_accuracy']}")
                self.stdout.write(f"direction agreement on found labels: {part['direction_accuracy']}")
                self.stdout.write(f"parameter exact match: {json.dumps(part['parameter_accuracy'])}")


def _fmt(value: float | None) -> str:
    return f"{'-' if value is None else f'{value:.3f}':>8}"
