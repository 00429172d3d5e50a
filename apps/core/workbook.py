"""The inventory workbook: one sheet per resource, as an .xlsx file or a folder of `<sheet>.csv` files.

Apps contribute sheets through a module `apps/<app>/workbook.py` exposing `SHEETS`, a list of
`(sheet_name, ResourceClass)` in dependency order; this module finds them in INSTALLED_APPS order,
so `core` never imports a domain app by name.

`workbook_import()` is all-or-nothing across every sheet: the sheets are imported in one transaction,
each sheet seeing what the earlier ones wrote (a department can name a city from the `cities` sheet),
and the transaction is rolled back if any row of any sheet is bad, or on a dry run.
"""

from __future__ import annotations

import csv
import importlib
import io
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import tablib
from django.apps import apps as django_apps
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from import_export.results import RowResult

from .exports import csv_text, restore
from .files import FileRejected, check_xlsx, sniff
from .resources import CellError, PortalResource, cell_text, missing_columns_message

# Limits checked before a file is parsed (ASVS V5.2.3: look at a zip before unpacking it).
MAX_ROWS_PER_SHEET = 100_000
MAX_XLSX_ENTRIES = 1_000
MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_CSV_BYTES = 50 * 1024 * 1024
HEADER_ROW = 1  # row numbers in reports are spreadsheet rows: the header is row 1, data starts at 2


@dataclass
class RowError:
    """One problem: where it is (sheet, spreadsheet row, column) and what to do about it."""

    sheet: str
    row: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.sheet
        if self.row is not None:
            where += f", row {self.row}"
        if self.field:
            where += f", column {self.field}"
        return f"{where}: {self.message}"


@dataclass
class WorkbookResult:
    """What an import did (or, on a dry run or with errors, would have done — then nothing is written)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sheets: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "dry_run": self.dry_run,
            "written": self.written,
            "errors": [asdict(e) for e in self.errors],
            "warnings": list(self.warnings),
            "sheets": self.sheets,
        }


class WorkbookError(Exception):
    """The file as a whole cannot be read (not a spreadsheet, too big, not UTF-8)."""

    def __init__(self, source, message: str):
        super().__init__(f"{source}: {message}")
        self.source = str(source)
        self.message = message


@dataclass
class Sheet:
    """The rows of one sheet as a tablib Dataset, and the spreadsheet row number of each data row."""

    name: str
    source: str
    dataset: tablib.Dataset
    row_numbers: list[int]
    overlong_rows: list[tuple[int, int]] = field(default_factory=list)  # (row, cells) beyond the header


def workbook_sheets() -> list[tuple[str, type]]:
    """Every `(sheet_name, ResourceClass)` contributed by installed apps, in INSTALLED_APPS order."""
    sheets: list[tuple[str, type]] = []
    seen: dict[str, str] = {}
    for config in django_apps.get_app_configs():
        module_name = f"{config.name}.workbook"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue  # this app contributes no sheet
            raise
        for name, resource_class in getattr(module, "SHEETS", []):
            if name in seen:
                raise ValueError(f"sheet {name!r} is declared by both {seen[name]} and {config.label}")
            seen[name] = config.label
            sheets.append((name, resource_class))
    return sheets


# --- reading -------------------------------------------------------------------------------------


def _header(value) -> str:
    return cell_text(value).strip().lower().replace(" ", "_")


def _sheet_from_rows(name: str, source: str, rows) -> Sheet:
    """Build a Sheet from an iterator of row tuples (header first), skipping blank rows, capped."""
    headers: list[str] | None = None
    dataset = tablib.Dataset()
    numbers: list[int] = []
    overlong: list[tuple[int, int]] = []
    for number, values in enumerate(rows, start=HEADER_ROW):
        values = list(values)
        if headers is None:
            while values and cell_text(values[-1]) == "":
                values.pop()  # trailing empty header cells are formatting, not columns
            headers = [_header(v) for v in values]
            dataset.headers = headers
            continue
        if all(cell_text(v) == "" for v in values):
            continue
        if len(numbers) >= MAX_ROWS_PER_SHEET:
            raise WorkbookError(source, f"more than {MAX_ROWS_PER_SHEET} rows; split the file.")
        if any(cell_text(v) for v in values[len(headers) :]):
            overlong.append((number, len(values)))
        values = (values + [None] * len(headers))[: len(headers)]
        dataset.append(values)
        numbers.append(number)
    if headers is None:
        dataset.headers = []
    return Sheet(name=name, source=source, dataset=dataset, row_numbers=numbers, overlong_rows=overlong)


def _read_csv_folder(path: Path) -> list[Sheet]:
    sheets = []
    for file in sorted(path.glob("*.csv")):
        if file.stat().st_size > MAX_CSV_BYTES:
            raise WorkbookError(file.name, f"larger than {MAX_CSV_BYTES // 2**20} MiB.")
        try:
            text = file.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise WorkbookError(
                file.name, f"not UTF-8 text (byte {exc.start}); save it as CSV UTF-8."
            ) from exc
        if "\x00" in text:
            raise WorkbookError(file.name, "not a CSV file (it contains binary data).")
        sheets.append(_sheet_from_rows(file.stem, file.name, csv_rows(text)))
    return sheets


def csv_rows(text: str):
    """Rows of CSV text; cells our CSV export protected against formulas ("'=…") read back as typed."""
    for row in csv.reader(io.StringIO(text, newline="")):
        yield [restore(cell) for cell in row]


def _head(source) -> bytes:
    if isinstance(source, str | Path):
        with open(source, "rb") as handle:
            return handle.read(2048)
    source.seek(0)
    head = source.read(2048)
    source.seek(0)
    return head


def check_xlsx_archive(source, name: str) -> None:
    """Refuse what is not an .xlsx, or would unpack too large, before any XML is parsed (apps.core.files:
    entry count, unpacked size, compression ratio, unsafe paths, the parts of a workbook)."""
    if not zipfile.is_zipfile(source):
        said = {"html": "a web page", "text": "plain text", "pdf": "a PDF", "ole": "an old .xls file"}
        kind = said.get(sniff(_head(source)), "something else")
        raise WorkbookError(name, f"not an .xlsx workbook (an .xlsx file is a zip archive; this is {kind}).")
    try:
        check_xlsx(source, name=name, max_entries=MAX_XLSX_ENTRIES, max_unpacked=MAX_XLSX_UNPACKED_BYTES)
    except FileRejected as exc:
        raise WorkbookError(name, exc.message) from exc


def _read_xlsx(path: Path) -> list[Sheet]:
    import openpyxl  # imported here: only imports of .xlsx files need it

    check_xlsx_archive(path, path.name)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file; all mean "cannot read"
        raise WorkbookError(path.name, f"cannot be read as an Excel workbook ({exc}).") from exc
    try:
        return [
            _sheet_from_rows(ws.title.strip(), f"{path.name}[{ws.title}]", ws.iter_rows(values_only=True))
            for ws in book.worksheets
        ]
    finally:
        book.close()


def read_xlsx_bytes(data: bytes, name: str) -> Sheet:
    """The first sheet of an uploaded .xlsx (the admin import), with the same checks as a workbook file."""
    import openpyxl

    check_xlsx_archive(io.BytesIO(data), name)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file; all mean "cannot read"
        raise WorkbookError(name, f"cannot be read as an Excel workbook ({exc}).") from exc
    try:
        ws = book.worksheets[0]
        return _sheet_from_rows(ws.title, name, ws.iter_rows(values_only=True))
    finally:
        book.close()


def read_workbook(path: str | Path) -> list[Sheet]:
    path = Path(path)
    if path.is_dir():
        return _read_csv_folder(path)
    if not path.exists():
        raise WorkbookError(path, "no such file or folder.")
    if path.suffix.lower() != ".xlsx":
        raise WorkbookError(path.name, "expected an .xlsx workbook or a folder of .csv files.")
    return _read_xlsx(path)


# --- importing -----------------------------------------------------------------------------------


def _field_name(resource, key: str) -> str:
    if key == NON_FIELD_ERRORS:
        return ""
    field = resource.fields.get(key)
    return field.column_name if field is not None else key


def _collect_errors(sheet: Sheet, resource, result) -> list[RowError]:
    errors: list[RowError] = []
    for error in result.base_errors:
        errors.append(RowError(sheet.name, None, "", str(error.error)))
    for number, row_errors in result.row_errors():
        row = sheet.row_numbers[number - 1]
        for error in row_errors:
            exc = error.error
            if isinstance(exc, CellError):
                errors.append(RowError(sheet.name, row, exc.column, str(exc)))
            else:
                errors.append(RowError(sheet.name, row, "", f"{type(exc).__name__}: {exc}"))
    for invalid in result.invalid_rows:
        row = sheet.row_numbers[invalid.number - 1]
        for key, messages in invalid.error_dict.items():
            for message in messages:
                errors.append(RowError(sheet.name, row, _field_name(resource, key), str(message)))
    return sorted(errors, key=lambda e: (e.row or 0, e.field))


def _repeated_keys(sheet: Sheet, resource) -> list[RowError]:
    """Two rows with the same natural key would silently overwrite each other: refuse them."""
    errors = []
    first_seen: dict[tuple, int] = {}
    key_columns = [resource.fields[name].column_name for name in resource.get_import_id_fields()]
    for index, values in enumerate(sheet.dataset):
        row = dict(zip(sheet.dataset.headers, values, strict=False))
        key = _row_key(resource, row)
        if not any(key):
            continue
        number = sheet.row_numbers[index]
        if key in first_seen:
            errors.append(
                RowError(
                    sheet.name,
                    number,
                    key_columns[0],
                    f"Repeats row {first_seen[key]} (same {', '.join(key_columns)}); "
                    "each row must be unique.",
                )
            )
        else:
            first_seen[key] = number
    return errors


def _required_columns(resource) -> tuple[str, ...]:
    """Our resources declare `required_columns`; for any other ModelResource, its key columns."""
    declared = getattr(resource, "required_columns", None)
    if declared:
        return tuple(declared)
    return tuple(resource.fields[name].column_name for name in resource.get_import_id_fields())


def _row_key(resource, row) -> tuple[str, ...]:
    if isinstance(resource, PortalResource):
        return resource.row_key(row)
    return tuple(
        cell_text(row.get(resource.fields[name].column_name)).casefold()
        for name in resource.get_import_id_fields()
    )


def _import_sheet(sheet: Sheet, resource_class, outcome: WorkbookResult) -> None:
    headers = list(sheet.dataset.headers or [])
    resource = resource_class()
    required = _required_columns(resource)
    message = missing_columns_message(required, headers)
    if message:
        missing = [name for name in required if name not in headers]
        outcome.errors.append(RowError(sheet.name, HEADER_ROW, ", ".join(missing), message))
        return
    repeated = sorted({h for h in headers if h and headers.count(h) > 1})
    if repeated:
        outcome.errors.append(
            RowError(
                sheet.name, HEADER_ROW, ", ".join(repeated), "Column(s) appear more than once in the header."
            )
        )
        return
    for number, cells in sheet.overlong_rows:
        outcome.errors.append(
            RowError(
                sheet.name,
                number,
                "",
                f"The row has {cells} cells but the header only {len(headers)} columns "
                "(a comma inside a value must be quoted, and money is written with a dot).",
            )
        )
    known = [f.column_name for f in resource.get_import_fields()]
    unknown = [h for h in headers if h and h not in known]
    if unknown:
        outcome.warnings.append(
            f"{sheet.source}: column(s) {', '.join(unknown)} are not part of the format and were ignored "
            f"(known: {', '.join(known)})."
        )
    repeated = _repeated_keys(sheet, resource)
    result = resource.import_data(sheet.dataset, dry_run=False, use_transactions=False, raise_errors=False)
    errors = repeated + _collect_errors(sheet, resource, result)
    outcome.errors.extend(errors)
    totals = result.totals
    counts = {
        "created": totals.get(RowResult.IMPORT_TYPE_NEW, 0),
        "updated": totals.get(RowResult.IMPORT_TYPE_UPDATE, 0),
        "unchanged": totals.get(RowResult.IMPORT_TYPE_SKIP, 0),
        "errors": len({e.row for e in errors}),
    }
    outcome.sheets[sheet.name] = counts
    outcome.created += counts["created"]
    outcome.updated += counts["updated"]
    outcome.unchanged += counts["unchanged"]


def workbook_import(
    *, path: str | Path, dry_run: bool = False, on_sheet: Callable[[str, int, int], None] | None = None
) -> WorkbookResult:
    """Import an inventory workbook; write everything, or — on any bad row, or a dry run — nothing.

    `on_sheet(sheet_name, sheets_done, sheets_total)` is called after each sheet (a progress bar's hook).
    """
    outcome = WorkbookResult(dry_run=dry_run)
    try:
        sheets = read_workbook(path)
    except WorkbookError as exc:
        outcome.errors.append(RowError(exc.source, None, "", exc.message))
        return outcome
    declared = workbook_sheets()
    by_name = {sheet.name: sheet for sheet in sheets}
    known_names = [name for name, _ in declared]
    for sheet in sheets:
        if sheet.name not in known_names:
            outcome.warnings.append(
                f"{sheet.source}: '{sheet.name}' is not a known sheet and was ignored "
                f"(known: {', '.join(known_names)})."
            )
    if not any(name in by_name for name in known_names):
        outcome.errors.append(
            RowError(
                Path(path).name,
                None,
                "",
                f"No known sheet found; expected some of: {', '.join(known_names)}.",
            )
        )
        return outcome
    present = [(name, resource_class) for name, resource_class in declared if name in by_name]
    with transaction.atomic():
        for done, (name, resource_class) in enumerate(present, start=1):
            _import_sheet(by_name[name], resource_class, outcome)
            if on_sheet is not None:
                on_sheet(name, done, len(present))
        if outcome.errors or dry_run:
            transaction.set_rollback(True)
    if outcome.errors:
        # Nothing was written; the counts would only mislead.
        outcome.created = outcome.updated = outcome.unchanged = 0
    return outcome


# --- exporting -----------------------------------------------------------------------------------


def _export_rows(resource_class) -> tuple[list[str], list[list[str]]]:
    dataset = resource_class().export()
    return list(dataset.headers), [[cell_text(v) for v in row] for row in dataset]


def workbook_export(*, path: str | Path) -> dict[str, int]:
    """Write every sheet to `path` (.xlsx → one workbook; otherwise a folder of CSV files). {sheet: rows}."""
    path = Path(path)
    counts: dict[str, int] = {}
    if path.suffix.lower() == ".xlsx":
        import openpyxl
        from openpyxl.cell import WriteOnlyCell

        book = openpyxl.Workbook(write_only=True)
        for name, resource_class in workbook_sheets():
            headers, rows = _export_rows(resource_class)
            ws = book.create_sheet(title=name)
            ws.append(headers)
            for row in rows:
                cells = []
                for value in row:
                    cell = WriteOnlyCell(ws, value=value)
                    cell.data_type = "s"  # always text: "=…" stays a string, never becomes a formula
                    cells.append(cell)
                ws.append(cells)
            counts[name] = len(rows)
        path.parent.mkdir(parents=True, exist_ok=True)
        book.save(path)
        return counts
    path.mkdir(parents=True, exist_ok=True)
    for name, resource_class in workbook_sheets():
        headers, rows = _export_rows(resource_class)
        with (path / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            # "\r\n" rows, so a cell holding a line break is quoted; formula triggers neutralised.
            handle.write(csv_text(headers, rows))
        counts[name] = len(rows)
    return counts
