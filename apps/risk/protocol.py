"""«Протокол разногласий»: the table of clauses we ask the operator to change (clause, the operator's
wording, our wording, the reason), as DOCX and PDF. Pure functions over plain rows: the page builds
the rows from open findings and lets the lawyer edit them before export."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.template.loader import render_to_string

CODE_TITLES_RU = {
    "PRICE_CHANGE_UNILATERAL": "одностороннее изменение цен и тарифов",
    "TERMS_CHANGE_UNILATERAL": "одностороннее изменение условий договора",
    "INVOICE_DEEMED_ACCEPTED": "счета и акты считаются принятыми без проверки",
    "PENALTY": "завышенная неустойка (пени, штрафы)",
    "UNCAPPED_LIABILITY": "неограниченная ответственность Абонента",
    "LIABILITY_LIMITATION": "одностороннее ограничение ответственности Оператора",
    "NON_NEGOTIABLE": "условия не подлежат согласованию (оферта, присоединение)",
    "NUMBER_LOCKIN": "номера не переходят к Абоненту при расторжении",
    "AUTO_RENEWAL": "автоматическая пролонгация с длительным сроком уведомления",
    "UNILATERAL_TERMINATION": "одностороннее приостановление или расторжение Оператором",
    "JURISDICTION": "подсудность споров не в пользу Абонента",
    "MIN_COMMITMENT": "минимальный объём или платёж",
}
SEVERITY_RU = {
    "info": "информация",
    "low": "низкий",
    "medium": "средний",
    "high": "высокий",
    "critical": "критический",
}


@dataclass(frozen=True)
class ProtocolRow:
    """One disagreement: the clause as printed, the operator's text, ours, and why."""

    clause: str
    operator_wording: str
    our_wording: str
    reason: str


@dataclass(frozen=True)
class ProtocolHeader:
    """Whose contract: its number and title, the two sides as they sign, the date of the protocol."""

    contract_code: str
    contract_title: str
    operator: str
    customer: str
    day: dt.date
    version: int | None = None
    notes: list[str] = field(default_factory=list)


def default_reason(code: str, severity: str, legal_basis: list[str]) -> str:
    """«Риск: …; уровень: …; основание: …» — the reason column before the lawyer edits it."""
    parts = [f"Риск: {CODE_TITLES_RU.get(code, code)}", f"уровень: {SEVERITY_RU.get(severity, severity)}"]
    if legal_basis:
        parts.append("основание: " + ", ".join(legal_basis))
    return "; ".join(parts) + "."


def default_row(
    *, code: str, severity: str, clause: str, quote: str, suggestion: dict, legal_basis: list[str]
) -> ProtocolRow:
    """A row from a finding-like record: our wording is the suggestion's "ask"."""
    return ProtocolRow(
        clause=clause,
        operator_wording=" ".join(quote.split()),
        our_wording=(suggestion or {}).get("ask", ""),
        reason=default_reason(code, severity, legal_basis),
    )


def clause_sort_key(clause: str) -> tuple:
    """Clauses in document order: preamble first, then 1.2 < 1.10 < 2.1."""
    if clause == "preamble":
        return (0, ())
    parts = []
    for piece in clause.replace(")", "").split("."):
        parts.append((0, int(piece), "") if piece.isdigit() else (1, 0, piece))
    return (1, tuple(parts))


def sorted_rows(rows: list[ProtocolRow]) -> list[ProtocolRow]:
    return sorted(rows, key=lambda r: clause_sort_key(r.clause))


def clause_label(clause: str) -> str:
    return "Преамбула" if clause == "preamble" else f"п. {clause}"


TITLE = "ПРОТОКОЛ РАЗНОГЛАСИЙ"


def _subtitle(header: ProtocolHeader) -> str:
    title = f" «{header.contract_title}»" if header.contract_title else ""
    return f"к договору № {header.contract_code}{title}"


def protocol_docx(header: ProtocolHeader, rows: list[ProtocolRow]) -> bytes:
    """The protocol as a Word document: title, parties, the four-column table, signature lines."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(11)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.add_run(TITLE).bold = True
    sub = document.add_paragraph(_subtitle(header))
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(header.day.strftime("%d.%m.%Y"))
    document.add_paragraph(
        f"{header.customer} (Абонент) предлагает {header.operator} (Оператор) "
        "принять следующие пункты договора в редакции Абонента:"
    )
    table = document.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells,
        ("№", "Пункт договора", "Редакция Оператора", "Редакция Абонента", "Обоснование"),
        strict=True,
    ):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for number, row in enumerate(sorted_rows(rows), start=1):
        cells = table.add_row().cells
        values = (str(number), clause_label(row.clause), row.operator_wording, row.our_wording, row.reason)
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
    for note in header.notes:
        document.add_paragraph(note)
    document.add_paragraph(
        "Остальные условия договора, не затронутые настоящим протоколом, остаются в редакции договора."
    )
    signatures = document.add_table(rows=2, cols=2)
    signatures.cell(0, 0).text = f"Оператор: {header.operator}"
    signatures.cell(0, 1).text = f"Абонент: {header.customer}"
    signatures.cell(1, 0).text = "____________________ / ____________ /"
    signatures.cell(1, 1).text = "____________________ / ____________ /"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def protocol_html(header: ProtocolHeader, rows: list[ProtocolRow]) -> str:
    context = {
        "title": TITLE,
        "subtitle": _subtitle(header),
        "header": header,
        "rows": [(n, clause_label(r.clause), r) for n, r in enumerate(sorted_rows(rows), start=1)],
    }
    return render_to_string("risk/protocol_pdf.html", context)


def protocol_pdf(header: ProtocolHeader, rows: list[ProtocolRow]) -> bytes:
    """The protocol as PDF (WeasyPrint), the same content as the DOCX."""
    from apps.core.pdf import render_pdf  # fetches nothing but our static files

    return render_pdf(protocol_html(header, rows))
