"""The Russian gold set is well formed: the benchmark is only as good as its labels."""

import json
from collections import Counter
from pathlib import Path

from apps.risk.policy import CODES, DIRECTIONS, SEVERITIES

GOLD = Path(__file__).resolve().parents[2] / "apps" / "risk" / "gold" / "ru_telecom.jsonl"


def records():
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_gold_set_has_enough_clauses_in_both_splits():
    rows = records()
    splits = Counter(r["split"] for r in rows)
    assert len(rows) >= 150
    assert set(splits) == {"dev", "test"}


def test_no_document_is_in_both_splits():
    split_of = {}
    for r in records():
        assert split_of.setdefault(r["doc"], r["split"]) == r["split"], r["doc"]


def test_every_label_uses_a_known_code_severity_and_direction():
    for r in records():
        assert len({lab["code"] for lab in r["labels"]}) == len(r["labels"]), r["id"]
        for lab in r["labels"]:
            assert (
                lab["code"] in CODES and lab["severity"] in SEVERITIES and lab["direction"] in DIRECTIONS
            ), r["id"]


def test_every_code_appears_in_the_test_split_at_medium_or_above_and_as_a_protective_variant():
    rows = records()
    risky = {
        lab["code"]
        for r in rows
        if r["split"] == "test"
        for lab in r["labels"]
        if lab["severity"] in {"medium", "high", "critical"}
    }
    assert risky == set(CODES)
    protective = {lab["code"] for r in rows for lab in r["labels"] if lab["severity"] == "info"}
    assert len(protective) >= 8


def test_ids_are_unique_and_clause_numbers_match_the_text():
    rows = records()
    assert len({r["id"] for r in rows}) == len(rows)
    for r in rows:
        assert r["clause"] == "preamble" or r["text"].startswith(r["clause"] + "."), r["id"]
