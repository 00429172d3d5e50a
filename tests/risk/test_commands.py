import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from apps.core.documents import extract_text
from tests.contracts.documents import make_docx, make_pdf

FINDING_KEYS = {
    "code",
    "severity",
    "confidence",
    "direction",
    "clause",
    "start",
    "end",
    "quote",
    "parameters",
    "suggestion",
}
CONTRACT = (
    "ПУБЛИЧНАЯ ОФЕРТА на оказание услуг связи\r\n"
    "1.1. Оператор вправе в одностороннем порядке изменять тарифы в любое время.\r\n"
    "4.2. Пени за просрочку оплаты — 0,3 % за каждый день просрочки.\r\n"
)


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_scan_contract_prints_the_json_shape_of_the_issue(tmp_path):
    path = tmp_path / "offer.txt"
    path.write_bytes(CONTRACT.encode("utf-8"))
    payload = json.loads(run("scan_contract", str(path), "--json"))
    assert set(payload) == {"sha256", "findings"}
    assert len(payload["sha256"]) == 64
    codes = {f["code"] for f in payload["findings"]}
    assert {"NON_NEGOTIABLE", "PRICE_CHANGE_UNILATERAL", "PENALTY"} <= codes
    for finding in payload["findings"]:
        assert set(finding) == FINDING_KEYS
        assert set(finding["suggestion"]) >= {"ask", "fallback", "walk_away_if", "legal_basis"}


def test_offsets_index_the_files_own_characters_including_crlf(tmp_path):
    path = tmp_path / "offer.txt"
    path.write_bytes(CONTRACT.encode("utf-8"))
    file_text = path.read_bytes().decode("utf-8")
    payload = json.loads(run("scan_contract", str(path), "--json"))
    for finding in payload["findings"]:
        assert file_text[finding["start"] : finding["end"]] == finding["quote"]
    penalty = next(f for f in payload["findings"] if f["code"] == "PENALTY")
    assert (penalty["clause"], penalty["severity"], penalty["parameters"]["rate_pct_per_day"]) == (
        "4.2",
        "high",
        0.3,
    )


def test_scan_contract_prints_a_readable_table_without_json(tmp_path):
    path = tmp_path / "offer.txt"
    path.write_text(CONTRACT, encoding="utf-8")
    out = run("scan_contract", str(path))
    assert "PRICE_CHANGE_UNILATERAL" in out and "critical" in out and "ask:" in out


def test_min_severity_filters_the_findings(tmp_path):
    path = tmp_path / "offer.txt"
    path.write_text(CONTRACT, encoding="utf-8")
    payload = json.loads(run("scan_contract", str(path), "--json", "--min-severity", "critical"))
    assert {f["severity"] for f in payload["findings"]} == {"critical"}


def test_a_file_that_is_not_utf8_is_refused_with_its_name(tmp_path):
    path = tmp_path / "cp1251.txt"
    path.write_bytes("Договор".encode("cp1251"))
    with pytest.raises(CommandError, match=r"cp1251\.txt: not UTF-8"):
        run("scan_contract", str(path))


def test_an_unsupported_file_type_is_refused(tmp_path):
    path = tmp_path / "contract.rtf"
    path.write_text("x", encoding="utf-8")
    with pytest.raises(CommandError, match=r"unsupported file type \.rtf"):
        run("scan_contract", str(path))


DOCX_CLAUSES = (
    "ДОГОВОР об оказании услуг связи",
    "4.2. Оператор вправе в любое время в одностороннем порядке изменять тарифы без уведомления Абонента.",
    "5.1. За просрочку оплаты Абонент уплачивает пени в размере 1 % от суммы долга за каждый день просрочки.",
)


def test_scan_contract_reads_a_docx_through_the_document_extractor(tmp_path):
    path = tmp_path / "contract.docx"
    path.write_bytes(make_docx(*DOCX_CLAUSES))
    payload = json.loads(run("scan_contract", str(path), "--json"))
    text, _kind = extract_text(path.read_bytes(), path.name)
    found = {(f["code"], f["clause"], f["severity"]) for f in payload["findings"]}
    assert ("PRICE_CHANGE_UNILATERAL", "4.2", "critical") in found
    assert ("PENALTY", "5.1", "critical") in found
    for finding in payload["findings"]:
        assert text[finding["start"] : finding["end"]] == finding["quote"]


def test_scan_contract_reads_a_pdf_through_the_document_extractor(tmp_path):
    path = tmp_path / "contract.pdf"
    path.write_bytes(make_pdf("За просрочку оплаты Абонент уплачивает пени 0,3 % за каждый день просрочки."))
    payload = json.loads(run("scan_contract", str(path), "--json"))
    penalty = next(f for f in payload["findings"] if f["code"] == "PENALTY")
    assert penalty["parameters"]["rate_pct_per_day"] == 0.3
    assert penalty["severity"] == "high"


def test_a_file_whose_content_is_not_what_its_name_says_is_refused_with_its_name(tmp_path):
    path = tmp_path / "contract.pdf"
    path.write_bytes("просто текст".encode())
    with pytest.raises(CommandError, match=r"contract\.pdf.*is named as PDF but its content is plain text"):
        run("scan_contract", str(path))


def test_eval_risk_runs_on_a_small_slice(tmp_path):
    english = tmp_path / "bench.jsonl"
    rows = [
        {
            "id": "x1",
            "text": "We may amend these Terms at any time.",
            "labels": ["TERMS_CHANGE_UNILATERAL"],
            "related": [],
            "dataset": "unfair_tos",
            "doc": "a",
            "split": "test",
        },
        {
            "id": "x2",
            "text": "The parties shall meet quarterly.",
            "labels": [],
            "related": ["JURISDICTION"],
            "dataset": "cuad_v1",
            "doc": "b",
            "split": "test",
        },
    ]
    english.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    report = json.loads(
        run("eval_risk", "--json", "--en-path", str(english), "--limit", "10", "--bootstrap", "20")
    )
    en_any = report["english"]["levels"]["any"]
    assert en_any["records"] == 2
    assert en_any["per_code"]["TERMS_CHANGE_UNILATERAL"]["support"] == 1
    assert report["english"]["levels"]["medium+"]["hard_negatives"]["JURISDICTION"]["hard_negatives"] == 1
    ru = report["russian"]
    assert ru["records"] == 10 and ru["split"] == "test"
    assert set(ru["levels"]) == {"any", "medium+"}
    assert "parameter_accuracy" in ru


def test_eval_risk_reports_a_missing_benchmark_instead_of_crashing(tmp_path):
    report = json.loads(
        run(
            "eval_risk",
            "--json",
            "--en-path",
            str(tmp_path / "none.jsonl"),
            "--limit",
            "3",
            "--bootstrap",
            "0",
        )
    )
    assert "not found" in report["english"]["error"]
    assert report["russian"]["records"] == 3


def test_eval_risk_names_the_line_of_a_broken_gold_file(tmp_path):
    broken = tmp_path / "gold.jsonl"
    broken.write_text('{"id": 1}\n{not json\n', encoding="utf-8")
    with pytest.raises(CommandError, match=r"gold\.jsonl: line 2"):
        run("eval_risk", "--ru-path", str(broken), "--en-path", str(tmp_path / "none.jsonl"))


def test_the_text_report_lists_every_code(tmp_path):
    out = run(
        "eval_risk", "--en-path", str(Path(tmp_path) / "none.jsonl"), "--limit", "5", "--bootstrap", "0"
    )
    assert "NUMBER_LOCKIN" in out and "medium+" in out


def test_the_evaluate_entry_point_returns_per_code_figures_for_a_harness(tmp_path):
    from apps.risk.evaluation import evaluate, per_code_rows

    gold = tmp_path / "ru.jsonl"
    rows = [
        {
            "id": "r1",
            "doc": "d1",
            "split": "test",
            "clause": "4.1",
            "text": "4.1. Абонент уплачивает пени 1 % за каждый день просрочки.",
            "labels": [
                {"code": "PENALTY", "severity": "critical", "direction": "against_us", "parameters": {}}
            ],
        },
        {
            "id": "r2",
            "doc": "d2",
            "split": "test",
            "clause": "8.1",
            "text": "8.1. Споры рассматриваются в Третейском суде.",
            "labels": [],  # deliberately unlabelled: a false positive the figures must show
        },
    ]
    gold.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    report = evaluate(ru_path=gold, resamples=0, sets=("russian",))
    assert set(report) == {"russian"}
    table = {r["code"]: r for r in per_code_rows(report, "medium+")}
    assert (table["PENALTY"]["precision"], table["PENALTY"]["recall"]) == (1.0, 1.0)
    assert table["JURISDICTION"]["precision"] == 0.0 and table["JURISDICTION"]["support"] == 0
    assert (table["micro"]["precision"], table["micro"]["recall"]) == (0.5, 1.0)
    out = run("eval_risk", "--set", "russian", "--ru-path", str(gold), "--bootstrap", "0")
    assert "=== russian" in out and "=== english" not in out
