"""Each rating rule of issue 5 with a hand-computed expectation (pure code: no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.billing.rating import (
    CallFacts,
    CallType,
    DestinationKind,
    IncludedMinutesLedger,
    Increment,
    Month,
    PrefixTable,
    RateTerms,
    Status,
    TariffBook,
    billed_seconds,
    call_cost,
    call_type,
    days_held,
    destination_digits,
    local_day,
    monthly_amount,
    prorate,
    rate_call,
)

D = Decimal
UTC = dt.UTC


# --- destination digits --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "area", "digits"),
    [
        ("+7 (843) 200-00-00", "843", "78432000000"),  # a leading + gives its digits
        ("+49 30 1234567", "843", "49301234567"),
        ("78432000000", None, "78432000000"),  # 11 digits starting with 7 stay
        ("8 (917) 123-45-67", None, "79171234567"),  # 11 digits starting with 8 → 7 + last 10
        ("88002000600", None, "78002000600"),
        ("810 49 30 1234567", None, "49301234567"),  # 810 + international → drop 810
        ("0049301234567", None, "49301234567"),  # 00 + international → drop 00
        ("2000000", "843", "78432000000"),  # 7 digits + 3-digit area code = 10
        ("200000", "3452", "73452200000"),  # 6 digits + 4-digit area code (Tyumen)
        ("20000", "34342", "73434220000"),  # 5 digits + 5-digit area code
    ],
)
def test_destination_digits_follow_the_first_matching_rule(raw, area, digits):
    dest = destination_digits(raw, area_code=area)
    assert dest.kind is DestinationKind.EXTERNAL
    assert dest.digits == digits


def test_eleven_digits_starting_with_8_beat_the_810_exit_code():
    # 810 + 8 digits is 11 digits starting with 8: the earlier rule wins (the rules apply in order).
    assert destination_digits("81012345678", area_code=None).digits == "71012345678"


def test_local_number_that_does_not_complete_the_area_code_to_ten_digits_is_invalid():
    dest = destination_digits("200000", area_code="843")  # 3 + 6 = 9 digits
    assert dest.kind is DestinationKind.INVALID
    assert "843" in dest.reason


def test_local_number_without_a_known_line_city_is_invalid():
    assert destination_digits("2000000", area_code=None).kind is DestinationKind.INVALID


@pytest.mark.parametrize("raw", ["12", "101", "2044"])
def test_two_to_four_digits_are_an_internal_extension(raw):
    dest = destination_digits(raw, area_code="843")
    assert dest.kind is DestinationKind.INTERNAL
    assert dest.digits == raw


@pytest.mark.parametrize("raw", ["", "5", "9171234567", "s", "*97", "12345678901234", "00123", "abc123"])
def test_numbers_no_rule_matches_are_invalid(raw):
    assert destination_digits(raw, area_code="843").kind is DestinationKind.INVALID


@given(st.text(max_size=30), st.sampled_from([None, "843", "3452", "34342", "495"]))
def test_destination_digits_never_crash_and_external_digits_are_digits(raw, area):
    dest = destination_digits(raw, area_code=area)
    if dest.kind is DestinationKind.EXTERNAL:
        assert dest.digits.isdigit() and dest.digits.isascii()
    if dest.kind is DestinationKind.INVALID:
        assert dest.reason


# --- call types ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("digits", "kind"),
    [
        ("78432000000", CallType.LOCAL),
        ("74951234567", CallType.LONG_DISTANCE),
        ("79171234567", CallType.MOBILE),
        ("49301234567", CallType.INTERNATIONAL),
        ("77012345678", CallType.INTERNATIONAL),  # Kazakhstan shares country code 7
        ("78002000600", CallType.TOLL_FREE),
    ],
)
def test_call_type_from_destination_digits_for_a_kazan_line(digits, kind):
    assert call_type(digits, area_code="843") is kind


def test_inbound_toll_free_calls_are_toll_free_whatever_the_caller():
    assert call_type("79171234567", area_code="843", inbound_toll_free=True) is CallType.TOLL_FREE


# --- billed seconds ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("billsec", "expected"), [(1, 60), (59, 60), (60, 60), (61, 120), (119, 120), (121, 180)]
)
def test_increment_60_60_bills_whole_minutes(billsec, expected):
    assert billed_seconds(billsec, increment=Increment(60, 60)) == expected


@pytest.mark.parametrize("billsec", [1, 7, 59, 61, 3600])
def test_increment_1_1_bills_the_exact_seconds(billsec):
    assert billed_seconds(billsec, increment=Increment(1, 1)) == billsec


@pytest.mark.parametrize(("billsec", "expected"), [(1, 30), (30, 30), (31, 36), (36, 36), (37, 42), (95, 96)])
def test_increment_30_6_bills_thirty_then_six_second_steps(billsec, expected):
    assert billed_seconds(billsec, increment=Increment(30, 6)) == expected


def test_calls_within_the_free_seconds_bill_nothing_and_longer_ones_bill_from_zero():
    assert billed_seconds(3, increment=Increment(60, 60), free_seconds=3) == 0
    assert billed_seconds(0, increment=Increment(1, 1)) == 0
    # the free seconds are a threshold, not a deduction: 4 s with 3 free seconds is one whole minute
    assert billed_seconds(4, increment=Increment(60, 60), free_seconds=3) == 60


def test_increment_parts_must_be_positive():
    with pytest.raises(ValueError, match="0/60"):
        Increment(0, 60)


@given(
    st.integers(0, 20_000),
    st.integers(1, 120),
    st.integers(1, 120),
    st.integers(0, 10),
)
def test_billed_seconds_cover_the_call_and_grow_with_it(billsec, a, b, free):
    inc = Increment(a, b)
    billed = billed_seconds(billsec, increment=inc, free_seconds=free)
    if billsec > free:
        assert billed >= billsec
        assert billed <= max(a, billsec + b - 1)  # never a whole step more than needed
        assert billed_seconds(billsec + 1, increment=inc, free_seconds=free) >= billed
    else:
        assert billed == 0


# --- longest prefix ------------------------------------------------------------------------------

OVERLAPPING = PrefixTable([("7", "russia"), ("79", "mobile"), ("7843", "kazan"), ("78432", "kazan-city")])


@pytest.mark.parametrize(
    ("digits", "prefix"),
    [
        ("78432000000", "78432"),
        ("78435000000", "7843"),
        ("79171234567", "79"),
        ("74951234567", "7"),
    ],
)
def test_longest_prefix_wins_among_overlapping_prefixes(digits, prefix):
    assert OVERLAPPING.match(digits)[0] == prefix


def test_no_matching_prefix_gives_no_rate():
    assert OVERLAPPING.match("49301234567") is None


def test_a_prefix_listed_twice_in_one_tariff_is_refused():
    with pytest.raises(ValueError, match="7843 appears twice"):
        PrefixTable([("7843", 1), ("7843", 2)])


@given(
    st.lists(st.text("0123456789", min_size=1, max_size=6), unique=True), st.text("0123456789", max_size=12)
)
def test_prefix_table_agrees_with_a_scan_for_the_longest_prefix(prefixes, digits):
    table = PrefixTable((p, p) for p in prefixes)
    candidates = [p for p in prefixes if digits.startswith(p)]
    expected = max(candidates, key=len) if candidates else None
    hit = table.match(digits)
    assert (hit[0] if hit else None) == expected


# --- cost ----------------------------------------------------------------------------------------


def test_cost_is_connection_fee_plus_price_per_minute_rounded_half_up_per_call():
    # 1.50 ₽/min × 90 s = 2.25; + 0.30 connection = 2.55
    assert call_cost(connection_fee=D("0.30"), price_per_minute=D("1.50"), seconds=90) == D("2.55")
    # 0.55 × 1 s / 60 = 0.0091666… → 0.01
    assert call_cost(connection_fee=D("0"), price_per_minute=D("0.55"), seconds=1) == D("0.01")
    # 0.30 × 1 s / 60 = 0.005 exactly → half-up gives 0.01 (banker's rounding would give 0.00)
    assert call_cost(connection_fee=D("0"), price_per_minute=D("0.30"), seconds=1) == D("0.01")
    # 2.70 × 5 s / 60 = 0.225 → 0.23
    assert call_cost(connection_fee=D("0"), price_per_minute=D("2.70"), seconds=5) == D("0.23")


# --- rating a whole call -------------------------------------------------------------------------


def book(*, increment=(60, 60), free=0, included_minutes=0, rates=None, contract="C-1"):
    rates = rates or {
        "7": RateTerms("r7", D("2.00")),
        "79": RateTerms("r79", D("1.20"), D("0.50")),
        "7843": RateTerms("r7843", D("0.80")),
        "78432": RateTerms("r78432", D("0.40")),
        "7800": RateTerms("r7800", D("1.10")),
    }
    return TariffBook(
        tariff_id="T",
        contract_id=contract,
        increment=Increment(*increment),
        free_seconds=free,
        included_seconds=included_minutes * 60,
        prefixes=PrefixTable(rates.items()),
    )


def call(dest, billsec, *, minute=0, outbound=True, answered=True, toll_free=False, area="843", cid=None):
    started = dt.datetime(2026, 3, 10, 9, minute, tzinfo=UTC)
    return CallFacts(
        call_id=cid if cid is not None else minute,
        started_at=started,
        billsec=billsec,
        answered=answered,
        outbound=outbound,
        destination=dest,
        area_code=area,
        inbound_toll_free=toll_free,
    )


def rate(c, b, ledger=None):
    return rate_call(c, b, month="2026-03", ledger=ledger or IncludedMinutesLedger())


def test_outbound_mobile_call_pays_connection_fee_and_whole_minutes():
    r = rate(call("8 917 123-45-67", 61), book())
    assert (r.status, r.call_type, r.prefix, r.billed_seconds) == (Status.RATED, CallType.MOBILE, "79", 120)
    assert r.cost == D("2.90")  # 0.50 + 1.20 × 2


def test_local_number_is_completed_by_the_lines_area_code_and_priced_by_the_longest_prefix():
    r = rate(call("2000000", 30), book())
    assert (r.digits, r.prefix, r.call_type, r.cost) == ("78432000000", "78432", CallType.LOCAL, D("0.40"))


def test_free_seconds_waive_the_connection_fee_too():
    r = rate(call("89171234567", 3), book(free=3))
    assert (r.status, r.cost, r.billed_seconds) == (Status.FREE, D("0.00"), 0)


def test_inbound_call_to_our_toll_free_number_is_priced_on_the_callers_prefix():
    r = rate(call("+7 917 123 45 67", 125, outbound=False, toll_free=True), book())
    assert (r.status, r.call_type, r.prefix, r.billed_seconds, r.cost) == (
        Status.RATED,
        CallType.TOLL_FREE,
        "79",
        180,
        D("4.10"),  # 0.50 + 1.20 × 3
    )


def test_inbound_call_to_an_ordinary_number_and_unanswered_calls_are_not_billable():
    assert rate(call("89171234567", 60, outbound=False), book()).status is Status.NOT_BILLABLE
    assert rate(call("89171234567", 0, answered=False), book()).status is Status.NOT_BILLABLE


def test_dialling_an_extension_costs_nothing():
    r = rate(call("204", 300), book())
    assert (r.status, r.cost, r.call_type) == (Status.INTERNAL, D("0.00"), CallType.INTERNAL)


def test_unrated_calls_have_no_cost_even_when_short():
    no_prefix = rate(call("+49 30 1234567", 1), book())
    no_tariff = rate(call("89171234567", 1), None)
    bad_number = rate(call("123456789", 1), book())
    for r in (no_prefix, no_tariff, bad_number):
        assert r.status is Status.UNRATED
        assert r.cost is None
        assert r.reason
    assert no_prefix.call_type is CallType.INTERNATIONAL


def test_included_minutes_are_consumed_in_order_and_the_boundary_call_pays_only_the_excess():
    tariff = book(increment=(1, 1), included_minutes=2)  # 120 s included
    ledger = IncludedMinutesLedger()
    first = rate(call("84951234567", 100, minute=1), tariff, ledger)
    boundary = rate(call("84951234567", 50, minute=2), tariff, ledger)
    after = rate(call("84951234567", 30, minute=3), tariff, ledger)
    assert (first.included_seconds, first.cost) == (100, D("0.00"))
    assert (boundary.included_seconds, boundary.cost) == (20, D("1.00"))  # 30 s × 2.00/60
    assert (after.included_seconds, after.cost) == (0, D("1.00"))


def test_included_minutes_are_kept_per_contract_and_month():
    ledger = IncludedMinutesLedger()
    a, b = (
        book(increment=(1, 1), included_minutes=1, contract="A"),
        book(increment=(1, 1), included_minutes=1, contract="B"),
    )
    assert rate(call("84951234567", 60, minute=1), a, ledger).cost == D("0.00")
    assert rate(call("84951234567", 60, minute=2), b, ledger).cost == D("0.00")
    april = rate_call(call("84951234567", 60, minute=3), a, month="2026-04", ledger=ledger)
    assert april.cost == D("0.00")


def test_included_minutes_refuse_calls_out_of_order():
    tariff = book(increment=(1, 1), included_minutes=2)
    ledger = IncludedMinutesLedger()
    rate(call("84951234567", 10, minute=5), tariff, ledger)
    with pytest.raises(ValueError, match="chronological"):
        rate(call("84951234567", 10, minute=4), tariff, ledger)


# --- months and recurring charges ---------------------------------------------------------------


def test_month_bounds_are_in_the_reporting_time_zone():
    start, end = Month.parse("2026-03").utc_bounds("Europe/Moscow")
    assert start == dt.datetime(2026, 2, 28, 21, 0, tzinfo=UTC)
    assert end == dt.datetime(2026, 3, 31, 21, 0, tzinfo=UTC)
    # 22:30 UTC on 31 March is already 1 April in Moscow
    assert local_day(dt.datetime(2026, 3, 31, 22, 30, tzinfo=UTC), "Europe/Moscow") == dt.date(2026, 4, 1)


@pytest.mark.parametrize("text", ["2026-13", "2026", "march", "2026-03-01"])
def test_month_parse_rejects_what_is_not_yyyy_mm(text):
    with pytest.raises(ValueError, match="YYYY-MM"):
        Month.parse(text)


def test_a_number_moving_mid_month_shares_its_fee_by_days_held():
    march = Month(2026, 3)  # 31 days
    held = days_held(
        [
            ("sales-kzn", dt.date(2026, 1, 1), dt.date(2026, 3, 11)),
            ("office-kzn", dt.date(2026, 3, 11), None),
        ],
        march,
    )
    assert held == {"sales-kzn": 10, "office-kzn": 21}
    shares = prorate(D("500.00"), held, march.days)
    # 500 × 10 / 31 = 161.290… → 161.29; 500 × 21 / 31 = 338.709… → 338.71
    assert shares == {"sales-kzn": D("161.29"), "office-kzn": D("338.71")}


def test_days_nobody_held_the_number_go_to_unassigned():
    april = Month(2026, 4)  # 30 days
    held = days_held([("sales-ufa", dt.date(2026, 4, 16), None)], april)
    shares = prorate(D("300.00"), held, april.days)
    assert shares == {"sales-ufa": D("150.00"), None: D("150.00")}


def test_each_share_is_rounded_on_its_own():
    # 100 / 3 days each of a 3-way split over 30 days: 33.333… → 33.33 each, 99.99 in all (agreed rule)
    shares = prorate(D("100.00"), {"a": 10, "b": 10, "c": 10}, 30)
    assert shares == {"a": D("33.33"), "b": D("33.33"), "c": D("33.33")}


def test_overlapping_holdings_are_refused():
    with pytest.raises(ValueError, match="overlap"):
        prorate(D("1"), {"a": 20, "b": 20}, 30)


def test_yearly_fees_are_twelfths():
    assert prorate(monthly_amount(D("1200.00"), "yearly"), {"a": 31}, 31) == {"a": D("100.00")}
    assert prorate(monthly_amount(D("1000.00"), "yearly"), {"a": 31}, 31) == {"a": D("83.33")}


def test_a_number_in_service_part_of_the_month_is_charged_for_those_days_only():
    # in service from 21 April (10 of 30 days), held by a salon for the last 5 of them
    shares = prorate(D("300.00"), {"sales-ufa": 5}, 30, days_in_force=10)
    assert shares == {"sales-ufa": D("50.00"), None: D("50.00")}
