"""Key dates of a contract, computed from its terms (never typed in).

Conventions (docs/contracts.md has examples):

* A term is a half-open run of days ``[start, next_start)``. ``term_end`` is the last day *inside* the
  term (``next_start - 1 day``), which is the date a lawyer reads in the contract ("valid until 31 Dec").
* Adding months clamps to the month's end: 31 Jan + 1 month = 28 Feb (29 Feb in a leap year).
  Every renewal boundary is counted from one anchor, not from the previous boundary, so a term that
  starts on 31 Jan keeps returning to month ends (28 Feb, 31 Mar, 30 Apr …) instead of drifting to the 28th.
* The initial term ends on ``end_date`` when the contract states one, else after ``initial_term_months``.
  With neither the contract is open-ended: it has no term end, no renewal and no notice deadline.
* Notice must be given at least ``notice_days`` days before the term ends:
  ``last_notice_day = term_end - notice_days``. Notice given on that day is in time; the day after is late.
* Renewal: ``none`` — the contract ends at the initial term end. ``tacit`` — it renews by itself for
  ``renewal_term_months`` (or the initial term length) again and again unless notice is given by the last
  notice day. ``express`` — it ends unless the parties agree a renewal; the last notice day is then the
  last day to ask for one, and the renewal, if agreed, would start the day after the term end.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

ONE_DAY = dt.timedelta(days=1)

NONE, TACIT, EXPRESS = "none", "tacit", "express"


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by `months` calendar months, clamped to the last day of the target month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole calendar months from `earlier` to `later` by the month index alone (day ignored)."""
    return (later.year - earlier.year) * 12 + (later.month - earlier.month)


@dataclass(frozen=True)
class Terms:
    """The date terms of a contract, as written in it."""

    start: dt.date
    end_date: dt.date | None = None
    initial_term_months: int | None = None
    renewal: str = NONE
    renewal_term_months: int | None = None
    notice_days: int | None = None


@dataclass(frozen=True)
class KeyDates:
    """Where a contract stands on a given day. All `None` when the contract is open-ended."""

    term_start: dt.date | None
    term_end: dt.date | None
    last_notice_day: dt.date | None
    next_renewal: dt.date | None
    ended: bool = False


def initial_term_next_start(terms: Terms) -> dt.date | None:
    """The first day after the initial term, or None for an open-ended contract."""
    if terms.end_date is not None:
        return terms.end_date + ONE_DAY
    if terms.initial_term_months:
        return add_months(terms.start, terms.initial_term_months)
    return None


def renewal_months(terms: Terms) -> int | None:
    if terms.renewal_term_months:
        return terms.renewal_term_months
    if terms.initial_term_months:
        return terms.initial_term_months
    if terms.end_date is not None:
        # "Renewed for the same period" with only an end date written: the whole months it spanned.
        months = months_between(terms.start, terms.end_date + ONE_DAY)
        return months if months > 0 else None
    return None


def current_term(terms: Terms, on: dt.date) -> tuple[dt.date, dt.date] | None:
    """The half-open term ``(start, next_start)`` in force on `on` (or the first one, before the start).

    For a tacit contract past its initial term this is the renewal term containing `on`; for the other
    kinds it stays the initial term (after which the contract has ended). None when open-ended.
    """
    first_next = initial_term_next_start(terms)
    if first_next is None:
        return None
    if on < first_next or terms.renewal != TACIT:
        return terms.start, first_next
    months = renewal_months(terms)
    if not months:
        return terms.start, first_next
    # Jump straight to the renewal term holding `on`: boundaries are anchor + k*months, clamped.
    k = months_between(first_next, on) // months
    start = add_months(first_next, k * months)
    if start > on:
        k -= 1
    while True:
        start = add_months(first_next, k * months)
        end = add_months(first_next, (k + 1) * months)
        if start <= on < end:
            return start, end
        k += 1 if on >= end else -1


def key_dates(terms: Terms, on: dt.date) -> KeyDates:
    """Term start and end, last day to give notice and next renewal, as seen on day `on`."""
    term = current_term(terms, on)
    if term is None:
        return KeyDates(None, None, None, None)
    start, next_start = term
    term_end = next_start - ONE_DAY
    notice = term_end - dt.timedelta(days=terms.notice_days) if terms.notice_days is not None else None
    ended = on > term_end  # only possible when the contract does not renew by itself
    if terms.renewal == NONE:
        return KeyDates(start, term_end, None, None, ended)
    if terms.renewal == EXPRESS:
        return KeyDates(start, term_end, notice, None if ended else next_start, ended)
    return KeyDates(start, term_end, notice, next_start, False)


def next_notice_deadline(terms: Terms, on: dt.date) -> dt.date | None:
    """The first last-notice-day on or after `on`: this term's, or the next one's if this one passed."""
    dates = key_dates(terms, on)
    if dates.last_notice_day is None or dates.ended:
        return None
    if dates.last_notice_day >= on:
        return dates.last_notice_day
    if terms.renewal != TACIT:
        return None
    # A notice period longer than a renewal term can put several deadlines behind us: walk forward.
    while dates.last_notice_day < on:
        dates = key_dates(terms, dates.term_end + ONE_DAY)
    return dates.last_notice_day
