"""Billing workflows: rate a month, share out fixed fees, build the monthly report, budgets, what-if.

The rules themselves are pure functions in `rating.py`; this module loads the facts they need
(coverage, tariffs, rates, assignments) once per run, streams the calls in chronological order and
stores the outcome. Prefix lookup is in memory: a run does a fixed number of queries, never one per call.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import tempfile
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext

from apps.calls.models import CallRecord
from apps.company.models import Department
from apps.contracts.models import Contract, ContractLine, ContractNumber, Rate, RecurringCharge, Tariff
from apps.core.phones import format_phone
from apps.telecom.models import Extension, Line, NumberAssignment, PhoneNumber

from . import exports, rating, rating_sql
from .models import (
    Budget,
    ChargeAllocation,
    CostReport,
    CostReportLine,
    RatedCall,
    RatedCallSummary,
    RatingRun,
)
from .rating import ZERO, Month, half_up

# Contracts whose tariffs price real calls. Drafts (e.g. a competitor's offer) only feed what-if.
RATING_STATUSES = (Contract.Status.SIGNED, Contract.Status.TERMINATED)
BATCH = 5000


def reporting_zone() -> str:
    return getattr(settings, "PORTAL_REPORTING_TIMEZONE", "Europe/Moscow")


def default_vat_rate() -> Decimal:
    return Decimal(str(getattr(settings, "PORTAL_DEFAULT_VAT_RATE", "22.00")))


# --- Facts loaded once per run ------------------------------------------------------------------


@dataclass
class _Coverage:
    """Effective-dated (valid_from, valid_to, contract_id) rows per line and per number."""

    lines: dict[int, list[tuple[dt.date, dt.date | None, int]]] = field(default_factory=dict)
    numbers: dict[int, list[tuple[dt.date, dt.date | None, int]]] = field(default_factory=dict)

    @staticmethod
    def _pick(rows, day: dt.date) -> int | None:
        # Two contracts covering the same line on the same day is a data error; the one that started
        # last wins, deterministically, so re-rating gives the same answer.
        best = None
        for valid_from, valid_to, contract_id in rows:
            covers = valid_from <= day and (valid_to is None or day < valid_to)
            if covers and (best is None or (valid_from, contract_id) > best):
                best = (valid_from, contract_id)
        return best[1] if best else None

    cache: dict = field(default_factory=dict)  # (kind, id, day) → contract id: a month has few of each

    def contract_for_line(self, line_id: int, day: dt.date) -> int | None:
        key = ("line", line_id, day)
        if key not in self.cache:
            self.cache[key] = self._pick(self.lines.get(line_id, ()), day)
        return self.cache[key]

    def contract_for_number(self, number_id: int, day: dt.date) -> int | None:
        key = ("number", number_id, day)
        if key not in self.cache:
            self.cache[key] = self._pick(self.numbers.get(number_id, ()), day)
        return self.cache[key]


def _load_coverage(start: dt.date, end: dt.date) -> _Coverage:
    coverage = _Coverage()
    for model, attr, key in ((ContractLine, "line_id", "lines"), (ContractNumber, "number_id", "numbers")):
        rows = (
            model.objects.filter(contract__status__in=RATING_STATUSES)
            .overlapping(start, end)
            .values_list(attr, "valid_from", "valid_to", "contract_id")
        )
        target = getattr(coverage, key)
        for thing_id, valid_from, valid_to, contract_id in rows:
            target.setdefault(thing_id, []).append((valid_from, valid_to, contract_id))
    return coverage


class _TariffBooks:
    """The tariffs in force per contract, each turned into a `TariffBook` with one query for all rates."""

    def __init__(self, tariffs: list[Tariff]):
        self.by_contract: dict[int, list[Tariff]] = defaultdict(list)
        self._cache: dict[tuple[int, dt.date], rating.TariffBook | None] = {}
        self.tariffs = {t.pk: t for t in tariffs}
        self.vat = {}
        rates: dict[int, list[tuple[str, rating.RateTerms]]] = defaultdict(list)
        for rate in Rate.objects.filter(tariff__in=list(self.tariffs)).values_list(
            "pk", "tariff_id", "prefix", "price_per_minute", "connection_fee"
        ):
            pk, tariff_id, prefix, price, fee = rate
            rates[tariff_id].append((prefix, rating.RateTerms(pk, price, fee)))
        self.books: dict[int, rating.TariffBook] = {}
        for tariff in tariffs:
            self.by_contract[tariff.contract_id].append(tariff)
            first, step = tariff.first_increment, tariff.next_increment
            self.books[tariff.pk] = rating.TariffBook(
                tariff_id=tariff.pk,
                contract_id=tariff.contract_id,
                increment=rating.Increment(first, step),
                free_seconds=tariff.free_seconds,
                included_seconds=(tariff.included_minutes or 0) * 60,
                prefixes=rating.PrefixTable(rates.get(tariff.pk, ())),
                currency=tariff.currency,
            )
            self.vat[tariff.pk] = tariff.contract.vat_rate

    def book_for(self, contract_id: int | None, day: dt.date) -> rating.TariffBook | None:
        if contract_id is None:
            return None
        key = (contract_id, day)
        if key not in self._cache:
            self._cache[key] = next(
                (self.books[t.pk] for t in self.by_contract.get(contract_id, ()) if t.covers(day)), None
            )
        return self._cache[key]


def _tariffs_overlapping(start: dt.date, end: dt.date, *, statuses=RATING_STATUSES) -> list[Tariff]:
    return list(
        Tariff.objects.filter(contract__status__in=statuses)
        .overlapping(start, end)
        .select_related("contract")
    )


_CHANNEL_RE = re.compile(r"^(?:[A-Za-z0-9]+/)?(?P<name>.+?)(?:-[0-9a-fA-F]{6,})?$")


def trunk_name(channel: str) -> str:
    """`PJSIP/trunk-kzn-0000001b` → `trunk-kzn` (technology and the channel's serial stripped)."""
    match = _CHANNEL_RE.match((channel or "").strip())
    return match["name"] if match else ""


@dataclass(slots=True)
class _CallRow:
    facts: rating.CallFacts
    department_id: int | None
    day: dt.date
    contract_id: int | None
    trunk_named: bool


def _call_rows(month: Month, coverage: _Coverage) -> Iterator[_CallRow]:
    """Every call record of the month, in chronological order, with what the rules need."""
    zone = reporting_zone()
    tz = zoneinfo.ZoneInfo(zone)
    start, end = month.utc_bounds(zone)
    lines = {
        pk: (area, trunk) for pk, area, trunk in Line.objects.values_list("pk", "city__area_code", "trunk_id")
    }
    line_by_trunk = {trunk: pk for pk, (_area, trunk) in lines.items() if trunk}
    numbers = {
        pk: (kind, area)
        for pk, kind, area in PhoneNumber.objects.values_list("pk", "kind", "city__area_code")
    }
    toll_free = PhoneNumber.Kind.TOLL_FREE
    rows = (
        CallRecord.objects.filter(started_at__gte=start, started_at__lt=end)
        .order_by("started_at", "pk")
        .values_list(
            "pk",
            "started_at",
            "billsec",
            "disposition",
            "direction",
            "caller",
            "callee",
            "our_number_id",
            "line_id",
            "trunk",
            "department_id",
        )
    )
    for (
        pk,
        started_at,
        billsec,
        disposition,
        direction,
        caller,
        callee,
        number_id,
        line_id,
        trunk,
        dept,
    ) in rows.iterator(chunk_size=BATCH):
        if line_id is None and trunk:
            line_id = line_by_trunk.get(trunk_name(trunk))
        number_kind, number_area = numbers.get(number_id, (None, None))
        inbound_toll_free = direction == CallRecord.Direction.IN and number_kind == toll_free
        outbound = direction == CallRecord.Direction.OUT
        area = lines[line_id][0] if line_id in lines else number_area
        day = started_at.astimezone(tz).date()
        trunk_named = bool(line_id or trunk)
        if inbound_toll_free:
            contract_id = coverage.contract_for_number(number_id, day)
        elif line_id is not None:
            contract_id = coverage.contract_for_line(line_id, day)
        elif not trunk and number_id is not None:
            contract_id = coverage.contract_for_number(number_id, day)
        else:
            contract_id = None
        yield _CallRow(
            rating.CallFacts(
                call_id=pk,
                started_at=started_at,
                billsec=billsec,
                answered=disposition == CallRecord.Disposition.ANSWERED,
                outbound=outbound,
                destination=caller if inbound_toll_free else callee,
                area_code=area,
                inbound_toll_free=inbound_toll_free,
            ),
            dept,
            day,
            contract_id,
            trunk_named,
        )


# --- Rating -------------------------------------------------------------------------------------

# The stored columns a rating decides (one list for both engines: the SQL engine writes exactly these).
_COMPARED = rating_sql.COLUMNS


def _outcome(row: _CallRow, book: rating.TariffBook | None, result: rating.Rating, books, period) -> dict:
    vat = books.vat.get(book.tariff_id) if book else None
    return {
        "period": period,
        "started_at": row.facts.started_at,
        "department_id": row.department_id,
        "status": result.status,  # StrEnum: the value itself, no lookup
        "call_type": result.call_type or "",
        "contract_id": row.contract_id if result.status != rating.Status.NOT_BILLABLE else None,
        "tariff_id": book.tariff_id if book and result.rate_id is not None else None,
        "rate_id": result.rate_id,
        "destination": result.digits[:20],
        "prefix": result.prefix,
        "billed_seconds": result.billed_seconds,
        "included_seconds": result.included_seconds,
        "cost": result.cost,
        "currency": book.currency if book else settings.PORTAL_DEFAULT_CURRENCY,
        "vat_rate": vat if vat is not None else Decimal("0.00"),
        "reason": result.reason[:200],
    }


def _comparable(values: dict) -> tuple:
    out = []
    for name in _COMPARED:
        value = values[name]
        if isinstance(value, Decimal):
            value = value.quantize(Decimal("0.01"))
        out.append(value)
    return tuple(out)


def _outcomes(month: Month) -> Iterator[tuple[int, dict]]:
    """(call id, stored values) for every call of the month, rated in chronological order."""
    start, end = month.first_day, month.next_first_day
    coverage = _load_coverage(start, end)
    books = _TariffBooks(_tariffs_overlapping(start, end))
    ledger = rating.IncludedMinutesLedger()
    label, period = str(month), month.first_day
    for row in _call_rows(month, coverage):
        book = books.book_for(row.contract_id, row.day)
        result = rating.rate_call(row.facts, book, month=label, ledger=ledger)
        yield row.facts.call_id, _outcome(row, book, result, books, period)


@transaction.atomic
def calls_rate(*, month: Month, contract: Contract | None = None, engine: str | None = None) -> RatingRun:
    """Rate (or re-rate) every call of `month`; with `contract`, write only that contract's calls
    (those it prices now, and those it priced before).

    Idempotent: a row is rewritten (and stamped with this run's time) only when its outcome changed.
    Included minutes need every call of the month in order, so the whole month is always computed.

    `engine`: "sql" rates set-based in PostgreSQL (`rating_sql`, the default there); "python" runs the
    rules of `rating.py` call by call (the only engine on SQLite, and the oracle the SQL is tested against).
    """
    postgres = connection.vendor == "postgresql"
    engine = engine or ("sql" if postgres else "python")
    if engine not in ("sql", "python") or (engine == "sql" and not postgres):
        raise ValueError(f"rating engine {engine!r} is not available on {connection.vendor}")
    now = timezone.now()
    run = RatingRun.objects.create(
        period=month.first_day, contract=contract, status=RatingRun.Status.RUNNING, started_at=now
    )
    contract_id = contract.pk if contract else None
    if engine == "sql":
        counts = rating_sql.store(month=month, contract_id=contract_id, now=now, zone=reporting_zone())
    elif postgres:
        counts = _store_copy(month=month, contract_id=contract_id, now=now)
    else:
        counts = _store_orm(month=month, contract_id=contract_id, now=now)
    RatingRun.objects.filter(pk=run.pk).update(
        status=RatingRun.Status.SUCCEEDED, finished_at=timezone.now(), **counts
    )
    run.refresh_from_db()
    return run


def _store_orm(*, month: Month, contract_id: int | None, now: dt.datetime) -> dict:
    """Portable path (SQLite): compare with the stored rows in memory, write only differences."""
    period = month.first_day
    existing = {
        values["call_id"]: values
        for values in RatedCall.objects.filter(period=period).values("call_id", *_COMPARED)
    }
    to_create, to_update, seen = [], [], set()
    counts = {"calls": 0, "created": 0, "changed": 0, "unchanged": 0, "unrated": 0}
    for call_id, values in _outcomes(month):
        old = existing.get(call_id)
        others = contract_id is not None and values["contract_id"] != contract_id
        if others and (old is None or old["contract_id"] != contract_id):
            continue
        seen.add(call_id)
        counts["calls"] += 1
        counts["unrated"] += values["status"] == rating.Status.UNRATED
        if old is None:
            to_create.append(RatedCall(call_id=call_id, rated_at=now, **values))
            counts["created"] += 1
        elif _comparable(old) != _comparable(values):
            to_update.append(RatedCall(call_id=call_id, rated_at=now, **values))
            counts["changed"] += 1
        else:
            counts["unchanged"] += 1
        if len(to_create) >= BATCH:
            RatedCall.objects.bulk_create(to_create, batch_size=BATCH)
            to_create = []
    RatedCall.objects.bulk_create(to_create, batch_size=BATCH)
    if to_update:
        RatedCall.objects.bulk_update(to_update, [*_COMPARED, "rated_at"], batch_size=1000)
    if contract_id is None:
        stale = set(existing) - seen
        if stale:
            RatedCall.objects.filter(call_id__in=stale).delete()
    return counts


_STAGE = "billing_ratedcall_stage"
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_field(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def _copy_line(call_id: int, v: dict, period: str) -> str:
    """One stage row in COPY text format, field by field in `_COMPARED` order (the hot loop)."""
    n = "\\N"
    cost = v["cost"]
    return (
        f"{call_id}\t{period}\t{v['started_at'].isoformat()}\t"
        f"{n if v['department_id'] is None else v['department_id']}\t{v['status']}\t{v['call_type']}\t"
        f"{n if v['contract_id'] is None else v['contract_id']}\t"
        f"{n if v['tariff_id'] is None else v['tariff_id']}\t"
        f"{n if v['rate_id'] is None else v['rate_id']}\t{v['destination']}\t{v['prefix']}\t"
        f"{v['billed_seconds']}\t{v['included_seconds']}\t{n if cost is None else cost}\t{v['currency']}\t"
        f"{v['vat_rate']}\t{_copy_field(v['reason'])}\n"
    )


def _store_copy(*, month: Month, contract_id: int | None, now: dt.datetime) -> dict:
    """PostgreSQL path: COPY every outcome into a temporary table, then three set-based statements
    insert the new rows, update only rows whose outcome differs, and delete rows of calls gone."""
    period = month.first_day
    columns = ["call_id", *[_column(name) for name in _COMPARED]]
    period_text = period.isoformat()
    unrated = 0

    def lines():
        nonlocal unrated
        for call_id, values in _outcomes(month):
            unrated += values["status"] == rating.Status.UNRATED and (
                contract_id is None or values["contract_id"] == contract_id
            )
            yield _copy_line(call_id, values, period_text)

    # The calls are read on this same connection, so the outcomes are spooled first (to disk beyond
    # 64 MB) and copied afterwards: a connection cannot query while a COPY is in progress.
    with tempfile.SpooledTemporaryFile(max_size=64 << 20, mode="w+b") as spool:
        writer = io.TextIOWrapper(spool, encoding="utf-8", newline="")
        batch: list[str] = []
        for line in lines():
            batch.append(line)
            if len(batch) >= BATCH:
                writer.write("".join(batch))
                batch = []
        writer.write("".join(batch))
        writer.flush()
        writer.detach()  # keep the spool open when the wrapper goes
        spool.seek(0)
        return _apply_stage(
            spool, period=period, contract_id=contract_id, now=now, columns=columns, unrated=unrated
        )


def _apply_stage(spool, *, period, contract_id, now, columns, unrated) -> dict:
    table = RatedCall._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_STAGE}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {_STAGE} ON COMMIT DROP AS "
            f"SELECT {', '.join(columns)} FROM {table} WITH NO DATA"
        )
        cursor.cursor.copy_expert(f"COPY {_STAGE} ({', '.join(columns)}) FROM STDIN", spool)
        cursor.execute(f"ANALYZE {_STAGE}")
        if contract_id is None:
            calls = _scalar(cursor, f"SELECT count(*) FROM {_STAGE}")
        else:
            calls = _scalar(
                cursor,
                f"SELECT count(*) FROM {_STAGE} s LEFT JOIN {table} r ON r.call_id = s.call_id "
                f"WHERE s.contract_id = %(c)s OR r.contract_id = %(c)s",
                {"c": contract_id},
            )
        # Re-rating one contract touches the calls it prices now or priced before.
        scope = "" if contract_id is None else "AND (s.contract_id = %(c)s OR r.contract_id = %(c)s)"
        compared = [_column(name) for name in _COMPARED]
        cursor.execute(
            f"UPDATE {table} r SET {', '.join(f'{c} = s.{c}' for c in compared)}, rated_at = %(now)s "
            f"FROM {_STAGE} s WHERE r.call_id = s.call_id {scope} "
            f"AND ({', '.join('r.' + c for c in compared)}) "
            f"IS DISTINCT FROM ({', '.join('s.' + c for c in compared)})",
            {"now": now, "c": contract_id},
        )
        changed = cursor.rowcount
        insert_scope = "" if contract_id is None else "AND s.contract_id = %(c)s"
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}, rated_at) "
            f"SELECT {', '.join('s.' + c for c in columns)}, %(now)s FROM {_STAGE} s "
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} r WHERE r.call_id = s.call_id) {insert_scope}",
            {"now": now, "c": contract_id},
        )
        created = cursor.rowcount
        if contract_id is None:
            cursor.execute(
                f"DELETE FROM {table} r WHERE r.period = %(p)s "
                f"AND NOT EXISTS (SELECT 1 FROM {_STAGE} s WHERE s.call_id = r.call_id)",
                {"p": period},
            )
        cursor.execute(f"DROP TABLE {_STAGE}")
    return {
        "calls": calls,
        "created": created,
        "changed": changed,
        "unchanged": calls - created - changed,
        "unrated": unrated,
    }


def _column(name: str) -> str:
    return RatedCall._meta.get_field(name.removesuffix("_id")).column


def _scalar(cursor, sql: str, params=None):
    cursor.execute(sql, params or {})
    return cursor.fetchone()[0]


def calls_rate_new() -> list[RatingRun]:
    """Rate the months that have call records with no rating yet (after an import or a pull).

    A whole month is re-rated, not just the new calls, because a late call can move the boundary
    of included minutes for the calls after it.
    """
    zone = reporting_zone()
    months = set()
    for started_at in (
        CallRecord.objects.filter(rating__isnull=True).values_list("started_at", flat=True).iterator()
    ):
        months.add(Month.of(rating.local_day(started_at, zone)))
    return [calls_rate(month=m) for m in sorted(months)]


# --- Fixed fees ---------------------------------------------------------------------------------


def _clip(valid_from: dt.date, valid_to: dt.date | None, start: dt.date, end: dt.date | None):
    lo = max(valid_from, start)
    if valid_to is None:
        hi = end
    elif end is None:
        hi = valid_to
    else:
        hi = min(valid_to, end)
    return (lo, hi) if hi is None or hi > lo else None


def _assignments(number_ids) -> dict[int, list[tuple[int, dt.date, dt.date | None]]]:
    result: dict[int, list] = defaultdict(list)
    for number_id, dept_id, valid_from, valid_to in NumberAssignment.objects.filter(
        number_id__in=number_ids
    ).values_list("number_id", "department_id", "valid_from", "valid_to"):
        result[number_id].append((dept_id, valid_from, valid_to))
    return result


def _shares(amount, holders, month: Month, in_force: tuple[dt.date, dt.date | None]):
    """Days held within the in-force window → prorated shares (None = Unassigned) and days per holder."""
    lo, hi = in_force
    clipped = []
    for holder, valid_from, valid_to in holders:
        window = _clip(valid_from, valid_to, lo, hi)
        if window:
            clipped.append((holder, window[0], window[1]))
    held = rating.days_held(clipped, month)
    in_force_days = rating.days_held([("x", lo, hi)], month).get("x", 0)
    shares = rating.prorate(amount, held, month.days, days_in_force=in_force_days)
    days = dict(held)
    days[None] = in_force_days - sum(held.values())
    return shares, days


# The columns an allocation row is written with (one multi-row INSERT; no model instance per share).
_ALLOCATION_COLUMNS = (
    "period",
    "department_id",
    "kind",
    "number_id",
    "charge_id",
    "contract_id",
    "description",
    "days",
    "amount",
    "currency",
    "vat_rate",
)


@dataclass(frozen=True, slots=True)
class _Charge:
    """What sharing out one `RecurringCharge` needs, read as one tuple per charge."""

    pk: int
    name: str
    period: str
    amount: Decimal
    currency: str
    valid_from: dt.date
    valid_to: dt.date | None
    contract_id: int
    vat_rate: Decimal
    department_id: int | None
    number_id: int | None
    line_department_id: int | None
    line_id: int | None
    pbx_account_id: int | None


@transaction.atomic
def charges_allocate(*, month: Month) -> int:
    """Share out the month's fixed fees; the month's previous allocation is replaced.

    A fixed number of queries whatever the number of numbers and charges: seven reads, then — only when
    the shares differ from the stored ones — one DELETE and one multi-row INSERT per 500 shares (a
    report rebuilt on unchanged inventory writes nothing). Returns the number of allocation rows.
    """
    period, start, end = month.first_day, month.first_day, month.next_first_day
    rows: list[tuple] = []
    number_vat = _number_contracts(start, end)
    number_fee = ChargeAllocation.Kind.NUMBER_FEE.value

    numbers = list(
        PhoneNumber.objects.filter(monthly_fee__gt=0)
        .exclude(status=PhoneNumber.Status.RESERVED)
        .filter(Q(activated_on__isnull=True) | Q(activated_on__lt=end))
        .filter(Q(released_on__isnull=True) | Q(released_on__gt=start))
        .values_list("pk", "number", "monthly_fee", "currency", "activated_on", "released_on")
    )
    held_by = _assignments([n[0] for n in numbers])
    for number_id, e164, fee, currency, activated_on, released_on in numbers:
        in_force = _clip(activated_on or start, released_on, start, end)
        if not in_force:
            continue
        shares, days = _shares(fee, held_by.get(number_id, ()), month, in_force)
        contract_id, vat = number_vat.get(number_id, (None, default_vat_rate()))
        description = f"Number rent {format_phone(e164)}"
        for dept_id, amount in shares.items():
            rows.append(
                (
                    period,
                    dept_id,
                    number_fee,
                    number_id,
                    None,
                    contract_id,
                    description,
                    days.get(dept_id, 0),
                    amount,
                    currency,
                    vat,
                )
            )

    charges = [
        _Charge(*values)
        for values in RecurringCharge.objects.filter(contract__status__in=RATING_STATUSES)
        .overlapping(start, end)
        .values_list(
            "pk",
            "name",
            "period",
            "amount",
            "currency",
            "valid_from",
            "valid_to",
            "contract_id",
            "contract__vat_rate",
            "department_id",
            "number_id",
            "line__department_id",
            "line_id",
            "pbx_account_id",
        )
    ]
    charge_numbers = _assignments([c.number_id for c in charges if c.number_id])
    seats = _extensions([c.pbx_account_id for c in charges if c.pbx_account_id], start, end)
    for charge in charges:
        if charge.pbx_account_id:
            shares = _allocate_seat_charge(charge, month, seats.get(charge.pbx_account_id, []))
        else:
            shares = _allocate_charge(charge, month, charge_numbers)
        for dept_id, kind, days, amount in shares:
            rows.append(
                (
                    period,
                    dept_id,
                    kind,
                    None,
                    charge.pk,
                    charge.contract_id,
                    charge.name,
                    days,
                    amount,
                    charge.currency,
                    charge.vat_rate,
                )
            )
    stored = Counter(ChargeAllocation.objects.filter(period=period).values_list(*_ALLOCATION_COLUMNS))
    if stored != Counter(rows):
        ChargeAllocation.objects.filter(period=period).delete()
        _insert_rows(ChargeAllocation, _ALLOCATION_COLUMNS, rows)
    return len(rows)


def _insert_rows(model, columns: tuple[str, ...], rows: list[tuple], *, batch: int = 500) -> None:
    """Plain multi-row INSERTs of already-prepared values (dates, Decimals, ints, strings, None).

    For derived rows written in bulk where building a model instance per row would cost more than the
    write (`bulk_create` spends ~0.1 ms a row preparing values). Portable: 500 rows × 11 columns stays
    under SQLite's limit of bound variables (32 766)."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(model._meta.get_field(c).column) for c in columns)
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        for first in range(0, len(rows), batch):
            chunk = rows[first : first + batch]
            params = [value for row in chunk for value in row]
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {', '.join([placeholders] * len(chunk))}", params
            )


def _number_contracts(start: dt.date, end: dt.date) -> dict[int, tuple[int, Decimal]]:
    result = {}
    for number_id, contract_id, vat in (
        ContractNumber.objects.filter(contract__status__in=RATING_STATUSES)
        .overlapping(start, end)
        .order_by("valid_from", "contract_id")
        .values_list("number_id", "contract_id", "contract__vat_rate")
    ):
        result[number_id] = (contract_id, vat)  # the latest coverage in the month wins
    return result


def _charge_holders(charge: _Charge, charge_numbers) -> list[tuple[int | None, dt.date, dt.date | None]]:
    """Who a charge is for, as effective-dated holder rows (an empty list means Unassigned)."""
    if charge.department_id:
        return [(charge.department_id, charge.valid_from, charge.valid_to)]
    if charge.number_id:
        return list(charge_numbers.get(charge.number_id, ()))
    if charge.line_id and charge.line_department_id:
        return [(charge.line_department_id, charge.valid_from, charge.valid_to)]
    return []  # a line serving no single salon has no one department: Unassigned


def _extensions(
    account_ids, start: dt.date, end: dt.date
) -> dict[int, list[tuple[int, dt.date, dt.date | None]]]:
    """(department, valid_from, valid_to) of every extension on each PBX account within the month."""
    result: dict[int, list] = defaultdict(list)
    rows = (
        Extension.objects.filter(pbx_account_id__in=set(account_ids))
        .overlapping(start, end)
        .values_list("pbx_account_id", "department_id", "valid_from", "valid_to")
    )
    for account_id, dept_id, valid_from, valid_to in rows:
        result[account_id].append((dept_id, valid_from, valid_to))
    return result


# A share of one charge: (department or None, kind, days or unit-days, amount).
_Share = tuple[int | None, str, int, Decimal]


def _allocate_seat_charge(charge: _Charge, month: Month, extensions) -> list[_Share]:
    """A PBX account's charge (seat fees) shared by the extensions each department held on it.

    Each day in force costs fee / days in month, split between departments by the extensions they
    held on the account that day; a day with no extension goes to Unassigned. Rounded half-up once per
    (charge, department, month). A one-off fee is split the same way by the extensions of its due day.
    """
    start, end = month.first_day, month.next_first_day
    if charge.period == RecurringCharge.Period.ONE_OFF:
        due = charge.valid_from
        if not start <= due < end:
            return []
        # A one-off fee is the whole of its due day: scale it so that one day's part is the fee.
        shares, units = rating.prorate_by_units(
            charge.amount * month.days, extensions, month, in_force=(due, due + dt.timedelta(days=1))
        )
        kind = ChargeAllocation.Kind.ONE_OFF.value
    else:
        in_force = _clip(charge.valid_from, charge.valid_to, start, end)
        if not in_force:
            return []
        amount = rating.monthly_amount(charge.amount, charge.period)
        shares, units = rating.prorate_by_units(amount, extensions, month, in_force=in_force)
        kind = ChargeAllocation.Kind.RECURRING.value
    return [(dept_id, kind, units.get(dept_id, 0), share) for dept_id, share in shares.items()]


def _allocate_charge(charge: _Charge, month: Month, charge_numbers) -> list[_Share]:
    start, end = month.first_day, month.next_first_day
    holders = _charge_holders(charge, charge_numbers)
    if charge.period == RecurringCharge.Period.ONE_OFF:
        due = charge.valid_from
        if not start <= due < end:
            return []
        dept_id = next(
            (h for h, f, t in holders if f <= due and (t is None or due < t)),
            None,
        )
        return [(dept_id, ChargeAllocation.Kind.ONE_OFF.value, 1, charge.amount)]
    in_force = _clip(charge.valid_from, charge.valid_to, start, end)
    if not in_force:
        return []
    amount = rating.monthly_amount(charge.amount, charge.period)
    shares, days = _shares(amount, holders, month, in_force)
    return [
        (dept_id, ChargeAllocation.Kind.RECURRING.value, days.get(dept_id, 0), share)
        for dept_id, share in shares.items()
    ]


# --- Monthly report -----------------------------------------------------------------------------

USAGE_BY_TYPE = {
    rating.CallType.LOCAL.value: "local",
    rating.CallType.LONG_DISTANCE.value: "long_distance",
    rating.CallType.MOBILE.value: "mobile",
    rating.CallType.INTERNATIONAL.value: "international",
    rating.CallType.TOLL_FREE.value: "toll_free",
}
COUNTED = (rating.Status.RATED.value, rating.Status.FREE.value, rating.Status.UNRATED.value)


# pg_advisory_xact_lock(namespace, key): the first number keeps our locks apart from anyone else's.
MONTH_LOCK_NAMESPACE = 0x7E1E


def month_lock(month: Month) -> None:
    """Hold the month's report lock until the current transaction ends (PostgreSQL).

    Two builds of one month at once would each replace the month's fee allocation and both insert it;
    the second now waits for the first and then finds the shares already stored. SQLite lets one writer
    at a time through anyway (the second build's write fails "database is locked" instead of doubling).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                [MONTH_LOCK_NAMESPACE, month.first_day.year * 100 + month.first_day.month],
            )


@transaction.atomic
def cost_report_build(*, month: Month) -> CostReport:
    """Build (or rebuild) the month's report from stored ratings and a fresh fee allocation."""
    period = month.first_day
    month_lock(month)
    charges_allocate(month=month)
    lines: dict[int | None, CostReportLine] = {}

    def line(dept_id):
        if dept_id not in lines:
            lines[dept_id] = CostReportLine(department_id=dept_id)
        return lines[dept_id]

    net_by_vat: dict[tuple[int | None, Decimal], Decimal] = defaultdict(lambda: ZERO)
    # The month's calls already summed per group by the triggers on billing_ratedcall (RatedCallSummary):
    # a few hundred rows whatever the number of calls.
    calls = RatedCallSummary.objects.filter(period=period, status__in=COUNTED).values_list(
        "department_id", "call_type", "status", "vat_rate", "calls", "cost", "billed_seconds"
    )
    for dept_id, call_type, status, vat_rate, n, cost, seconds in calls:
        target = line(dept_id)
        target.calls += n
        target.billed_seconds += seconds
        if status == rating.Status.UNRATED:
            target.unrated_calls += n
            continue
        column = USAGE_BY_TYPE.get(call_type)
        if column:
            setattr(target, column, getattr(target, column) + cost)
        net_by_vat[(dept_id, vat_rate)] += cost

    fees = (
        ChargeAllocation.objects.filter(period=period)
        .values("department_id", "kind", "vat_rate")
        .annotate(amount=Sum("amount"))
        .order_by()
    )
    for group in fees:
        target = line(group["department_id"])
        amount = group["amount"] or ZERO
        if group["kind"] == ChargeAllocation.Kind.ONE_OFF:
            target.one_time += amount
        else:
            target.recurring += amount
        net_by_vat[(group["department_id"], group["vat_rate"])] += amount

    # VAT per department and rate, on the department's net at that rate (not per call).
    for (dept_id, rate), net in net_by_vat.items():
        line(dept_id).vat += half_up(net * rate / 100)

    budgets = dict(Budget.objects.filter(period=period).values_list("department_id", "amount"))
    for dept_id in Department.objects.active().values_list("pk", flat=True):
        line(dept_id)
    for dept_id in budgets:
        line(dept_id)
    line(None)
    for dept_id, target in lines.items():
        target.budget = budgets.get(dept_id)

    # Rows carry the start time of the run that last changed them; the runs say the same without a scan.
    last = (
        RatingRun.objects.filter(period=period, status=RatingRun.Status.SUCCEEDED)
        .filter(Q(created__gt=0) | Q(changed__gt=0))
        .aggregate(at=Max("started_at"))["at"]
    )
    # Re-rated = a later run changed stored outcomes (a run that changed nothing re-rated nothing).
    rerated = RatingRun.objects.filter(
        period=period, status=RatingRun.Status.SUCCEEDED, changed__gt=0
    ).exists()
    report, _created = CostReport.objects.update_or_create(
        period=period,
        defaults={
            "currency": settings.PORTAL_DEFAULT_CURRENCY,
            "rated_at": last,
            "rerated": rerated,
            "built_at": timezone.now(),
        },
    )
    report.lines.all().delete()
    for target in lines.values():
        target.report = report
    CostReportLine.objects.bulk_create(lines.values())
    return report


def _money(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}"


def _minutes(seconds: int) -> str:
    return _money(Decimal(seconds) / 60)


MONEY_KEYS = ("usage", "recurring", "one_time", "net", "vat", "gross")


def _line_figures(line: CostReportLine) -> dict:
    return {
        "usage": line.usage,
        "recurring": line.recurring,
        "one_time": line.one_time,
        "net": line.net,
        "vat": line.vat,
        "gross": line.gross,
        "calls": line.calls,
        "billed_seconds": line.billed_seconds,
        "unrated_calls": line.unrated_calls,
        "usage_by_type": {f: getattr(line, f) for f in CostReportLine.USAGE_FIELDS},
        "budget": line.budget,
    }


def _serialise(figures: dict) -> dict:
    out = {key: _money(figures[key]) for key in MONEY_KEYS}
    out["calls"] = figures["calls"]
    out["billed_minutes"] = _minutes(figures["billed_seconds"])
    out["unrated_calls"] = figures["unrated_calls"]
    out["usage_by_type"] = {k: _money(v) for k, v in figures["usage_by_type"].items()}
    budget = figures.get("budget")
    out["budget"] = _money(budget) if budget is not None else None
    out["over_budget"] = budget is not None and figures["net"] > budget
    return out


def cost_report_data(report: CostReport) -> dict:
    """The report in the JSON shape of issue 5 (money as decimal strings), plus a few extra keys:
    `usage_by_type`, `budget`, `over_budget` per line and `rated_at`/`rerated` for the month."""
    lines = list(report.lines.select_related("department__city"))
    departments = sorted(
        (ln for ln in lines if ln.department_id), key=lambda ln: (ln.department.city.name, ln.department.code)
    )
    unassigned = next((ln for ln in lines if ln.department_id is None), CostReportLine())
    totals = {key: ZERO for key in MONEY_KEYS}
    totals.update(calls=0, billed_seconds=0, unrated_calls=0, budget=None)
    totals["usage_by_type"] = {f: ZERO for f in CostReportLine.USAGE_FIELDS}
    for ln in [*departments, unassigned]:
        figures = _line_figures(ln)
        for key in (*MONEY_KEYS, "calls", "billed_seconds", "unrated_calls"):
            totals[key] += figures[key]
        for key, value in figures["usage_by_type"].items():
            totals["usage_by_type"][key] += value
    budget_total = sum((ln.budget for ln in departments if ln.budget is not None), ZERO)
    totals["budget"] = budget_total if any(ln.budget is not None for ln in departments) else None
    return {
        "month": f"{report.period:%Y-%m}",
        "currency": report.currency,
        "departments": [
            {
                "code": ln.department.code,
                "name": ln.department.name,
                "city": ln.department.city.name,
                **_serialise(_line_figures(ln)),
            }
            for ln in departments
        ],
        "unassigned": _serialise(_line_figures(unassigned)),
        "totals": _serialise(totals),
        "rated_at": report.rated_at.isoformat() if report.rated_at else None,
        "rerated": report.rerated,
        "built_at": report.built_at.isoformat(),
    }


# --- Budgets ------------------------------------------------------------------------------------


@transaction.atomic
def budget_set(*, department: Department, month: Month, amount: Decimal, note: str = "") -> Budget:
    budget, _created = Budget.objects.update_or_create(
        department=department, period=month.first_day, defaults={"amount": amount, "note": note}
    )
    return budget


@transaction.atomic
def budget_set_year(*, department: Department, year: int, amount: Decimal, note: str = "") -> list[Budget]:
    """A yearly budget split evenly over its months; December takes the kopecks left by rounding."""
    monthly = (amount / 12).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
    result = []
    for month_no in range(1, 13):
        share = monthly if month_no < 12 else amount - monthly * 11
        result.append(budget_set(department=department, month=Month(year, month_no), amount=share, note=note))
    return result


# --- What-if pricing ----------------------------------------------------------------------------


@dataclass
class WhatIfLine:
    key: str
    label: str
    calls: int = 0
    current: Decimal = ZERO
    candidate: Decimal = ZERO
    unrated: int = 0

    @property
    def difference(self) -> Decimal:
        return self.candidate - self.current


@dataclass
class WhatIf:
    month: str
    tariff: Tariff
    by_department: list[WhatIfLine]
    by_destination: list[WhatIfLine]
    total: WhatIfLine


def whatif_price(*, month: Month, tariff: Tariff, contract: Contract | None = None) -> WhatIf:
    """Re-price the month's billable calls (optionally those of one contract) against `tariff`.

    Nothing stored is touched: the stored ratings give the current cost, the candidate tariff's
    prefix table gives the other one. Calls the candidate cannot price are counted, not zeroed.
    """
    start, end = month.first_day, month.next_first_day
    coverage = _load_coverage(start, end)
    books = _TariffBooks([tariff])
    book = books.books[tariff.pk]
    ledger = rating.IncludedMinutesLedger()
    stored = dict(
        RatedCall.objects.filter(period=start).values_list("call_id", "cost")
        if contract is None
        else RatedCall.objects.filter(period=start, contract=contract).values_list("call_id", "cost")
    )
    departments = {d.pk: d for d in Department.objects.select_related("city")}
    rates = dict(Rate.objects.filter(tariff=tariff).values_list("pk", "destination"))
    by_dept: dict[object, WhatIfLine] = {}
    by_dest: dict[str, WhatIfLine] = {}
    total = WhatIfLine("total", "Total")
    for row in _call_rows(month, coverage):
        if row.facts.call_id not in stored or not rating.is_billable(row.facts):
            continue
        result = rating.rate_call(row.facts, book, month=str(month), ledger=ledger)
        if result.status is rating.Status.INTERNAL:
            continue
        dept = departments.get(row.department_id)
        dept_line = by_dept.setdefault(
            row.department_id,
            WhatIfLine(dept.code if dept else "", str(dept) if dept else gettext("Unassigned")),
        )
        dest_label = rates.get(result.rate_id, gettext("(no rate in this tariff)"))
        dest_line = by_dest.setdefault(dest_label, WhatIfLine(result.prefix, dest_label))
        current = stored[row.facts.call_id] or ZERO
        for target in (dept_line, dest_line, total):
            target.calls += 1
            target.current += current
            if result.cost is None:
                target.unrated += 1
            else:
                target.candidate += result.cost
    return WhatIf(
        month=str(month),
        tariff=tariff,
        by_department=sorted(by_dept.values(), key=lambda x: x.key),
        by_destination=sorted(by_dest.values(), key=lambda x: (-abs(x.difference), x.label)),
        total=total,
    )


def rating_run_summary(run: RatingRun) -> dict:
    return {
        "run": run.pk,
        "month": f"{run.period:%Y-%m}",
        "contract": run.contract.code if run.contract_id else None,
        "status": run.status,
        "calls": run.calls,
        "created": run.created,
        "changed": run.changed,
        "unchanged": run.unchanged,
        "unrated": run.unrated,
        "rated_at": run.finished_at.isoformat() if run.finished_at else None,
    }


# --- Rendering ----------------------------------------------------------------------------------


def cost_trend(*, month: Month, months: int = 12) -> list[tuple[str, Decimal]]:
    """Net cost per month for the `months` months ending with `month` (0 where no report was built)."""
    labels = []
    current = month
    for _ in range(months):
        labels.append(current)
        current = current.previous()
    labels.reverse()
    first = labels[0].first_day
    totals: dict[dt.date, Decimal] = defaultdict(lambda: ZERO)
    net_fields = [*CostReportLine.USAGE_FIELDS, "recurring", "one_time"]
    rows = (
        CostReportLine.objects.filter(report__period__gte=first, report__period__lte=month.first_day)
        .values("report__period")
        .annotate(**{f: Sum(f) for f in net_fields})
        .order_by()
    )
    for row in rows:
        # SQLite sums decimals through floats; money is shown exact to the kopeck.
        totals[row["report__period"]] = half_up(sum((row[f] or ZERO for f in net_fields), ZERO))
    return [(str(m), totals[m.first_day]) for m in labels]


def cost_trend_by_department(*, month: Month, months: int = 12) -> tuple[list[str], list[dict]]:
    """Net cost per department (grouped by city) for the last `months` months: the dashboard's trend."""
    labels = [month]
    for _ in range(months - 1):
        labels.append(labels[-1].previous())
    labels.reverse()
    net_fields = [*CostReportLine.USAGE_FIELDS, "recurring", "one_time"]
    rows = (
        CostReportLine.objects.filter(
            report__period__gte=labels[0].first_day, report__period__lte=month.first_day
        )
        .values(
            "department_id",
            "department__code",
            "department__name",
            "department__city__name",
            "report__period",
        )
        .annotate(**{f: Sum(f) for f in net_fields})
        .order_by("department__city__name", "department__code")
    )
    index = {m.first_day: i for i, m in enumerate(labels)}
    lines: dict[object, dict] = {}
    for row in rows:
        line = lines.setdefault(
            row["department_id"],
            {
                "city": row["department__city__name"] or "",
                "code": row["department__code"] or "",
                "name": row["department__name"] or gettext("Unassigned"),
                "net": [ZERO] * len(labels),
            },
        )
        line["net"][index[row["report__period"]]] = half_up(sum((row[f] or ZERO for f in net_fields), ZERO))
    return [str(m) for m in labels], list(lines.values())


def cost_report_details(report: CostReport) -> dict[int | None, dict]:
    """Per department: the fees behind its recurring/one-off figures and its top destinations."""
    period = report.period
    details: dict[int | None, dict] = defaultdict(lambda: {"fees": [], "destinations": []})
    for fee in ChargeAllocation.objects.filter(period=period).order_by(
        "department_id", "kind", "description"
    ):
        details[fee.department_id]["fees"].append(fee)
    destinations = (
        RatedCall.objects.filter(period=period, status=rating.Status.RATED)
        .values("department_id", "prefix", "rate__destination")
        .annotate(calls=Count("pk"), cost=Sum("cost"), seconds=Sum("billed_seconds"))
        .order_by("department_id", "-cost", "prefix")
    )
    for row in destinations:
        target = details[row["department_id"]]["destinations"]
        if len(target) < 10:
            target.append(row)
    return dict(details)


def cost_report_render(report: CostReport, *, fmt: str) -> bytes:
    data = cost_report_data(report)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    if fmt == "csv":
        return exports.to_csv(data)
    if fmt == "xlsx":
        return exports.to_xlsx(data)
    if fmt == "pdf":
        details = cost_report_details(report)
        codes = dict(Department.objects.values_list("pk", "code"))
        per_code = {codes.get(k, ""): v for k, v in details.items() if k is not None}
        chart = exports.trend_svg(
            cost_trend(month=Month.of(report.period)), title=gettext("Net cost, last 12 months")
        )
        return exports.to_pdf(data, departments_detail=per_code, chart=chart)
    raise ValueError(f"unknown report format {fmt!r}")


# --- Monthly e-mail -----------------------------------------------------------------------------


def accounting_recipients() -> list[str]:
    from django.contrib.auth import get_user_model

    from apps.accounts.roles import GROUP_NAMES, Role

    users = get_user_model().objects.filter(is_active=True, groups__name=GROUP_NAMES[Role.ACCOUNTING])
    return sorted(set(users.exclude(email="").values_list("email", flat=True)))


def cost_report_email(*, month: Month, today: dt.date | None = None) -> bool:
    """E-mail the closed month's report (PDF attached) to accounting, once. True if it was sent now.

    The month is closed once it is over in the reporting zone; new calls are rated and the report
    rebuilt first. The report row is claimed with a conditional update, so a redelivered task or a
    second worker does not send it twice; a failed send releases the claim for the next attempt.
    """
    from django.core.mail import EmailMessage

    today = today or rating.local_day(timezone.now(), reporting_zone())
    if today < month.next_first_day:
        return False
    already = CostReport.objects.filter(period=month.first_day, emailed_at__isnull=False).exists()
    recipients = accounting_recipients()
    if already or not recipients:
        return False
    calls_rate(month=month)
    report = cost_report_build(month=month)
    if (
        CostReport.objects.filter(pk=report.pk, emailed_at__isnull=True).update(emailed_at=timezone.now())
        != 1
    ):
        return False
    data = cost_report_data(report)
    try:
        message = EmailMessage(
            subject=f"Telephony costs {month}: net {data['totals']['net']} {data['currency']}",
            body=(
                f"The telephony cost report for {month} is attached.\n"
                f"Net {data['totals']['net']}, VAT {data['totals']['vat']}, gross {data['totals']['gross']} "
                f"{data['currency']}; {data['totals']['unrated_calls']} unrated calls.\n"
            ),
            to=recipients,
        )
        message.attach(
            f"telephony-costs-{month}.pdf", cost_report_render(report, fmt="pdf"), "application/pdf"
        )
        message.send()
    except Exception:
        CostReport.objects.filter(pk=report.pk).update(emailed_at=None)
        raise
    return True
