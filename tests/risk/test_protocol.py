"""The protocol of disagreements as files: DOCX and PDF list every row, in clause order, in Russian."""

from __future__ import annotations

import datetime as dt
import io

from docx import Document
from pypdf import PdfReader

from apps.risk.protocol import (
    ProtocolHeader,
    ProtocolRow,
    clause_sort_key,
    default_row,
    protocol_docx,
    protocol_pdf,
)

HEADER = ProtocolHeader(
    contract_code="КЗН-17/2026",
    contract_title="Договор об оказании услуг связи",
    operator="ООО «Казань-Телеком»",
    customer="ООО «Салоны связи»",
    day=dt.date(2026, 11, 25),
)
ROWS = [
    ProtocolRow("5.1", "пени 1 % за каждый день", "пени 0,1 % в день, не более 10 %", "ГК РФ ст. 333"),
    ProtocolRow("preamble", "договор-оферта", "договор заключается в письменной форме", "ГК РФ ст. 428"),
    ProtocolRow(
        "10.2", "споры — в третейском суде", "споры — в арбитражном суде по месту ответчика", "АПК РФ ст. 35"
    ),
    ProtocolRow(
        "4.2", "Оператор вправе в любое время изменять тарифы", "только по соглашению Сторон", "ГК РФ ст. 310"
    ),
]


def docx_table(data: bytes) -> list[list[str]]:
    document = Document(io.BytesIO(data))
    return [[cell.text for cell in row.cells] for row in document.tables[0].rows]


def test_the_docx_protocol_has_the_four_columns_and_one_row_per_disagreement_in_clause_order():
    data = protocol_docx(HEADER, ROWS)
    table = docx_table(data)
    assert table[0] == ["№", "Пункт договора", "Редакция Оператора", "Редакция Абонента", "Обоснование"]
    assert [row[1] for row in table[1:]] == ["Преамбула", "п. 4.2", "п. 5.1", "п. 10.2"]
    assert table[3][2:] == ["пени 1 % за каждый день", "пени 0,1 % в день, не более 10 %", "ГК РФ ст. 333"]
    paragraphs = [p.text for p in Document(io.BytesIO(data)).paragraphs]
    assert "ПРОТОКОЛ РАЗНОГЛАСИЙ" in paragraphs
    assert any("КЗН-17/2026" in p for p in paragraphs)


def test_the_pdf_protocol_carries_the_same_rows():
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(protocol_pdf(HEADER, ROWS))).pages)
    flat = " ".join(text.split())
    assert "ПРОТОКОЛ РАЗНОГЛАСИЙ" in flat
    assert "КЗН-17/2026" in flat
    for row in ROWS:
        assert " ".join(row.our_wording.split()) in flat


def test_markup_in_a_wording_is_printed_not_interpreted():
    rows = [ProtocolRow("1.1", "<b>жирный</b>", "<script>x</script>", "—")]
    text = PdfReader(io.BytesIO(protocol_pdf(HEADER, rows))).pages[0].extract_text()
    assert "<script>x</script>" in text


def test_a_default_row_proposes_the_suggestion_and_names_the_risk_and_its_basis():
    row = default_row(
        code="PENALTY",
        severity="critical",
        clause="5.1",
        quote="За просрочку\n оплаты  пени 1 %",
        suggestion={"ask": "Снизить пени до 0,1 % в день."},
        legal_basis=["ГК РФ ст. 330", "ГК РФ ст. 333"],
    )
    assert row.operator_wording == "За просрочку оплаты пени 1 %"
    assert row.our_wording == "Снизить пени до 0,1 % в день."
    assert (
        row.reason == "Риск: завышенная неустойка (пени, штрафы); уровень: критический; "
        "основание: ГК РФ ст. 330, ГК РФ ст. 333."
    )


def test_clauses_sort_in_document_order():
    clauses = ["10.1", "2", "preamble", "1.10", "1.2", "1.2.1"]
    assert sorted(clauses, key=clause_sort_key) == ["preamble", "1.2", "1.2.1", "1.10", "2", "10.1"]
