"""Reading a tariff appendix's price list (CSV or XLSX) into validated rate rows.

Columns (first row, any order, case-insensitive): `prefix`, `destination`, `price_per_minute` and,
optionally, `connection_fee`. Every row is checked; every problem is reported by row and column.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

from django.core.exceptions import ValidationError

MAX_ROWS = 200_000
MAX_BYTES = 20 * 1024 * 1024
MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024
PRICE_PLACES = 4
PRICE_MAX = Decimal("99999999.9999")
REQUIRED = ("prefix", "destination", "price_per_minute")
OPTIONAL = ("connection_fee",)
ALIASES = {"price": "price_per_minute", "fee": "connection_fee", "name": "destination"}


@dataclass(frozen=True)
class RowError:
    row: int  # the row number a spreadsheet shows (the header is row 1)
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.column}: {self.message}"


@dataclass(frozen=True)
class RateRow:
    row: int
    prefix: str
    destination: str
    price_per_minute: Decimal
    connection_fee: Decimal


class RatesFileError(ValidationError):
    """The price list cannot be imported; `errors` lists every problem (row, column, message)."""

    def __init__(self, filename: str, errors: list[RowError]):
        self.filename = filename
        self.errors = errors
        shown = "; ".join(str(e) for e in errors[:20])
        more = f" (and {len(errors) - 20} more)" if len(errors) > 20 else ""
        super().__init__(f"{filename}: {len(errors)} problem(s), nothing imported: {shown}{more}")


@dataclass
class ParsedRates:
    rows: list[RateRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def read_rates(data: bytes, filename: str) -> list[RateRow]:
    """Parse and validate the whole file; raise RatesFileError listing every bad row."""
    name = PurePath(filename or "rates").name
    if len(data) > MAX_BYTES:
        raise RatesFileError(name, [RowError(0, "file", f"{len(data)} bytes; the limit is {MAX_BYTES}")])
    suffix = PurePath(name).suffix.lower()
    if suffix == ".xlsx":
        raw_rows = _xlsx_rows(data, name)
    elif suffix in (".csv", ".txt"):
        raw_rows = _csv_rows(data, name)
    else:
        raise RatesFileError(name, [RowError(0, "file", "only .csv and .xlsx price lists are accepted")])
    parsed = _validate(raw_rows)
    if parsed.errors:
        raise RatesFileError(name, parsed.errors)
    if not parsed.rows:
        raise RatesFileError(name, [RowError(2, "file", "the price list has no rows")])
    return parsed.rows


def _csv_rows(data: bytes, name: str):
    if data[:4] == b"PK\x03\x04" or b"\x00" in data[:4096]:
        raise RatesFileError(
            name, [RowError(0, "file", "named .csv but is not text (a spreadsheet? save as .xlsx)")]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1251", errors="replace")
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for index, row in enumerate(reader, start=1):
        if index > MAX_ROWS + 1:
            raise RatesFileError(name, [RowError(index, "file", f"more than {MAX_ROWS} rows")])
        yield index, row


def _xlsx_rows(data: bytes, name: str):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise RatesFileError(
            name, [RowError(0, "file", "named .xlsx but is not an Excel workbook")]
        ) from None
    if total > MAX_XLSX_UNCOMPRESSED:
        raise RatesFileError(name, [RowError(0, "file", f"expands to {total} bytes; refused")])
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook; all mean the same here
        raise RatesFileError(name, [RowError(0, "file", f"cannot be read as a workbook ({exc})")]) from exc
    try:
        sheet = workbook.worksheets[0]
        for index, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if index > MAX_ROWS + 1:
                raise RatesFileError(name, [RowError(index, "file", f"more than {MAX_ROWS} rows")])
            yield index, ["" if v is None else v for v in values]
    finally:
        workbook.close()


def _cell_text(value) -> str:
    if isinstance(value, float):
        return repr(value)
    return str(value).strip()


def _header(row: list) -> tuple[dict[str, int], list[RowError]]:
    columns: dict[str, int] = {}
    errors = []
    for position, raw in enumerate(row):
        key = _cell_text(raw).lower().replace(" ", "_")
        key = ALIASES.get(key, key)
        if key in REQUIRED + OPTIONAL:
            if key in columns:
                errors.append(RowError(1, key, "the column appears twice"))
            columns[key] = position
    for key in REQUIRED:
        if key not in columns:
            errors.append(RowError(1, key, "required column is missing"))
    return columns, errors


def _price(text: str) -> Decimal:
    text = text.replace(" ", "").replace("\u00a0", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # 1,25 — the Russian decimal comma
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number") from None
    if not value.is_finite():
        raise ValueError(f"{text!r} is not a number")
    if value < 0:
        raise ValueError("must not be negative")
    if value > PRICE_MAX:
        raise ValueError(f"must be at most {PRICE_MAX}")
    if value != value.quantize(Decimal(1).scaleb(-PRICE_PLACES)):
        raise ValueError(f"at most {PRICE_PLACES} decimal places")
    return value.quantize(Decimal(1).scaleb(-PRICE_PLACES))


def _validate(raw_rows) -> ParsedRates:
    parsed = ParsedRates()
    columns: dict[str, int] | None = None
    seen: dict[str, int] = {}
    for index, row in raw_rows:
        if columns is None:
            columns, errors = _header(list(row))
            if errors:
                parsed.errors.extend(errors)
                return parsed
            continue
        cells = {key: (_cell_text(row[pos]) if pos < len(row) else "") for key, pos in columns.items()}
        if not any(cells.values()):
            continue  # blank line
        row_errors = []
        prefix = cells["prefix"].lstrip("+").replace(" ", "")
        if prefix.endswith(".0") and prefix[:-2].isdigit():
            prefix = prefix[:-2]  # a prefix typed into a numeric Excel cell
        if not (prefix.isdigit() and 1 <= len(prefix) <= 15):
            row_errors.append(RowError(index, "prefix", f"{cells['prefix']!r} is not 1 to 15 digits"))
        elif prefix in seen:
            row_errors.append(RowError(index, "prefix", f"{prefix} is already on row {seen[prefix]}"))
        else:
            seen[prefix] = index
        destination = cells["destination"]
        if not destination:
            row_errors.append(RowError(index, "destination", "is empty"))
        elif len(destination) > 200:
            row_errors.append(RowError(index, "destination", "is longer than 200 characters"))
        prices = {}
        for key in ("price_per_minute", "connection_fee"):
            text = cells.get(key, "")
            if not text:
                if key == "price_per_minute":
                    row_errors.append(RowError(index, key, "is empty"))
                prices[key] = Decimal("0.0000")
                continue
            try:
                prices[key] = _price(text)
            except ValueError as exc:
                row_errors.append(RowError(index, key, str(exc)))
        if row_errors:
            parsed.errors.extend(row_errors)
        else:
            parsed.rows.append(
                RateRow(index, prefix, destination, prices["price_per_minute"], prices["connection_fee"])
            )
    if columns is None:
        parsed.errors.append(RowError(1, "file", "the file is empty (no header row)"))
    return parsed
