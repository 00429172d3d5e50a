"""Measure the scanner: per-code precision/recall/F1 on the English benchmark and the Russian gold set.

The unit is one record (a clause or sentence). A prediction is the set of codes the scanner reports at or
above a severity threshold; gold is the record's labels (English: `labels`, all risky by construction;
Russian: labels whose gold severity reaches the threshold). On the English set PRICE_CHANGE_UNILATERAL
counts as its parent TERMS_CHANGE_UNILATERAL, and only the codes the benchmark maps are scored. Records
whose `related` list names a code are hard negatives: a prediction of that code there is reported
separately. Confidence intervals: bootstrap over documents (sentences of one contract are correlated).
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .policy import CODES, RANK
from .rules import scan

EN_CODES = (
    "TERMS_CHANGE_UNILATERAL",
    "PENALTY",
    "UNCAPPED_LIABILITY",
    "LIABILITY_LIMITATION",
    "NON_NEGOTIABLE",
    "AUTO_RENEWAL",
    "UNILATERAL_TERMINATION",
    "JURISDICTION",
    "MIN_COMMITMENT",
)
THRESHOLDS = {"any": "low", "medium+": "medium"}


def load_jsonl(path: Path) -> list[dict]:
    records = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}: line {number}: not valid JSON ({exc.msg})") from exc
    return records


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None or p + r == 0:
            return None if p is None and r is None else 0.0
        return 2 * p * r / (p + r)

    def as_json(self) -> dict:
        def rounded(value: float | None) -> float | None:
            return None if value is None else round(value, 3)

        return {
            "support": self.tp + self.fn,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": rounded(self.precision),
            "recall": rounded(self.recall),
            "f1": rounded(self.f1),
        }


@dataclass
class Scored:
    """One record after scanning: gold and predicted code sets, and its document."""

    doc: str
    gold: set[str]
    predicted: set[str]
    related: set[str] = field(default_factory=set)
    source: str = ""


def _per_code(rows: Iterable[Scored], codes: tuple[str, ...]) -> dict[str, Counts]:
    table = {code: Counts() for code in codes}
    for row in rows:
        for code in codes:
            g, p = code in row.gold, code in row.predicted
            if g and p:
                table[code].tp += 1
            elif p:
                table[code].fp += 1
            elif g:
                table[code].fn += 1
    return table


def _micro(table: dict[str, Counts]) -> Counts:
    total = Counts()
    for counts in table.values():
        total.add(counts)
    return total


def _macro_f1(table: dict[str, Counts]) -> float | None:
    values = [c.f1 for c in table.values() if c.tp + c.fn > 0 and c.f1 is not None]
    return round(sum(values) / len(values), 3) if values else None


def _bootstrap_micro_f1(
    rows: list[Scored], codes: tuple[str, ...], resamples: int, seed: int = 7
) -> list[float] | None:
    if resamples <= 0:
        return None
    by_doc: dict[str, Counts] = defaultdict(Counts)
    for row in rows:
        by_doc[row.doc].add(_micro(_per_code([row], codes)))
    docs = list(by_doc.values())
    if len(docs) < 2:
        return None
    rng = random.Random(seed)
    scores = []
    for _ in range(resamples):
        total = Counts()
        for counts in rng.choices(docs, k=len(docs)):
            total.add(counts)
        scores.append(total.f1 or 0.0)
    scores.sort()
    return [round(scores[int(0.025 * resamples)], 3), round(scores[int(0.975 * resamples) - 1], 3)]


def _summary(rows: list[Scored], codes: tuple[str, ...], resamples: int) -> dict:
    table = _per_code(rows, codes)
    micro = _micro(table)
    any_risk = Counts()
    for row in rows:
        g, p = bool(row.gold & set(codes)), bool(row.predicted & set(codes))
        any_risk.tp += g and p
        any_risk.fp += p and not g
        any_risk.fn += g and not p
    return {
        "records": len(rows),
        "per_code": {code: counts.as_json() for code, counts in table.items()},
        "micro": micro.as_json(),
        "micro_f1_ci95": _bootstrap_micro_f1(rows, codes, resamples),
        "macro_f1": _macro_f1(table),
        "any_risk": any_risk.as_json(),
    }


def _predict(text: str, floor: str) -> set[str]:
    return {f.code for f in scan(text) if RANK[f.severity] >= RANK[floor]}


def evaluate_english(records: list[dict], *, split: str = "test", resamples: int = 1000) -> dict:
    records = [r for r in records if r.get("split") == split]
    findings = [scan(r["text"], lang="en") for r in records]
    out: dict = {"split": split, "records": len(records), "levels": {}}
    for level, floor in THRESHOLDS.items():
        rows = []
        for record, found in zip(records, findings, strict=True):
            predicted = {f.code for f in found if RANK[f.severity] >= RANK[floor]}
            if "PRICE_CHANGE_UNILATERAL" in predicted:
                predicted = (predicted - {"PRICE_CHANGE_UNILATERAL"}) | {"TERMS_CHANGE_UNILATERAL"}
            rows.append(
                Scored(
                    doc=f"{record.get('dataset')}:{record.get('doc')}",
                    gold=set(record.get("labels", [])),
                    predicted=predicted,
                    related=set(record.get("related", [])) - set(record.get("labels", [])),
                    source=record.get("dataset", ""),
                )
            )
        summary = _summary(rows, EN_CODES, resamples)
        hard = {}
        for code in EN_CODES:
            negatives = [row for row in rows if code in row.related]
            if negatives:
                flagged = sum(code in row.predicted for row in negatives)
                hard[code] = {
                    "hard_negatives": len(negatives),
                    "false_positives": flagged,
                    "fp_rate": round(flagged / len(negatives), 3),
                }
        summary["hard_negatives"] = hard
        summary["per_source"] = {
            source: {"records": len(subset), "micro": _micro(_per_code(subset, EN_CODES)).as_json()}
            for source in sorted({row.source for row in rows})
            if (subset := [row for row in rows if row.source == source])
        }
        out["levels"][level] = summary
    return out


def evaluate_russian(records: list[dict], *, split: str = "test", resamples: int = 1000) -> dict:
    records = [r for r in records if r.get("split") == split]
    findings = [scan(r["text"], lang="ru") for r in records]
    out: dict = {"split": split, "records": len(records), "levels": {}}
    for level, floor in THRESHOLDS.items():
        rows = []
        for record, found in zip(records, findings, strict=True):
            gold = {lab["code"] for lab in record["labels"] if RANK[lab["severity"]] >= RANK[floor]}
            predicted = {f.code for f in found if RANK[f.severity] >= RANK[floor]}
            rows.append(Scored(doc=record["doc"], gold=gold, predicted=predicted))
        summary = _summary(rows, CODES, resamples)
        summary["protective_flagged"] = sum(
            1
            for record, row in zip(records, rows, strict=True)
            for lab in record["labels"]
            if lab["severity"] == "info" and lab["code"] in row.predicted
        )
        out["levels"][level] = summary
    out["severity_accuracy"], out["direction_accuracy"], out["parameter_accuracy"] = _russian_details(
        records, findings
    )
    return out


def _same(gold_value, predicted_value) -> bool:
    if isinstance(gold_value, (int, float)) and isinstance(predicted_value, (int, float)):
        return abs(float(gold_value) - float(predicted_value)) < 1e-6
    return gold_value == predicted_value


def _russian_details(records: list[dict], findings: list[list]) -> tuple[dict, dict, dict]:
    """Of the gold labels the scanner also found (same code): how often severity, direction, parameters "
    "agree."""
    sev = Counts()
    direction = Counts()
    params: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for record, found in zip(records, findings, strict=True):
        by_code = {f.code: f for f in found}
        for lab in record["labels"]:
            f = by_code.get(lab["code"])
            if f is None:
                continue
            sev.tp += f.severity == lab["severity"]
            sev.fn += f.severity != lab["severity"]
            direction.tp += f.direction == lab["direction"]
            direction.fn += f.direction != lab["direction"]
            for key, value in lab.get("parameters", {}).items():
                params[key][1] += 1
                params[key][0] += _same(value, f.parameters.get(key))
    severity = {
        "matched": sev.tp + sev.fn,
        "accuracy": round(sev.recall, 3) if sev.recall is not None else None,
    }
    directions = {
        "matched": direction.tp + direction.fn,
        "accuracy": round(direction.recall, 3) if direction.recall is not None else None,
    }
    parameters = {key: {"n": n, "exact": round(ok / n, 3)} for key, (ok, n) in sorted(params.items())}
    return severity, directions, parameters


def mismatches(records: list[dict], *, lang: str, floor: str = "low", split: str = "dev") -> list[dict]:
    """Records where prediction and gold differ (for tuning on dev; never used on test)."""
    out = []
    for record in records:
        if record.get("split") != split:
            continue
        found = scan(record["text"], lang=lang)
        predicted = {f.code for f in found if RANK[f.severity] >= RANK[floor]}
        if lang == "en":
            gold = set(record.get("labels", []))
            if "PRICE_CHANGE_UNILATERAL" in predicted:
                predicted = (predicted - {"PRICE_CHANGE_UNILATERAL"}) | {"TERMS_CHANGE_UNILATERAL"}
            predicted &= set(EN_CODES)
        else:
            gold = {lab["code"] for lab in record["labels"] if RANK[lab["severity"]] >= RANK[floor]}
        if gold != predicted:
            out.append(
                {
                    "id": record["id"],
                    "gold": sorted(gold),
                    "predicted": sorted(predicted),
                    "text": record["text"],
                }
            )
    return out


SETS = ("english", "russian")


def evaluate(
    *,
    split: str = "test",
    en_path: Path | None = None,
    ru_path: Path | None = None,
    resamples: int = 1000,
    limit: int = 0,
    sets: tuple[str, ...] = SETS,
) -> dict:
    """The whole quality report as one dict — the stable entry point for `manage.py eval_risk` and for a
    benchmark harness (`make bench`): {"english": {...}, "russian": {...}}, each with "levels" →
    "any"/"medium+" → "per_code" → code → {"support", "tp", "fp", "fn", "precision", "recall", "f1"},
    plus "micro", "macro_f1", "micro_f1_ci95". A set whose file is missing gets {"error": "..."}."""

    def records(path: Path) -> list[dict]:
        rows = load_jsonl(path)
        if limit:
            rows = [r for r in rows if r.get("split") == split][:limit]
        return rows

    report: dict = {}
    if "english" in sets:
        if en_path is None or not Path(en_path).is_file():
            report["english"] = {"error": f"English benchmark not found ({en_path}); pass --en-path"}
        else:
            report["english"] = {
                "path": str(en_path),
                **evaluate_english(records(Path(en_path)), split=split, resamples=resamples),
            }
    if "russian" in sets:
        if ru_path is None or not Path(ru_path).is_file():
            report["russian"] = {"error": f"Russian gold set not found ({ru_path})"}
        else:
            report["russian"] = {
                "path": str(ru_path),
                **evaluate_russian(records(Path(ru_path)), split=split, resamples=resamples),
            }
    return report


def per_code_rows(report: dict, level: str = "any") -> list[dict]:
    """Flat rows {"set", "level", "code", "support", "precision", "recall", "f1"} for a harness table."""
    rows = []
    for name, part in report.items():
        summary = part.get("levels", {}).get(level)
        if not summary:
            continue
        for code, c in summary["per_code"].items():
            rows.append(
                {
                    "set": name,
                    "level": level,
                    "code": code,
                    "support": c["support"],
                    "precision": c["precision"],
                    "recall": c["recall"],
                    "f1": c["f1"],
                }
            )
        micro = summary["micro"]
        rows.append(
            {
                "set": name,
                "level": level,
                "code": "micro",
                "support": micro["support"],
                "precision": micro["precision"],
                "recall": micro["recall"],
                "f1": micro["f1"],
            }
        )
    return rows
