"""Reading an operator's invoice file (CSV/XLSX) through a saved column-mapping profile.

The profile is the calls app's `StatementProfile` (encoding, delimiter, header row, decimal comma,
date-time and duration formats, columns) and the file is read by the same machinery as a detailed
call statement (`OperatorStatementConnector.mapped_rows` / `call_row`). Invoice fields a profile may map
(our field → the file's header):

    service, number, destination, quantity, amount, period_start, period_end, kind,
    and for the calls of a statement: start (or date + time), callee, caller, duration/billsec, cost.

A row with a start time is a call (its amount is `cost`); a row naming a destination is usage; any other
row is a fee — unless a `kind` column says so (usage/fee/call, or минуты/услуга/звонок). One bad row
refuses the whole file, with every problem listed as "file, row N, field: why"; nothing is half-written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO

from django.core.exceptions import ValidationError

from apps.billing.models import InvoiceLine
from apps.calls.connectors.base import (
    ConnectorError,
    Context,
    Rejected,
    RowInvalid,
    normalise_party,
    parse_decimal,
)
from apps.calls.connectors.operator_statement import MappedRow, OperatorStatementConnector
from apps.calls.models import StatementProfile

MAX_ERRORS = 50
KINDS = {
    "usage": InvoiceLine.Kind.USAGE, "минуты": InvoiceLine.Kind.USAGE, "связь": InvoiceLine.Kind.USAGE,
    "fee": InvoiceLine.Kind.FEE, "услуга": InvoiceLine.Kind.FEE, "абонплата": InvoiceLine.Kind.FEE,
    "call": InvoiceLine.Kind.CALL, "звонок": InvoiceLine.Kind.CALL, "вызов": InvoiceLine.Kind.CALL,
}  # fmt: skip
HEADER_FIELDS = ("invoice_number", "issue_date", "contract")


@dataclass
class ParsedInvoice:
    """What the file says: its lines, and the invoice-level cells repeated on its rows (if mapped)."""

    lines: list[InvoiceLine] = field(default_factory=list)
    header: dict[str, str] = field(default_factory=dict)


def get_profile(name: str) -> StatementProfile:
    try:
        return StatementProfile.objects.get(name=name)
    except StatementProfile.DoesNotExist:
        raise ValidationError(f"no column-mapping profile named {name!r}") from None


def _date(value: str, name: str, profile: StatementProfile) -> dt.date | None:
    text = (value or "").strip()
    if not text:
        return None
    date_format = profile.datetime_format.split(" ")[0]
    for parse in (lambda t: dt.datetime.strptime(t, date_format).date(), dt.date.fromisoformat):  # noqa: DTZ007
        try:
            return parse(text)
        except ValueError:
            continue
    raise RowInvalid(f"{name}: {value!r} is not a date ({date_format} or YYYY-MM-DD)")


def _our_number(text: str) -> str:
    """A number or line as the invoice writes it → E.164 when it is a phone number, else as written."""
    from apps.core.phones import normalize_phone

    try:
        return normalize_phone(text)
    except ValidationError:
        return normalise_party(text)


def _line(connector: OperatorStatementConnector, profile, mapped: MappedRow) -> InvoiceLine:
    values = mapped.values
    comma = profile.decimal_comma
    raw_kind = values.get("kind", "").strip().lower()
    if raw_kind:
        if raw_kind not in KINDS:
            raise RowInvalid(f"kind: {values['kind']!r} is not one of {', '.join(sorted(KINDS))}")
        kind = KINDS[raw_kind]
    elif values.get("start") or (values.get("date") and values.get("time")):
        kind = InvoiceLine.Kind.CALL
    elif values.get("destination"):
        kind = InvoiceLine.Kind.USAGE
    else:
        kind = InvoiceLine.Kind.FEE
    line = InvoiceLine(
        row=mapped.line,
        kind=kind,
        service=values.get("service", "")[:300],
        destination=values.get("destination", "")[:200],
        period_start=_date(values.get("period_start", ""), "period_start", profile),
        period_end=_date(values.get("period_end", ""), "period_end", profile),
        quantity=parse_decimal(values.get("quantity", ""), "quantity", decimal_comma=comma),
    )
    if line.quantity is not None:
        line.quantity = line.quantity.quantize(Decimal("0.001"))
    if kind == InvoiceLine.Kind.CALL:
        call = connector.call_row(profile, mapped)
        line.started_at = call.started_at
        line.duration = call.billsec
        line.callee = call.callee
        line.number = _our_number(values.get("number", "")) or call.our_number or call.caller
        amount = call.provider_cost
        if amount is None:
            amount = parse_decimal(values.get("amount", ""), "amount", decimal_comma=comma)
        if amount is None:
            raise RowInvalid("cost: a call of the statement has no cost")
    else:
        line.number = _our_number(values.get("number", ""))[:80]
        amount = parse_decimal(values.get("amount", ""), "amount", decimal_comma=comma)
        if amount is None:
            raise RowInvalid("amount is empty")
    if amount != amount.quantize(Decimal("0.01")):
        raise RowInvalid(f"amount: {amount} has more than two decimals (kopecks)")
    line.amount = amount
    if line.period_start and line.period_end and line.period_end < line.period_start:
        raise RowInvalid("period_end: the line's period ends before it starts")
    return line


def read_invoice_file(
    stream: IO[bytes], *, profile: StatementProfile, name: str, timezone: str
) -> ParsedInvoice:
    """Every line of the file, or a ValidationError listing each bad row (file, row, field: why)."""
    columns = profile.columns or {}
    if "amount" not in columns and "cost" not in columns:
        raise ValidationError(f"{name}: profile {profile.name!r} maps no amount (or cost) column")
    connector = OperatorStatementConnector(Context(timezone=timezone, settings={"profile": profile.name}))
    parsed = ParsedInvoice()
    errors: list[str] = []
    try:
        for mapped in connector.mapped_rows(stream, profile):
            if isinstance(mapped, Rejected):
                errors.append(f"{name}, row {mapped.line}: {mapped.reason}")
                continue
            try:
                parsed.lines.append(_line(connector, profile, mapped))
            except RowInvalid as exc:
                errors.append(f"{name}, row {mapped.line}, {exc.messages[0]}")
                continue
            for key in HEADER_FIELDS:
                value = mapped.values.get(key, "")
                if not value:
                    continue
                seen = parsed.header.setdefault(key, value)
                if seen != value:
                    errors.append(
                        f"{name}, row {mapped.line}, {key}: {value!r} differs from {seen!r} on earlier rows "
                        "(one invoice per file)"
                    )
            if len(errors) >= MAX_ERRORS:
                break
    except (ConnectorError, LookupError) as exc:
        raise ValidationError(f"{name}: {exc}") from exc
    if errors:
        more = " (and possibly more; fix these first)" if len(errors) >= MAX_ERRORS else ""
        raise ValidationError([*errors[:MAX_ERRORS], f"nothing was imported{more}"])
    if not parsed.lines:
        raise ValidationError(f"{name}: the file has no invoice lines after its header row")
    return parsed
