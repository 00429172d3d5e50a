from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.billing.budgets_io import BudgetFileError, budgets_import
from apps.billing.models import Budget


def test_budgets_import_months_and_years_from_csv(world, tmp_path):
    path = tmp_path / "budgets.csv"
    path.write_text("department,month,year,amount,note\nKZN-1,2026-03,,1500.50,весна\nKZN-2,,2026,12000,\n")
    assert budgets_import(path=path) == 13
    assert Budget.objects.get(department=world.sales).amount == Decimal("1500.50")
    assert Budget.objects.filter(department=world.office).count() == 12
    assert budgets_import(path=path) == 13  # again: same budgets, updated in place
    assert Budget.objects.count() == 13


def test_a_bad_row_refuses_the_whole_file_naming_row_and_column(world, tmp_path):
    path = tmp_path / "budgets.csv"
    path.write_text("department,month,amount\nKZN-1,2026-03,100\nNOPE,2026-13,-5\n")
    with pytest.raises(BudgetFileError) as caught:
        budgets_import(path=path)
    message = str(caught.value)
    assert "budgets.csv, row 3, department: unknown department code 'NOPE'" in message
    assert "row 3, month" in message and "row 3, amount" in message
    assert not Budget.objects.exists()


def test_budgets_import_reads_xlsx_with_real_dates(world, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["department", "month", "amount"])
    book.active.append(["KZN-1", dt.datetime(2026, 4, 1), 2500.25])
    path = tmp_path / "budgets.xlsx"
    book.save(path)
    call_command("import_budgets", str(path))
    assert Budget.objects.get().period == dt.date(2026, 4, 1)
    assert Budget.objects.get().amount == Decimal("2500.25")


def test_import_budgets_command_reports_errors(world, tmp_path):
    path = tmp_path / "b.csv"
    path.write_text("department,month,amount\nKZN-1,,1\n")
    with pytest.raises(CommandError, match="row 2, month/year"):
        call_command("import_budgets", str(path))
