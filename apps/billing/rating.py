"""The rating rules agreed with accounting, as pure functions (no models, no queries).

Issue 5 ("Rating rules") is the contract; every function here implements one of its paragraphs, and
docs/billing.md shows each with a worked example. The database side (apps/billing/services.py) only
loads facts, calls `rate_call` for each call in chronological order, and stores the results.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import functools
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Generic, TypeVar

KOPECK = Decimal("0.01")
ZERO = Decimal("0.00")
# E.164 allows at most 15 digits; the shortest real international numbers (country code + subscriber,
# e.g. Niue +683 xxxx) have 7. What follows an 810/00 exit code must look like that to count.
INTERNATIONAL_MIN_DIGITS = 7
INTERNATIONAL_MAX_DIGITS = 15
NATIONAL_DIGITS = 10  # a Russian number without the country code: area/DEF code + subscriber


def half_up(amount: Decimal) -> Decimal:
    """Round to the kopeck, halves away from zero (the rule accounting uses; not banker's rounding)."""
    return amount.quantize(KOPECK, rounding=ROUND_HALF_UP)


# --- Destination digits -------------------------------------------------------------------------


class DestinationKind(enum.StrEnum):
    EXTERNAL = "external"  # international-form digits, country code first (7843…, 4930…)
    INTERNAL = "internal"  # a 2–4 digit extension of ours
    INVALID = "invalid"  # none of the rules gives a number: the call is unrated


@dataclass(slots=True)
class Destination:
    kind: DestinationKind
    digits: str = ""
    reason: str = ""

    @property
    def is_external(self) -> bool:
        return self.kind is DestinationKind.EXTERNAL


def _international(rest: str) -> bool:
    return INTERNATIONAL_MIN_DIGITS <= len(rest) <= INTERNATIONAL_MAX_DIGITS


_TYPING = str.maketrans("", "", " -.()\t")


def destination_digits(raw: str, *, area_code: str | None) -> Destination:
    """Turn a dialled number into the digits rates are looked up by.

    The first rule that matches applies, once, in this order: a leading `+` gives its digits;
    11 digits starting with 7 stay; 11 digits starting with 8 become 7 + the last 10; `810` +
    international drops the 810; `00` + international drops the 00; a local number of 5–7 digits
    becomes 7 + the area code of the line's city + the number, when the two make 10 digits
    (otherwise the number is invalid); 2–4 digits are an internal extension. Anything else is invalid.
    Spaces, dashes, dots and brackets are typing, not digits, and are ignored.
    """
    text = (raw or "").strip()
    plus = text.startswith("+")
    bare = text[1:] if plus else text
    if bare.isascii() and bare.isdigit():
        digits = bare  # the usual case: nothing typed but digits
    else:
        digits = "".join(ch for ch in text if ch.isdigit())
        if not digits:
            return Destination(DestinationKind.INVALID, reason=f"no digits in {raw!r}")
        if not digits.isascii():
            return Destination(DestinationKind.INVALID, reason=f"{raw!r} has non-ASCII digits")
        if len(digits) != len(bare.translate(_TYPING)):
            return Destination(DestinationKind.INVALID, reason=f"{raw!r} is not a phone number")
    if plus:
        return Destination(DestinationKind.EXTERNAL, digits)
    if len(digits) == 11 and digits[0] == "7":
        return Destination(DestinationKind.EXTERNAL, digits)
    if len(digits) == 11 and digits[0] == "8":
        return Destination(DestinationKind.EXTERNAL, "7" + digits[1:])
    if digits.startswith("810") and _international(digits[3:]):
        return Destination(DestinationKind.EXTERNAL, digits[3:])
    if digits.startswith("00") and _international(digits[2:]):
        return Destination(DestinationKind.EXTERNAL, digits[2:])
    if 5 <= len(digits) <= 7:
        if not area_code:
            return Destination(
                DestinationKind.INVALID, reason=f"local number {digits} but the line's city is unknown"
            )
        if len(area_code) + len(digits) != NATIONAL_DIGITS:
            return Destination(
                DestinationKind.INVALID,
                reason=f"local number {digits} does not complete area code {area_code} to 10 digits",
            )
        return Destination(DestinationKind.EXTERNAL, "7" + area_code + digits)
    if 2 <= len(digits) <= 4:
        return Destination(DestinationKind.INTERNAL, digits)
    return Destination(DestinationKind.INVALID, reason=f"{digits} matches no dialling rule")


# --- Call types ---------------------------------------------------------------------------------


class CallType(enum.StrEnum):
    LOCAL = "local"
    LONG_DISTANCE = "long_distance"
    MOBILE = "mobile"
    INTERNATIONAL = "international"
    TOLL_FREE = "toll_free"
    INTERNAL = "internal"


# Country code 7 is shared with Kazakhstan (+7 6xx, +7 7xx): those are international calls for us.
KAZAKHSTAN_PREFIXES = ("76", "77")
TOLL_FREE_PREFIX = "7800"
MOBILE_PREFIX = "79"


def call_type(digits: str, *, area_code: str | None, inbound_toll_free: bool = False) -> CallType:
    """The report column a call lands in, from its destination digits (see `destination_digits`)."""
    if inbound_toll_free or digits.startswith(TOLL_FREE_PREFIX):
        return CallType.TOLL_FREE
    if not digits.startswith("7") or digits.startswith(KAZAKHSTAN_PREFIXES):
        return CallType.INTERNATIONAL
    if digits.startswith(MOBILE_PREFIX):
        return CallType.MOBILE
    if area_code and digits.startswith("7" + area_code):
        return CallType.LOCAL
    return CallType.LONG_DISTANCE


# --- Billed seconds -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Increment:
    """A billing increment `A/B`: the first `A` seconds are billed whole, then steps of `B` seconds."""

    first: int
    step: int

    def __post_init__(self) -> None:
        if self.first < 1 or self.step < 1:
            raise ValueError(f"increment {self.first}/{self.step}: both parts must be at least 1 second")

    def __str__(self) -> str:
        return f"{self.first}/{self.step}"


def billed_seconds(billsec: int, *, increment: Increment, free_seconds: int = 0) -> int:
    """Seconds the operator bills: 0 within the free seconds, else `A` or `A + ceil((s − A) / B)·B`."""
    if billsec < 0:
        raise ValueError(f"billsec {billsec} is negative")
    if billsec <= free_seconds:
        return 0
    a, b = increment.first, increment.step
    if billsec <= a:
        return a
    return a + -(-(billsec - a) // b) * b


# --- Prefix lookup ------------------------------------------------------------------------------

T = TypeVar("T")


class PrefixTable(Generic[T]):
    """Longest-prefix match over one tariff's rates, built once and probed in memory.

    Like CGRateS: probe the destination's own prefixes longest first in a dict; at most one probe
    per digit of the longest prefix, never a query per call.
    """

    def __init__(self, rates: Iterable[tuple[str, T]]):
        self._rates: dict[str, T] = {}
        for prefix, rate in rates:
            if not prefix or not prefix.isdigit() or not prefix.isascii():
                raise ValueError(f"rate prefix {prefix!r} must be digits")
            if prefix in self._rates:
                raise ValueError(f"rate prefix {prefix} appears twice in one tariff")
            self._rates[prefix] = rate
        self._longest = max((len(p) for p in self._rates), default=0)
        self._shortest = min((len(p) for p in self._rates), default=1)

    def __len__(self) -> int:
        return len(self._rates)

    def match(self, digits: str) -> tuple[str, T] | None:
        rates = self._rates
        for length in range(min(len(digits), self._longest), self._shortest - 1, -1):
            prefix = digits[:length]
            rate = rates.get(prefix)
            if rate is not None:
                return prefix, rate
        return None


# --- Included minutes ---------------------------------------------------------------------------


class IncludedMinutesLedger:
    """What is left of each contract's included minutes per month, consumed in call order.

    Calls must be fed in chronological order per (contract, month); the ledger refuses otherwise,
    because the boundary call (the one that pays only the excess) depends on that order.
    """

    def __init__(self) -> None:
        self._left: dict[tuple[object, str], int] = {}
        self._last: dict[tuple[object, str], tuple] = {}

    def consume(
        self, *, contract: object, month: str, included_seconds: int, billed: int, order: tuple
    ) -> int:
        """Take `billed` seconds from the allowance; return how many are left to pay for."""
        if included_seconds <= 0 or billed <= 0:
            return billed
        key = (contract, month)
        last = self._last.get(key)
        if last is not None and order < last:
            raise ValueError(f"calls of {contract} in {month} were not fed in chronological order")
        self._last[key] = order
        left = self._left.get(key, included_seconds)
        used = min(left, billed)
        self._left[key] = left - used
        return billed - used

    def left(self, *, contract: object, month: str, included_seconds: int) -> int:
        return self._left.get((contract, month), included_seconds)


# --- Cost ---------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=65536)
def call_cost(*, connection_fee: Decimal, price_per_minute: Decimal, seconds: int) -> Decimal:
    """connection fee + price per minute × seconds / 60, rounded half-up to the kopeck, per call.

    Cached: billing increments make the same (rate, seconds) pairs recur thousands of times a month.
    """
    return half_up(connection_fee + price_per_minute * seconds / Decimal(60))


# --- Rating one call ----------------------------------------------------------------------------


class Status(enum.StrEnum):
    RATED = "rated"  # priced; cost may be 0.00 when included minutes cover it
    FREE = "free"  # within the free seconds: no fee at all
    INTERNAL = "internal"  # dialled an extension: costs 0
    UNRATED = "unrated"  # no valid destination, no tariff or no matching prefix: cost unknown
    NOT_BILLABLE = "not_billable"  # unanswered, or inbound to an ordinary number


@dataclass(frozen=True)
class RateTerms:
    """One line of a tariff's rate table as the engine needs it."""

    rate_id: object
    price_per_minute: Decimal
    connection_fee: Decimal = ZERO


@dataclass(frozen=True)
class TariffBook:
    """A tariff ready for rating: its terms plus its prefix table (built once per tariff)."""

    tariff_id: object
    contract_id: object
    increment: Increment
    free_seconds: int
    included_seconds: int
    prefixes: PrefixTable[RateTerms]
    currency: str = "RUB"


@dataclass(slots=True)
class CallFacts:
    """What the engine needs to know about one call record."""

    call_id: object
    started_at: dt.datetime
    billsec: int
    answered: bool
    outbound: bool
    destination: str  # dialled number (outbound) or caller (inbound toll-free: priced on its prefix)
    area_code: str | None = None  # of the city of the line that carried the call
    inbound_toll_free: bool = False  # inbound to an 8-800 number of ours


@dataclass(slots=True)
class Rating:
    """The outcome for one call; `cost` is None exactly when the call is unrated."""

    status: Status
    call_type: CallType | None = None
    digits: str = ""
    prefix: str = ""
    rate_id: object = None
    billed_seconds: int = 0
    included_seconds: int = 0  # billed seconds covered by included minutes
    cost: Decimal | None = ZERO
    reason: str = ""


def is_billable(call: CallFacts) -> bool:
    """Answered outbound calls, and answered inbound calls to a toll-free number of ours."""
    return call.answered and (call.outbound or call.inbound_toll_free)


def rate_call(
    call: CallFacts, book: TariffBook | None, *, month: str, ledger: IncludedMinutesLedger
) -> Rating:
    """Price one call. `book` is the tariff in force for it (None: no contract covers it)."""
    if not is_billable(call):
        return Rating(Status.NOT_BILLABLE)
    dest = destination_digits(call.destination, area_code=call.area_code)
    if dest.kind is DestinationKind.INVALID:
        return Rating(Status.UNRATED, cost=None, reason=dest.reason)
    if dest.kind is DestinationKind.INTERNAL:
        if call.inbound_toll_free:
            return Rating(Status.UNRATED, cost=None, reason=f"toll-free caller {dest.digits} is internal")
        return Rating(Status.INTERNAL, CallType.INTERNAL, digits=dest.digits)
    kind = call_type(dest.digits, area_code=call.area_code, inbound_toll_free=call.inbound_toll_free)
    if book is None:
        return Rating(Status.UNRATED, kind, dest.digits, cost=None, reason="no contract covers the call")
    hit = book.prefixes.match(dest.digits)
    if hit is None:
        return Rating(
            Status.UNRATED, kind, dest.digits, cost=None, reason=f"no rate for {dest.digits} in the tariff"
        )
    prefix, terms = hit
    billed = billed_seconds(call.billsec, increment=book.increment, free_seconds=book.free_seconds)
    if billed == 0:
        return Rating(Status.FREE, kind, dest.digits, prefix, terms.rate_id)
    to_pay = ledger.consume(
        contract=book.contract_id,
        month=month,
        included_seconds=book.included_seconds,
        billed=billed,
        order=(call.started_at, call.call_id),
    )
    cost = call_cost(
        connection_fee=terms.connection_fee, price_per_minute=terms.price_per_minute, seconds=to_pay
    )
    return Rating(Status.RATED, kind, dest.digits, prefix, terms.rate_id, billed, billed - to_pay, cost)


# --- Months in the reporting time zone ----------------------------------------------------------


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        try:
            year, month = (int(part) for part in text.strip().split("-"))
            dt.date(year, month, 1)
        except ValueError as exc:
            raise ValueError(f"{text!r} is not a month in the form YYYY-MM") from exc
        return cls(year, month)

    @classmethod
    def of(cls, day: dt.date) -> Month:
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def days(self) -> int:
        return calendar.monthrange(self.year, self.month)[1]

    @property
    def next_first_day(self) -> dt.date:
        return self.first_day + dt.timedelta(days=self.days)

    def next(self) -> Month:
        return Month.of(self.next_first_day)

    def previous(self) -> Month:
        return Month.of(self.first_day - dt.timedelta(days=1))

    def utc_bounds(self, zone: str) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) of the month in `zone`, as UTC instants for querying stored call times."""
        tz = zoneinfo.ZoneInfo(zone)
        start = dt.datetime.combine(self.first_day, dt.time(), tzinfo=tz)
        end = dt.datetime.combine(self.next_first_day, dt.time(), tzinfo=tz)
        return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def local_day(moment: dt.datetime, zone: str) -> dt.date:
    """The calendar day of an instant in the reporting time zone."""
    if moment.tzinfo is None:
        raise ValueError("call times must be timezone-aware (stored in UTC)")
    return moment.astimezone(zoneinfo.ZoneInfo(zone)).date()


# --- Recurring charges --------------------------------------------------------------------------


def days_held(periods: Iterable[tuple[object, dt.date, dt.date | None]], month: Month) -> dict[object, int]:
    """Days of `month` each holder held something, from half-open (holder, valid_from, valid_to) rows."""
    first, end = month.first_day, month.next_first_day
    result: dict[object, int] = {}
    for holder, valid_from, valid_to in periods:
        start = max(valid_from, first)
        stop = min(valid_to or end, end)
        if stop > start:
            result[holder] = result.get(holder, 0) + (stop - start).days
    return result


def prorate(
    monthly_amount: Decimal,
    held: Mapping[object, int],
    days_in_month: int,
    *,
    days_in_force: int | None = None,
) -> dict[object, Decimal]:
    """Share a month's fee by days held: `fee × days / days_in_month`, half-up per holder.

    Days the fee was in force but nobody held the thing go to the holder `None` (the report's
    "Unassigned" line), never dropped; `days_in_force` (default: the whole month) is shorter when the
    number or charge started or ended within the month. Each share is rounded on its own, so the
    shares may differ from the fee by a kopeck: that is the agreed rule (per number, department and
    month), and the report shows the shares as they are.
    """
    in_force = days_in_month if days_in_force is None else days_in_force
    if not 0 <= in_force <= days_in_month:
        raise ValueError(f"{in_force} days in force in a month of {days_in_month} days")
    total = sum(held.values())
    if total > in_force:
        raise ValueError(f"{total} days held out of {in_force} days in force: holdings overlap")
    if None in held:
        raise ValueError("a holder of None is reserved for unassigned days")
    shares = {
        holder: half_up(monthly_amount * days / days_in_month) for holder, days in held.items() if days > 0
    }
    if total < in_force:
        shares[None] = half_up(monthly_amount * (in_force - total) / days_in_month)
    return shares


class Periodicity(enum.StrEnum):
    MONTHLY = "monthly"
    YEARLY = "yearly"
    ONE_OFF = "one_off"


def monthly_amount(amount: Decimal, periodicity: Periodicity | str) -> Decimal:
    """The part of a recurring fee that belongs to one month (yearly fees are twelfths, unrounded)."""
    periodicity = Periodicity(periodicity)
    if periodicity is Periodicity.YEARLY:
        return amount / 12
    return amount


def prorate_by_units(
    monthly_amount: Decimal,
    periods: Iterable[tuple[object, dt.date, dt.date | None]],
    month: Month,
    *,
    in_force: tuple[dt.date, dt.date | None] | None = None,
) -> tuple[dict[object, Decimal], dict[object, int]]:
    """Share a month's fee by unit-days (e.g. a PBX account's seat fee by extension-days).

    Each day the fee is in force costs `fee / days_in_month`; that day's part is split between the
    holders of the units (extensions) existing that day, in proportion to how many each holds; a
    day with no unit goes to `None` (Unassigned). Shares are summed exactly (fractions) and rounded
    half-up once per holder and month. Returns (shares, unit-days per holder; `None`: days no unit).
    With one unit this is exactly `prorate` over `days_held`.
    """
    first, end = month.first_day, month.next_first_day
    lo, hi = in_force or (first, end)
    lo, hi = max(lo, first), min(hi or end, end)
    days = max((hi - lo).days, 0)
    counts: list[dict[object, int]] = [{} for _ in range(days)]
    for holder, valid_from, valid_to in periods:
        if holder is None:
            raise ValueError("a holder of None is reserved for unassigned days")
        start = max(valid_from, lo)
        stop = min(valid_to or hi, hi)
        for offset in range((start - lo).days, (stop - lo).days):
            counts[offset][holder] = counts[offset].get(holder, 0) + 1
    weights: dict[object, Fraction] = {}
    unit_days: dict[object, int] = {}
    for day in counts:
        total = sum(day.values())
        if total == 0:
            weights[None] = weights.get(None, Fraction(0)) + 1
            unit_days[None] = unit_days.get(None, 0) + 1
            continue
        for holder, units in day.items():
            weights[holder] = weights.get(holder, Fraction(0)) + Fraction(units, total)
            unit_days[holder] = unit_days.get(holder, 0) + units
    fee = Fraction(monthly_amount)
    shares = {holder: half_up(_decimal(fee * weight / month.days)) for holder, weight in weights.items()}
    return shares, unit_days


def _decimal(value: Fraction) -> Decimal:
    """A fraction as a Decimal exact enough for rounding to the kopeck (28 significant digits)."""
    return Decimal(value.numerator) / Decimal(value.denominator)
