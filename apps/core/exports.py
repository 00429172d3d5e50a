"""Spreadsheet exports that cannot run code on the reader's machine (CSV/formula injection, ASVS V1.2.10).

CSV: a text cell starting with `= + - @`, a tab, CR, LF or NUL gets a leading apostrophe (OWASP's
recommendation), so Excel/LibreOffice show it as text; `restore()` takes it off again on import, so an
exported file imports back unchanged. Numbers are left alone (a negative amount is a number, not text).

XLSX: every text cell is written with the string type, so "=HYPERLINK(…)" stays the characters the user
typed and is never a formula; the value itself is not altered. Characters XML cannot hold are dropped.

`SafeCSV` / `SafeXLSX` are django-import-export formats doing the same for every admin export
(django-import-export's own `IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT` only strips one leading "=").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from import_export.formats.base_formats import CSV, XLSX

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")


def neutralize(value):
    """A CSV cell value that a spreadsheet will not evaluate."""
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value


def restore(value):
    """The inverse of `neutralize` for text read back from one of our CSV exports."""
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1:].startswith(TRIGGERS):
        return value[1:]
    return value


def csv_text(headers: Sequence, rows: Iterable[Sequence]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)  # "\r\n" rows: a field holding CR or LF is then quoted
    writer.writerow([neutralize(h) for h in headers])
    for row in rows:
        writer.writerow([neutralize(v) for v in row])
    return out.getvalue()


def xlsx_append(ws, values: Sequence) -> None:
    """Append a row to a write-only openpyxl sheet, text cells typed as strings."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cells = []
    for value in values:
        if isinstance(value, str):
            cell = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", value))
            cell.data_type = "s"  # "=…" stays text, never a formula
        else:
            cell = WriteOnlyCell(ws, value=value)
        cells.append(cell)
    ws.append(cells)


def xlsx_bytes(sheets: Iterable[tuple[str, Sequence, Iterable[Sequence]]]) -> bytes:
    """An .xlsx file from (title, headers, rows) triples."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    for title, headers, rows in sheets:
        ws = book.create_sheet(title=title[:31])
        xlsx_append(ws, [str(h) for h in headers])
        for row in rows:
            xlsx_append(ws, list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value):
    return "" if value is None else value


class SafeCSV(CSV):
    """CSV export with formula triggers neutralised."""

    def export_data(self, dataset, **kwargs):
        return csv_text(dataset.headers or [], ([_cell(v) for v in row] for row in dataset))


class SafeXLSX(XLSX):
    """XLSX export with every text cell typed as text."""

    def export_data(self, dataset, **kwargs):
        return xlsx_bytes(
            [(dataset.title or "export", dataset.headers or [], ([_cell(v) for v in r] for r in dataset))]
        )
