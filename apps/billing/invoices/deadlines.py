"""Dates and money of an invoice's clock: the last day to dispute it, and the penalty for paying late.

Pure functions (the Russian production calendar comes from the `holidays` package, offline); the
invoice-facing helpers at the bottom read the contract's terms.

Counting rules (Civil Code of the Russian Federation, art. 191 and 193):
- a window of N days starts on the day after the invoice was received;
- calendar days: the last day is received + N; when that is a non-working day, the window ends on the
  next working day;
- working days: the last day is the N-th working day after the day of receipt (weekends and public
  holidays skipped, Saturdays made working by a government transfer counted).
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from decimal import Decimal

import holidays

from apps.core.money import round_kopeck

ZERO = Decimal("0.00")
CALENDAR, WORKING = "calendar", "working"

_lock = threading.Lock()
_calendar: holidays.HolidayBase | None = None


def _russia() -> holidays.HolidayBase:
    global _calendar
    with _lock:
        if _calendar is None:
            _calendar = holidays.country_holidays("RU")
        return _calendar


def is_working_day(day: dt.date) -> bool:
    """A working day in Russia: not a weekend (unless transferred to work) nor a public holiday."""
    calendar = _russia()
    with _lock:
        return bool(calendar.is_working_day(day))


def next_working_day(day: dt.date) -> dt.date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def window_end(received: dt.date, days: int, kind: str = CALENDAR) -> dt.date:
    """The last day of a window of `days` days (calendar or working) opened by receiving on `received`."""
    if days < 0:
        raise ValueError(f"a window of {days} days")
    if kind == WORKING:
        day, counted = received, 0
        while counted < days:
            day += dt.timedelta(days=1)
            if is_working_day(day):
                counted += 1
        return day
    if kind != CALENDAR:
        raise ValueError(f"unknown kind of days {kind!r}")
    return next_working_day(received + dt.timedelta(days=days))


@dataclass(frozen=True)
class Clock:
    """Where an invoice stands against its dispute window on `today`."""

    state: str  # "running", "stopped" (disputed in time), "deemed_accepted", "no_window", "settled"
    dispute_by: dt.date | None
    days_left: int | None  # calendar days from today to the last day (0 = today is the last day)
    stopped_on: dt.date | None = None

    @property
    def deemed_accepted_on(self) -> dt.date | None:
        return self.dispute_by + dt.timedelta(days=1) if self.dispute_by else None


def clock(
    *, dispute_by: dt.date | None, today: dt.date, disputed_on: dt.date | None, settled: bool = False
) -> Clock:
    """The clock of one invoice: a dispute sent on or before the last day stops it for good."""
    if disputed_on is not None and (dispute_by is None or disputed_on <= dispute_by):
        return Clock("stopped", dispute_by, None, disputed_on)
    if settled:
        return Clock("settled", dispute_by, None)
    if dispute_by is None:
        return Clock("no_window", None, None)
    left = (dispute_by - today).days
    if left < 0:
        return Clock("deemed_accepted", dispute_by, left)
    return Clock("running", dispute_by, left)


@dataclass(frozen=True)
class Penalty:
    """Late-payment penalty on `today`: accrued so far, what one more day adds, and the cap."""

    days_late: int
    accrued: Decimal
    per_day: Decimal
    cap: Decimal | None
    capped: bool


def penalty(
    *,
    debt: Decimal,
    due_date: dt.date | None,
    today: dt.date,
    rate_per_day: Decimal | None,
    cap_percent: Decimal | None,
) -> Penalty:
    """`debt × rate% × days late`, days counted from the day after the due date up to today inclusive,
    never more than `debt × cap%` when the contract caps it. Rounded half-up to the kopeck once, on the
    total (the daily figure is shown rounded too). No rate, no due date or no debt → nothing accrues."""
    cap = round_kopeck(debt * cap_percent / 100) if cap_percent is not None else None
    if not rate_per_day or due_date is None or debt <= 0:
        return Penalty(0, ZERO, ZERO, cap, False)
    days = max((today - due_date).days, 0)
    daily = debt * rate_per_day / 100
    accrued = round_kopeck(daily * days)
    per_day = round_kopeck(daily)
    capped = False
    if cap is not None and accrued >= cap:
        accrued, per_day, capped = cap, ZERO, True
    elif cap is not None and accrued + per_day > cap:
        per_day = cap - accrued  # tomorrow reaches the cap
    return Penalty(days, accrued, per_day, cap, capped)


# --- Invoice-facing helpers ---------------------------------------------------------------------


def invoice_dispute_by(invoice) -> dt.date | None:
    """Received date + the contract's dispute window (None when the contract sets no window)."""
    if not invoice.contract_id or not invoice.received_date:
        return None
    contract = invoice.contract
    if contract.dispute_window_days is None:
        return None
    return window_end(invoice.received_date, contract.dispute_window_days, _terms_kind(contract))


def _terms_kind(contract) -> str:
    from apps.billing.models import InvoiceTerms

    kind = InvoiceTerms.objects.filter(contract=contract).values_list("window_day_kind", flat=True).first()
    return kind or CALENDAR
