"""Key-date arithmetic: worked examples, then properties against a plain step-by-step reference."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from apps.contracts.dates import (
    EXPRESS,
    NONE,
    TACIT,
    KeyDates,
    Terms,
    add_months,
    key_dates,
    next_notice_deadline,
    renewal_months,
)

D = dt.date
DAY = dt.timedelta(days=1)


# Reference: one month at a time, month lengths found by stepping back from the next month's first day.
def ref_month_length(year: int, month: int) -> int:
    first_of_next = D(year + 1, 1, 1) if month == 12 else D(year, month + 1, 1)
    return (first_of_next - DAY).day


def ref_add_months(day: dt.date, months: int) -> dt.date:
    year, month = day.year, day.month
    for _ in range(months):
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return D(year, month, min(day.day, ref_month_length(year, month)))


def ref_terms(terms: Terms):
    """Yield the half-open terms one after another, walking from the start."""
    first_next = (
        terms.end_date + DAY if terms.end_date else ref_add_months(terms.start, terms.initial_term_months)
    )
    yield terms.start, first_next
    if terms.renewal != TACIT:
        return
    months = terms.renewal_term_months or terms.initial_term_months
    if months is None:
        end = terms.end_date + DAY
        months = (end.year - terms.start.year) * 12 + end.month - terms.start.month
    k = 0
    while True:
        yield ref_add_months(first_next, k * months), ref_add_months(first_next, (k + 1) * months)
        k += 1


def ref_key_dates(terms: Terms, on: dt.date) -> KeyDates:
    for term in ref_terms(terms):
        start, next_start = term
        last = True
        if on < next_start:
            last = False
            break
    term_end = next_start - DAY
    notice = None if terms.notice_days is None else term_end - dt.timedelta(days=terms.notice_days)
    ended = last and on > term_end
    if terms.renewal == NONE:
        return KeyDates(start, term_end, None, None, ended)
    if terms.renewal == EXPRESS:
        return KeyDates(start, term_end, notice, None if ended else next_start, ended)
    return KeyDates(start, term_end, notice, next_start, False)


def ref_next_notice(terms: Terms, on: dt.date):
    if terms.notice_days is None or terms.renewal == NONE:
        return None
    for _start, next_start in ref_terms(terms):
        deadline = next_start - DAY - dt.timedelta(days=terms.notice_days)
        if on > next_start - DAY and terms.renewal != TACIT:
            return None
        if deadline >= on:
            return deadline
        if terms.renewal != TACIT:
            return None
    return None


# Worked examples (docs/contracts.md quotes these) -----------------------------------------------


def test_a_month_after_31_january_is_the_end_of_february():
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2028, 1, 31), 1) == D(2028, 2, 29)


def test_a_year_after_29_february_is_28_february_and_four_years_after_is_29_february():
    assert add_months(D(2028, 2, 29), 12) == D(2029, 2, 28)
    assert add_months(D(2028, 2, 29), 48) == D(2032, 2, 29)


def test_a_one_year_tacit_contract_gives_its_term_end_notice_day_and_renewal():
    terms = Terms(start=D(2026, 1, 1), initial_term_months=12, renewal=TACIT, notice_days=30)
    assert key_dates(terms, D(2026, 6, 1)) == KeyDates(
        term_start=D(2026, 1, 1),
        term_end=D(2026, 12, 31),
        last_notice_day=D(2026, 12, 1),
        next_renewal=D(2027, 1, 1),
    )


def test_after_the_notice_day_passes_the_next_deadline_is_in_the_renewed_term():
    terms = Terms(start=D(2026, 1, 1), initial_term_months=12, renewal=TACIT, notice_days=30)
    assert next_notice_deadline(terms, D(2026, 12, 1)) == D(2026, 12, 1)
    assert next_notice_deadline(terms, D(2026, 12, 2)) == D(2027, 12, 1)


def test_monthly_renewals_from_31_january_return_to_month_ends_without_drifting():
    terms = Terms(start=D(2026, 1, 1), end_date=D(2026, 1, 30), renewal=TACIT, renewal_term_months=1)
    starts = [key_dates(terms, D(2026, m, 15)).term_start for m in (2, 3, 4, 5)]
    assert starts == [D(2026, 1, 31), D(2026, 2, 28), D(2026, 3, 31), D(2026, 4, 30)]


def test_a_contract_without_renewal_has_ended_after_its_term_and_needs_no_notice():
    terms = Terms(start=D(2026, 1, 1), end_date=D(2026, 6, 30), renewal=NONE, notice_days=30)
    dates = key_dates(terms, D(2026, 7, 1))
    assert dates.ended and dates.term_end == D(2026, 6, 30)
    assert dates.last_notice_day is None and dates.next_renewal is None


def test_an_express_renewal_offers_a_renewal_until_the_term_ends_and_none_after():
    terms = Terms(start=D(2026, 1, 1), initial_term_months=6, renewal=EXPRESS, notice_days=10)
    before = key_dates(terms, D(2026, 6, 1))
    assert (before.term_end, before.last_notice_day, before.next_renewal) == (
        D(2026, 6, 30),
        D(2026, 6, 20),
        D(2026, 7, 1),
    )
    after = key_dates(terms, D(2026, 7, 1))
    assert after.ended and after.next_renewal is None
    assert next_notice_deadline(terms, D(2026, 6, 21)) is None


def test_an_open_ended_contract_has_no_key_dates():
    terms = Terms(start=D(2026, 1, 1), renewal=NONE)
    assert key_dates(terms, D(2030, 1, 1)) == KeyDates(None, None, None, None)


# Properties ------------------------------------------------------------------------------------

days = st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 12, 31))


@st.composite
def contract_terms(draw):
    start = draw(days)
    if draw(st.booleans()):
        end = start + dt.timedelta(days=draw(st.integers(0, 2000)))
        initial = None
    else:
        end = None
        initial = draw(st.integers(1, 60))
    renewal = draw(st.sampled_from([NONE, TACIT, EXPRESS]))
    renewal_months = draw(st.one_of(st.none(), st.integers(1, 36)))
    notice = draw(st.one_of(st.none(), st.integers(0, 400)))
    terms = Terms(start, end, initial, renewal, renewal_months, notice)
    if renewal == TACIT and renewal_months is None and initial is None:
        # "the same period again" needs at least one whole month to repeat
        months = (end + DAY).year * 12 + (end + DAY).month - start.year * 12 - start.month
        if months < 1:
            terms = Terms(start, end, initial, renewal, 1, notice)
    return terms


@given(day=days, months=st.integers(0, 600))
def test_adding_months_matches_stepping_one_month_at_a_time(day, months):
    assert add_months(day, months) == ref_add_months(day, months)


@given(day=days, months=st.integers(0, 600))
def test_adding_months_keeps_the_day_unless_the_month_is_too_short(day, months):
    moved = add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day == day.day or (moved.day < day.day and (moved + DAY).day == 1)


@settings(max_examples=300)
@given(terms=contract_terms(), offset=st.integers(-400, 15000))
def test_key_dates_match_the_step_by_step_reference(terms, offset):
    on = terms.start + dt.timedelta(days=offset)
    assert key_dates(terms, on) == ref_key_dates(terms, on)


@settings(max_examples=300)
@given(terms=contract_terms(), offset=st.integers(0, 15000))
def test_next_notice_deadline_matches_the_reference(terms, offset):
    on = terms.start + dt.timedelta(days=offset)
    assert next_notice_deadline(terms, on) == ref_next_notice(terms, on)


@settings(max_examples=300)
@given(terms=contract_terms(), offset=st.integers(0, 15000))
def test_tacit_terms_hold_the_day_and_follow_each_other_without_gap_or_overlap(terms, offset):
    terms = Terms(**{**terms.__dict__, "renewal": TACIT})
    if renewal_months(terms) is None:  # the model refuses such a contract (nothing to repeat)
        terms = Terms(**{**terms.__dict__, "renewal_term_months": 1})
    on = terms.start + dt.timedelta(days=offset)
    dates = key_dates(terms, on)
    assert dates.term_start <= on <= dates.term_end
    assert dates.next_renewal == dates.term_end + DAY
    following = key_dates(terms, dates.term_end + DAY)
    assert following.term_start == dates.term_end + DAY
    if terms.notice_days is not None:
        assert dates.term_end - dates.last_notice_day == dt.timedelta(days=terms.notice_days)
