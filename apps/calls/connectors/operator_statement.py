"""An operator's detailed billing file ("детализация"), CSV or XLSX, read through a StatementProfile.

There is no standard layout, so a saved profile (named in `settings.profile`) says which header holds
what, the encoding (often Windows-1251), the delimiter (often `;`), decimal comma, the date-time
format and whether durations are seconds or mm:ss. Identity: the operator's own id column when the
profile maps one, else a hash of the whole row.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO

from .base import (
    UTC,
    CallRow,
    Connector,
    ConnectorError,
    Rejected,
    RowInvalid,
    is_e164,
    normalise_party,
    parse_decimal,
    record_hash,
    register,
)

XLSX_MAGIC = b"PK\x03\x04"
XLSX_MAX_UNCOMPRESSED = 200 * 1024 * 1024
DIRECTIONS = {
    "in": "in", "вх": "in", "входящий": "in", "входящие": "in", "incoming": "in",
    "out": "out", "исх": "out", "исходящий": "out", "исходящие": "out", "outgoing": "out",
}  # fmt: skip


@dataclass(slots=True)
class MappedRow:
    """One data row of a file read through a profile: our field → the cell's text (stripped)."""

    line: int
    values: dict[str, str]
    cells: list[str]
    raw: str


def parse_duration(value: str, name: str, fmt: str) -> int:
    """`125` (seconds) or `2:05` / `1:02:05` (mm:ss, h:mm:ss) → seconds."""
    text = (value or "").strip()
    if not text:
        return 0
    if ":" in text and fmt in ("mm:ss", "auto"):
        parts = text.split(":")
        if (
            len(parts) in (2, 3)
            and all(p.isdigit() and p.isascii() for p in parts)
            and all(int(p) < 60 for p in parts[1:])
        ):
            seconds = 0
            for part in parts:
                seconds = seconds * 60 + int(part)
            return seconds
        raise RowInvalid(f"{name}: {value!r} is not a duration in mm:ss")
    if fmt in ("seconds", "auto"):
        number = text.replace(",", ".")
        if number.replace(".", "", 1).isdigit() and number.isascii():
            return int(Decimal(number).to_integral_value())
    raise RowInvalid(f"{name}: {value!r} is not a duration in {'seconds' if fmt == 'seconds' else 'mm:ss'}")


@register
class OperatorStatementConnector(Connector):
    slug = "operator_statement"
    label = "Operator detailed billing (CSV/XLSX, mapping profile)"

    def profile(self):
        from apps.calls.models import StatementProfile

        name = self.settings.get("profile")
        if not name:
            raise ConnectorError("operator_statement needs settings.profile: the name of a statement profile")
        try:
            return StatementProfile.objects.get(name=name)
        except StatementProfile.DoesNotExist:
            raise ConnectorError(f"no operator statement profile named {name!r}") from None

    def read_file(self, stream: IO[bytes]) -> Iterator[CallRow | Rejected]:
        profile = self.profile()
        columns = profile.columns or {}
        if "start" not in columns and not {"date", "time"} <= set(columns):
            raise ConnectorError(f"profile {profile.name!r} maps no start column (start, or date + time)")
        if "callee" not in columns or not ({"duration", "billsec"} & set(columns)):
            raise ConnectorError(f"profile {profile.name!r} must map callee and duration (or billsec)")
        for mapped in self.mapped_rows(stream, profile):
            if isinstance(mapped, Rejected):
                yield mapped
                continue
            try:
                row = self.call_row(profile, mapped)
                row.raw_text = mapped.raw
                yield row
            except RowInvalid as exc:
                yield Rejected(mapped.line, exc.messages[0], mapped.raw)

    def mapped_rows(self, stream: IO[bytes], profile) -> Iterator[MappedRow | Rejected]:
        """Rows of a CSV/XLSX file as {our field: cell text} through the profile's column mapping.

        Shared by every file read through a profile (call statements here, operator invoices in billing):
        the header row must hold every mapped header; a row that cannot be read is a `Rejected`.
        """
        columns = profile.columns or {}
        head = stream.read(4)
        stream.seek(0)
        rows = self._xlsx_rows(stream) if head == XLSX_MAGIC else self._csv_rows(stream, profile)
        index: dict[str, int] | None = None
        for line, cells, raw, error in rows:
            if line < profile.header_row:
                continue
            if line == profile.header_row:
                if cells is None:
                    raise ConnectorError(f"header row {line} cannot be read: {error}")
                headers = [c.strip() for c in cells]
                missing = [h for h in columns.values() if h not in headers]
                if missing:
                    raise ConnectorError(f"header row {line} has no column(s) {missing}; it has {headers}")
                index = {field: headers.index(header) for field, header in columns.items()}
                continue
            if cells is None:
                yield Rejected(line, error, raw)
                continue
            if index is None:
                raise ConnectorError("the file ends before its header row")
            if len(cells) <= max(index.values(), default=-1):
                yield Rejected(line, f"only {len(cells)} cells, fewer than the header", raw)
                continue
            values = {name: cells[i].strip() for name, i in index.items()}
            yield MappedRow(line=line, values=values, cells=cells, raw=raw)

    def _csv_rows(self, stream, profile):
        return self.csv_rows(stream, encoding=profile.encoding, delimiter=profile.delimiter)

    def _xlsx_rows(self, stream):
        import openpyxl

        try:
            with zipfile.ZipFile(stream) as archive:
                infos = archive.infolist()
                if len(infos) > 10_000 or sum(i.file_size for i in infos) > XLSX_MAX_UNCOMPRESSED:
                    raise ConnectorError("the XLSX file expands to more than 200 MB; refusing to open it")
            stream.seek(0)
            book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError) as exc:
            raise ConnectorError(f"not a readable XLSX file ({exc})") from exc
        sheet = book.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = ["" if v is None else _cell_text(v) for v in values]
            self.bytes_read = stream.tell() if hasattr(stream, "tell") else 0
            if not any(c.strip() for c in cells):
                continue
            yield number, cells, ";".join(cells), ""
        book.close()

    def call_row(self, profile, mapped: MappedRow) -> CallRow:
        """One mapped row as a call (start, parties, duration, cost); raises RowInvalid naming the field."""
        index, cells, line = mapped.values, mapped.cells, mapped.line

        def cell(name: str) -> str:
            return index.get(name, "")

        text = cell("start") if "start" in index else f"{cell('date')} {cell('time')}"
        try:
            local = dt.datetime.strptime(text, profile.datetime_format)  # noqa: DTZ007 — PBX clock, zoned below
        except ValueError:
            try:
                local = dt.datetime.fromisoformat(text)
            except ValueError:
                raise RowInvalid(f"start: {text!r} does not match {profile.datetime_format}") from None
        started = local.replace(tzinfo=self.tz).astimezone(UTC)
        fmt = profile.duration_format
        duration = parse_duration(cell("duration"), "duration", fmt) if "duration" in index else None
        billsec = parse_duration(cell("billsec"), "billsec", fmt) if "billsec" in index else None
        duration = billsec if duration is None else duration
        billsec = duration if billsec is None else billsec
        cost = parse_decimal(cell("cost"), "cost", decimal_comma=profile.decimal_comma)
        raw_direction = cell("direction")
        direction = DIRECTIONS.get(raw_direction.lower(), "out") if raw_direction else "out"
        caller = normalise_party(cell("caller"))
        callee = normalise_party(cell("callee"))
        if not callee:
            raise RowInvalid("callee is empty")
        our = normalise_party(cell("our_number")) or (caller if direction == "out" else callee)
        return CallRow(
            started_at=started,
            ended_at=started + dt.timedelta(seconds=duration),
            answered_at=started if billsec else None,
            duration=duration,
            billsec=billsec,
            direction=direction,
            disposition="answered" if billsec else "no_answer",
            raw_disposition="",
            caller=caller,
            callee=callee,
            our_number=our if is_e164(our) else "",
            external_id=(f"id:{cell('id')}" if cell("id") else record_hash(cells))[:160],
            provider_cost=cost,
            currency=profile.currency if cost is not None else "",
            raw=cells,
            line=line,
        )


def _cell_text(value) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
