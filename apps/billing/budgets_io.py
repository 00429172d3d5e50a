"""Budgets from a CSV or XLSX sheet: columns `department`, `month` (YYYY-MM) or `year`, `amount`, `note`.

Every row is checked before anything is written; any bad row refuses the whole file with messages
naming the file, row and column. A `year` row is split evenly over its twelve months.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from apps.company.models import Department

from . import services
from .rating import Month


class BudgetFileError(ValueError):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class BudgetRow:
    line: int
    department: Department
    month: Month | None
    year: int | None
    amount: Decimal
    note: str


def _rows(path: Path) -> list[dict]:
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(path, read_only=True, data_only=True).active
        values = list(sheet.iter_rows(values_only=True))
        if not values:
            return []
        header = [str(h or "").strip().lower() for h in values[0]]
        return [dict(zip(header, row, strict=False)) for row in values[1:]]
    text = path.read_bytes().decode("utf-8-sig")
    return [
        {(k or "").strip().lower(): v for k, v in row.items()} for row in csv.DictReader(io.StringIO(text))
    ]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return f"{value:%Y-%m}"
    return str(value).strip()


def budgets_parse(path: Path) -> list[BudgetRow]:
    rows = _rows(path)
    departments = {d.code: d for d in Department.objects.all()}
    errors, parsed = [], []
    name = path.name
    if rows and not {"department", "amount"} <= set(rows[0]):
        raise BudgetFileError([f"{name}: the header needs the columns department, month or year, amount"])
    for number, row in enumerate(rows, start=2):
        where = f"{name}, row {number}"
        code = _text(row.get("department"))
        department = departments.get(code)
        if department is None:
            errors.append(f"{where}, department: unknown department code {code!r}")
        month_text, year_text = _text(row.get("month")), _text(row.get("year"))
        month = year = None
        if bool(month_text) == bool(year_text):
            errors.append(
                f"{where}, month/year: give either a month (YYYY-MM) or a year, not both or neither"
            )
        elif month_text:
            try:
                month = Month.parse(month_text)
            except ValueError as exc:
                errors.append(f"{where}, month: {exc}")
        else:
            try:
                year = int(year_text)
            except ValueError:
                errors.append(f"{where}, year: {year_text!r} is not a year")
        raw_amount = row.get("amount")
        try:
            if isinstance(raw_amount, float):
                raw_amount = repr(raw_amount)
            amount = Decimal(_text(raw_amount).replace(" ", "").replace(",", "."))
            if not amount.is_finite() or amount < 0:
                raise InvalidOperation
        except InvalidOperation:
            errors.append(f"{where}, amount: {_text(raw_amount)!r} is not an amount of money ≥ 0")
            amount = None
        if department and (month or year) and amount is not None:
            parsed.append(BudgetRow(number, department, month, year, amount, _text(row.get("note"))[:300]))
    if errors:
        raise BudgetFileError(errors)
    return parsed


@transaction.atomic
def budgets_import(*, path: Path) -> int:
    """Import every row or none; returns the number of monthly budgets written."""
    written = 0
    for row in budgets_parse(path):
        if row.month is not None:
            services.budget_set(department=row.department, month=row.month, amount=row.amount, note=row.note)
            written += 1
        else:
            services.budget_set_year(
                department=row.department, year=row.year, amount=row.amount, note=row.note
            )
            written += 12
    return written
