"""The monthly cost report as files (CSV, XLSX, PDF via WeasyPrint) and the SVG chart the web page shares."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from html import escape

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.formats import number_format

# A cell starting with one of these is a formula to Excel/LibreOffice; we export it as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# WeasyPrint (apps.core.pdf) takes ~0.7 s to import; only the PDF needs it, so it is imported on first use:
# building the report, CSV/XLSX/JSON and the chart never pay for it.
def __getattr__(name: str):
    if name == "PDF_BASE_URL":  # documents render against this origin; only our static files resolve under it
        from apps.core.pdf import BASE_URL

        return BASE_URL
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def static_path(url: str) -> str | None:
    """The static file behind one of the PDF's URLs, else None (`apps.core.pdf.static_path`)."""
    from apps.core.pdf import static_path as find

    return find(url)


COLUMNS = [
    ("city", "City"),
    ("code", "Department code"),
    ("name", "Department"),
    ("local", "Local"),
    ("long_distance", "Long distance"),
    ("mobile", "Mobile"),
    ("international", "International"),
    ("toll_free", "Toll-free"),
    ("usage", "Usage"),
    ("recurring", "Recurring"),
    ("one_time", "One-off"),
    ("net", "Net"),
    ("vat", "VAT"),
    ("gross", "Gross"),
    ("calls", "Calls"),
    ("billed_minutes", "Billed minutes"),
    ("unrated_calls", "Unrated calls"),
    ("budget", "Budget"),
    ("over_budget", "Over budget"),
]
MONEY_COLUMNS = {
    "local", "long_distance", "mobile", "international", "toll_free",
    "usage", "recurring", "one_time", "net", "vat", "gross", "budget", "billed_minutes",
}  # fmt: skip


def neutralise(text: str) -> str:
    """Make a text cell safe for spreadsheets: a leading formula character gets a quote before it."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def report_rows(data: dict) -> list[dict]:
    """One flat row per department, then Unassigned, then Totals (values still typed)."""
    rows = []
    for line in data["departments"]:
        rows.append(_flat(line, city=line["city"], code=line["code"], name=line["name"]))
    rows.append(_flat(data["unassigned"], city="", code="", name="Unassigned"))
    rows.append(_flat(data["totals"], city="", code="", name="Total"))
    return rows


def _flat(line: dict, **names) -> dict:
    row = dict(names)
    for key, _label in COLUMNS:
        if key in names:
            continue
        value = line["usage_by_type"][key] if key in line["usage_by_type"] else line.get(key)
        if key in MONEY_COLUMNS and value is not None:
            value = Decimal(value)
        row[key] = value
    return row


def to_csv(data: dict) -> bytes:
    """UTF-8 with a BOM (Excel then reads Cyrillic right), comma-separated, dot decimals."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["Month", *[label for _key, label in COLUMNS]])
    for row in report_rows(data):
        cells = [data["month"]]
        for key, _label in COLUMNS:
            value = row[key]
            if value is None:
                cells.append("")
            elif isinstance(value, bool):
                cells.append("yes" if value else "no")
            elif isinstance(value, str):
                cells.append(neutralise(value))
            else:
                cells.append(str(value))
        writer.writerow(cells)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(data: dict) -> bytes:
    """Numbers as numbers (2 decimals), the month as a real date, text never read as a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = f"Costs {data['month']}"
    sheet.append(["Month", *[label for _key, label in COLUMNS]])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    year, month = (int(x) for x in data["month"].split("-"))
    first_day = dt.date(year, month, 1)
    for row in report_rows(data):
        sheet.append([first_day, *[_xlsx_value(row[key]) for key, _label in COLUMNS]])
        excel_row = sheet.max_row
        sheet.cell(excel_row, 1).number_format = "yyyy-mm"
        for index, (key, _label) in enumerate(COLUMNS, start=2):
            cell = sheet.cell(excel_row, index)
            if key in MONEY_COLUMNS:
                cell.number_format = "#,##0.00"
            elif isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever it starts with
                if cell.value.startswith(FORMULA_STARTS):
                    cell.quotePrefix = True
    for row in sheet.iter_rows(min_row=sheet.max_row, max_row=sheet.max_row):
        for cell in row:
            cell.font = Font(bold=True)
    sheet.freeze_panes = "D2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value):
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


# --- SVG chart ----------------------------------------------------------------------------------


def _amount(value: Decimal, places: int) -> str:
    """An amount written the page's way (1 214,05 in Russian), thousands grouped."""
    return number_format(value, places, use_l10n=True, force_grouping=True)


def trend_svg(points: list[tuple[str, Decimal]], *, title: str, width: int = 640, height: int = 200) -> str:
    """A bar chart of monthly totals as inline SVG: the same drawing on the page and in the PDF."""
    left, bottom, top = 60, 28, 24
    plot_w, plot_h = width - left - 10, height - bottom - top
    peak = max((v for _l, v in points), default=Decimal(0)) or Decimal(1)
    bar = plot_w / max(len(points), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}" class="chart">',
        f'<text x="{left}" y="14" font-size="12" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" stroke="#888"/>',
        f'<text x="{left - 4}" y="{top + 4}" font-size="9" text-anchor="end">{_amount(peak, 0)}</text>',
        f'<text x="{left - 4}" y="{top + plot_h}" font-size="9" text-anchor="end">0</text>',
    ]
    for index, (label, value) in enumerate(points):
        h = float(value / peak) * plot_h if value > 0 else 0
        x = left + index * bar + bar * 0.15
        y = top + plot_h - h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar * 0.7:.1f}" height="{h:.1f}" fill="#3b6ea5">'
            f"<title>{escape(label)}: {_amount(value, 2)}</title></rect>"
        )
        parts.append(
            f'<text x="{x + bar * 0.35:.1f}" y="{height - 12}" font-size="9" text-anchor="middle">'
            f"{escape(label[2:])}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


# --- PDF ----------------------------------------------------------------------------------------


def to_pdf(data: dict, *, departments_detail: dict, chart: str) -> bytes:
    html = render_to_string(
        "billing/report_pdf.html",
        {
            "data": data,
            "details": departments_detail,
            "chart": chart,
            "company": getattr(settings, "PORTAL_COMPANY_NAME", "") or "Telephony Portal",
        },
    )
    from apps.core.pdf import render_pdf

    return render_pdf(html)
