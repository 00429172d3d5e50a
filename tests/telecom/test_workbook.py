"""The inventory workbook: import_inventory / export_inventory and the workbook_import service."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.company.models import City, Department, Employee
from apps.core.workbook import workbook_export, workbook_import, workbook_sheets
from apps.telecom.models import Device, Extension, Line, NumberAssignment, PhoneNumber, Provider
from tests.factories import NumberAssignmentFactory, PhoneNumberFactory, ProviderFactory

EXAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "inventory_example"
MODELS = (City, Department, Employee, Provider, PhoneNumber, NumberAssignment, Extension, Line, Device)

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in MODELS}


def nothing_written() -> bool:
    return not any(row_counts().values())


@pytest.fixture
def workbook(tmp_path) -> Path:
    """A writable copy of the example CSV folder."""
    target = tmp_path / "inventory"
    shutil.copytree(EXAMPLE, target)
    return target


def edit(folder: Path, sheet: str, old: str, new: str) -> None:
    path = folder / f"{sheet}.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {sheet}.csv"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(folder: Path, sheet: str, line: str) -> None:
    with (folder / f"{sheet}.csv").open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def test_sheets_are_discovered_from_installed_apps_in_dependency_order():
    names = [name for name, _ in workbook_sheets()]
    assert names[:3] == ["cities", "departments", "employees"]
    assert names.index("providers") < names.index("numbers") < names.index("number_assignments")
    assert set(names) >= {"extensions", "lines", "devices"}


def test_example_workbook_imports_every_row(workbook):
    result = workbook_import(path=workbook, dry_run=False)
    assert result.errors == []
    assert result.created == 24
    number = PhoneNumber.objects.get(number="+78432000002")
    assert number.intermediary.name == "ОблакоАТС"
    assert str(number.monthly_fee) == "690.00"
    assert PhoneNumber.objects.filter(number="+73472460001").exists()  # "8 347 246-00-01" normalised
    assert Extension.objects.get(extension="102").employee.name == "Артём Соколов"


def test_dry_run_reports_counts_and_writes_nothing(workbook):
    result = workbook_import(path=workbook, dry_run=True)
    assert result.errors == [] and result.created == 24
    assert nothing_written()


def test_reimport_adds_nothing(workbook):
    workbook_import(path=workbook)
    before = row_counts()
    again = workbook_import(path=workbook)
    assert (again.created, again.updated, again.errors) == (0, 0, [])
    assert again.unchanged == sum(before.values())
    assert row_counts() == before


def test_changed_row_is_updated_in_place(workbook):
    workbook_import(path=workbook)
    edit(workbook, "numbers", "450.00", "475.50")
    result = workbook_import(path=workbook)
    assert (result.created, result.updated) == (0, 1)
    assert str(PhoneNumber.objects.get(number="+78432000001").monthly_fee) == "475.50"


def read_csv_folder(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.csv"))}


def wipe() -> None:
    for model in reversed(MODELS):
        model.objects.all().delete()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_round_trips_exactly(fmt, workbook, tmp_path):
    workbook_import(path=workbook)
    Provider.objects.filter(name="ОблакоАТС").update(notes='=HYPERLINK("x")\nвторая строка, с запятой')
    before = tmp_path / "before"
    workbook_export(path=before)
    exported = tmp_path / ("export.xlsx" if fmt == "xlsx" else "export")
    workbook_export(path=exported)
    counts = row_counts()
    wipe()
    assert nothing_written()

    result = workbook_import(path=exported)

    assert result.errors == []
    assert row_counts() == counts
    after = tmp_path / "after"
    workbook_export(path=after)
    assert read_csv_folder(after) == read_csv_folder(before)


def test_xlsx_export_writes_formula_lookalikes_as_text(workbook, tmp_path):
    workbook_import(path=workbook)
    Provider.objects.filter(name="ОблакоАТС").update(notes="=1+1")
    workbook_export(path=tmp_path / "out.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx")["providers"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == "=1+1"]
    assert cells and all(c.data_type == "s" for c in cells)


BAD_ROWS = [
    # (sheet, old, new, expected sheet/row/field, words in the message)
    ("numbers", "8 (843) 200-00-01", "8 (843) 200-00", ("numbers", 2, "number"), "not a valid phone number"),
    (
        "numbers",
        "8 347 246-00-01,geographic,Уфа",
        "8 347 246-00-01,geographic,Москва",
        ("numbers", 4, "city"),
        "Unknown city 'Москва'",
    ),
    (
        "numbers",
        "Казань,Таттелеком,ОблакоАТС",
        "Казань,Ростелеком,ОблакоАТС",
        ("numbers", 3, "carrier"),
        "Unknown provider 'Ростелеком'",
    ),
    (
        "number_assignments",
        "+73472460001,UFA-01",
        "+73472460001,UFA-99",
        ("number_assignments", 4, "department"),
        "Unknown department 'UFA-99'",
    ),
    (
        "number_assignments",
        "+73472460001,UFA-01",
        "+73472469999,UFA-01",
        ("number_assignments", 4, "number"),
        "Unknown number '+73472469999'",
    ),
    ("numbers", "450.00", '"450,00"', ("numbers", 2, "monthly_fee"), "with a dot"),
    (
        "numbers",
        "active,2025-03-01\n+7",
        "active,01.03.2025\n+7",
        ("numbers", 2, "activated_on"),
        "YYYY-MM-DD",
    ),
    (
        "providers",
        "Таттелеком,operator",
        "Таттелеком,telco",
        ("providers", 2, "kind"),
        "operator, pbx_provider, reseller",
    ),
    (
        "extensions",
        "Артём Соколов",
        "Пётр Иванов",
        ("extensions", 3, "employee"),
        "Unknown employee 'Пётр Иванов' in department 'KZN-01'",
    ),
    ("lines", "trunk-kzn,8", "trunk-kzn,eight", ("lines", 2, "channels"), "whole number"),
]


@pytest.mark.parametrize(("sheet", "old", "new", "where", "words"), BAD_ROWS, ids=[b[2] for b in BAD_ROWS])
def test_bad_row_is_reported_with_row_and_column_and_nothing_is_written(
    workbook, sheet, old, new, where, words
):
    edit(workbook, sheet, old, new)
    result = workbook_import(path=workbook)
    located = [(e.sheet, e.row, e.field) for e in result.errors]
    assert where in located, result.errors
    assert any(words in e.message for e in result.errors if (e.sheet, e.row, e.field) == where), result.errors
    assert nothing_written()


def test_overlapping_assignment_in_the_same_file_is_rejected(workbook):
    append(workbook, "number_assignments", "8 843 200-00-01,UFA-01,2025-06-01,,moved")
    result = workbook_import(path=workbook)
    [error] = result.errors
    assert (error.sheet, error.row, error.field) == ("number_assignments", 5, "valid_from")
    assert "Overlaps the period 2025-03-01" in error.message
    assert nothing_written()


def test_overlapping_assignment_with_the_database_is_rejected(workbook):
    existing = NumberAssignmentFactory(
        number=PhoneNumberFactory(number="+78432000001"), valid_from="2025-01-01", valid_to=None
    )
    result = workbook_import(path=workbook)
    assert any(
        (e.sheet, e.row, e.field) == ("number_assignments", 2, "valid_from") and "Overlaps" in e.message
        for e in result.errors
    ), result.errors
    assert list(NumberAssignment.objects.all()) == [existing]
    assert not City.objects.filter(name="Уфа").exists()


def test_repeated_natural_key_is_an_error_not_a_silent_overwrite(workbook):
    append(workbook, "cities", "Казань,Asia/Yekaterinburg,843")
    result = workbook_import(path=workbook)
    assert [(e.sheet, e.row, e.field) for e in result.errors] == [("cities", 4, "name")]
    assert "Repeats row 2" in result.errors[0].message
    assert nothing_written()


def test_every_bad_row_is_reported_not_only_the_first(workbook):
    edit(workbook, "numbers", "8 (843) 200-00-01", "12")
    edit(workbook, "devices", "4390.00,installed\nYL", "4390.00,broken\nYL")
    result = workbook_import(path=workbook)
    located = {(e.sheet, e.row, e.field) for e in result.errors}
    assert {("numbers", 2, "number"), ("devices", 2, "status")} <= located


def test_missing_column_says_which_are_required_and_which_were_found(workbook):
    edit(workbook, "numbers", "number,kind", "nomer,kind")
    result = workbook_import(path=workbook)
    error = next(e for e in result.errors if e.sheet == "numbers")
    assert (error.row, error.field) == (1, "number")
    assert "Missing column(s): number" in error.message
    assert "Required: number, kind, city, carrier, intermediary, monthly_fee, status" in error.message
    assert "found: nomer, kind" in error.message
    assert nothing_written()


def test_unknown_sheet_and_unknown_column_are_warned_about(workbook):
    (workbook / "salons.csv").write_text("code\nX\n", encoding="utf-8")
    edit(workbook, "cities", "name,timezone,area_code", "name,timezone,area_code,mayor")
    result = workbook_import(path=workbook)
    assert result.errors == []
    assert any("'salons' is not a known sheet" in w for w in result.warnings)
    assert any("mayor" in w and "ignored" in w for w in result.warnings)


@pytest.mark.parametrize(
    "content",
    [b"name,timezone\nKazan,Europe/Moscow\n", b"<html><body>not a workbook</body></html>", b""],
    ids=["csv-renamed", "html-renamed", "empty"],
)
def test_non_spreadsheet_named_xlsx_is_refused_clearly(tmp_path, content):
    path = tmp_path / "inventory.xlsx"
    path.write_bytes(content)
    result = workbook_import(path=path)
    [error] = result.errors
    assert error.sheet == "inventory.xlsx"
    assert "not an .xlsx workbook" in error.message


def test_zip_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "inventory.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    [error] = workbook_import(path=path).errors
    assert "not an Excel workbook" in error.message


def test_xlsx_with_native_cell_types_is_accepted(tmp_path):
    """People type numbers and dates into Excel: 843 as a number, a fee as 450.5, a real date cell."""
    import datetime as dt

    book = openpyxl.Workbook()
    book.active.title = "cities"
    book["cities"].append(["name", "timezone", "area_code"])
    book["cities"].append(["Казань", "Europe/Moscow", 843])
    ws = book.create_sheet("providers")
    ws.append(["name", "kind"])
    ws.append(["Таттелеком", "operator"])
    ws = book.create_sheet("numbers")
    ws.append(["number", "kind", "city", "carrier", "intermediary", "monthly_fee", "status", "activated_on"])
    ws.append(
        [78432000001, "geographic", "Казань", "Таттелеком", None, 450.5, "active", dt.datetime(2025, 3, 1)]
    )
    book.save(tmp_path / "typed.xlsx")

    result = workbook_import(path=tmp_path / "typed.xlsx")

    assert result.errors == []
    number = PhoneNumber.objects.get()
    assert (number.number, str(number.monthly_fee), number.activated_on.isoformat()) == (
        "+78432000001",
        "450.50",
        "2025-03-01",
    )
    assert City.objects.get().area_code == "843"


def test_command_json_summary_and_exit_code(workbook):
    out = io.StringIO()
    call_command("import_inventory", str(workbook), "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert (summary["created"], summary["updated"], summary["errors"]) == (24, 0, [])

    edit(workbook, "numbers", "8 (843) 200-00-01", "not a number")
    out = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_inventory", str(workbook), "--json", stdout=out)
    assert failure.value.returncode != 0
    summary = json.loads(out.getvalue())
    assert summary["created"] == 0
    assert {"sheet": "numbers", "row": 2, "field": "number"}.items() <= summary["errors"][0].items()


def test_command_dry_run_writes_nothing(workbook):
    out = io.StringIO()
    call_command("import_inventory", str(workbook), "--dry-run", stdout=out)
    assert "nothing written" in out.getvalue()
    assert nothing_written()


def test_export_command_writes_a_workbook_that_imports_back(tmp_path):
    ProviderFactory(name="Таттелеком")
    call_command("export_inventory", str(tmp_path / "out.xlsx"), stdout=io.StringIO())
    assert "providers" in openpyxl.load_workbook(tmp_path / "out.xlsx").sheetnames
    assert workbook_import(path=tmp_path / "out.xlsx").unchanged == 1


def test_a_later_app_contributes_its_sheets_after_the_earlier_apps(settings):
    from django.test import override_settings

    with override_settings(INSTALLED_APPS=[*settings.INSTALLED_APPS, "tests.telecom.later_app"]):
        names = [name for name, _ in workbook_sheets()]
    assert names[-1] == "suppliers"
    assert names[:-1] == [name for name, _ in workbook_sheets()]


def test_a_sheet_name_declared_twice_is_a_configuration_error(settings, monkeypatch):
    from django.test import override_settings

    import tests.telecom.later_app.workbook as later

    monkeypatch.setattr(later, "SHEETS", [("providers", later.SuppliersResource)])
    with (
        override_settings(INSTALLED_APPS=[*settings.INSTALLED_APPS, "tests.telecom.later_app"]),
        pytest.raises(ValueError, match="sheet 'providers' is declared by both telecom and later_app"),
    ):
        workbook_sheets()


def test_too_many_rows_are_refused_before_anything_is_imported(workbook, monkeypatch):
    import apps.core.workbook as module

    monkeypatch.setattr(module, "MAX_ROWS_PER_SHEET", 2)
    [error] = workbook_import(path=workbook).errors
    assert "more than 2 rows" in error.message
    assert nothing_written()


def test_xlsx_that_unpacks_too_large_is_refused_before_parsing(workbook, tmp_path, monkeypatch):
    import apps.core.workbook as module

    workbook_import(path=workbook)
    workbook_export(path=tmp_path / "big.xlsx")
    wipe()
    monkeypatch.setattr(module, "MAX_XLSX_UNPACKED_BYTES", 1000)
    [error] = workbook_import(path=tmp_path / "big.xlsx").errors
    assert "too large to import" in error.message
    assert nothing_written()


def test_csv_that_is_not_utf8_is_refused_with_the_file_name(workbook):
    (workbook / "cities.csv").write_bytes(
        "name,timezone,area_code\nКазань,Europe/Moscow,843\n".encode("cp1251")
    )
    [error] = workbook_import(path=workbook).errors
    assert (error.sheet, error.row) == ("cities.csv", None)
    assert "not UTF-8" in error.message
    assert nothing_written()


def test_a_path_that_is_neither_xlsx_nor_folder_is_refused(tmp_path):
    path = tmp_path / "inventory.ods"
    path.write_bytes(b"x")
    [error] = workbook_import(path=path).errors
    assert "expected an .xlsx workbook or a folder of .csv files" in error.message


def test_a_folder_without_any_known_sheet_is_refused(tmp_path):
    (tmp_path / "notes.csv").write_text("a\n1\n", encoding="utf-8")
    result = workbook_import(path=tmp_path)
    assert "No known sheet found" in result.errors[0].message


def test_a_database_error_on_one_row_does_not_abort_checking_the_rest(workbook, monkeypatch):
    """On PostgreSQL a failed INSERT aborts the transaction; each row has its own savepoint so the
    report names that row only, and every later row and sheet is still checked."""
    from django.db import connection

    from apps.telecom.resources import ProviderResource

    if connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL enforces the column length at INSERT time")
    monkeypatch.setattr(ProviderResource._meta, "clean_model_instances", False)  # let the database judge
    append(workbook, "providers", "{},operator".format("Х" * 201))
    edit(workbook, "devices", "4390.00,installed\nYL", "4390.00,broken\nYL")

    result = workbook_import(path=workbook)

    located = [(e.sheet, e.row) for e in result.errors]
    assert located == [("providers", 5), ("devices", 2)], result.errors
    assert "too long" in result.errors[0].message
    assert nothing_written()


def test_lookups_are_not_remembered_from_one_import_to_the_next(workbook, tmp_path):
    assert workbook_import(path=workbook, dry_run=True).errors == []  # Казань existed only in that dry run
    only_departments = tmp_path / "departments_only"
    only_departments.mkdir()
    shutil.copy(workbook / "departments.csv", only_departments)
    result = workbook_import(path=only_departments)
    assert ("departments", 2, "city") in [(e.sheet, e.row, e.field) for e in result.errors]


def test_demo_data_exports_and_reimports_without_a_change(tmp_path):
    """The whole demo (every app's sheets, contracts included) goes through the workbook unchanged."""
    from apps.telecom.models import Device

    call_command("seed_demo", stdout=io.StringIO())
    assert not Device.objects.filter(serial="").exists(), "devices are keyed by serial in the workbook"
    exported = tmp_path / "demo.xlsx"
    workbook_export(path=exported)
    counts = row_counts()

    result = workbook_import(path=exported)

    assert result.errors == [] and result.warnings == []
    assert (result.created, result.updated) == (0, 0)
    assert result.unchanged >= sum(counts.values())
    assert row_counts() == counts


def test_a_row_with_more_cells_than_the_header_is_an_error_not_truncated(workbook):
    edit(workbook, "numbers", "450.00", "450,00")  # unquoted comma: one cell too many
    result = workbook_import(path=workbook)
    assert any(
        (e.sheet, e.row) == ("numbers", 2) and "has 9 cells but the header only 8 columns" in e.message
        for e in result.errors
    ), result.errors
    assert nothing_written()


def test_a_column_named_twice_is_an_error(workbook):
    edit(workbook, "cities", "name,timezone,area_code", "name,timezone,area_code,name")
    result = workbook_import(path=workbook)
    assert [(e.sheet, e.row, e.field) for e in result.errors if e.sheet == "cities"] == [
        ("cities", 1, "name")
    ]
    assert nothing_written()
