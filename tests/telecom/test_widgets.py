"""Cell parsers: whatever a spreadsheet cell holds, the result is a value or a CellError naming the column."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.core.resources import CellError, DateWidget, IntegerWidget, MoneyWidget, PhoneWidget

CELLS = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.decimals(allow_nan=False, allow_infinity=False),
)
EXPECTED = {PhoneWidget: str, MoneyWidget: Decimal, DateWidget: dt.date, IntegerWidget: int}


@pytest.mark.parametrize(
    "widget", [PhoneWidget("number"), MoneyWidget("fee"), DateWidget("day"), IntegerWidget("n")]
)
@given(value=CELLS)
def test_any_cell_gives_a_value_or_an_error_naming_its_column(widget, value):
    try:
        result = widget.clean(value)
    except CellError as error:
        assert error.column == widget.column
        assert str(error)
    else:
        assert result is None or isinstance(result, EXPECTED[type(widget)])
        if isinstance(result, Decimal):
            assert result.is_finite()


@given(st.decimals(min_value=0, max_value=10**9, places=2))
def test_money_renders_and_reads_back_identically(amount):
    widget = MoneyWidget("fee")
    assert widget.clean(widget.render(amount)) == amount


@given(st.dates())
def test_dates_render_and_read_back_identically(day):
    widget = DateWidget("day")
    assert widget.clean(widget.render(day)) == day


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("8 (843) 200-00-00", "+78432000000"),
        ("+7 843 200 00 00", "+78432000000"),
        (78432000000, "+78432000000"),
        ("8-800-555-35-35", "+78005553535"),
    ],
)
def test_usual_number_forms_become_e164(raw, e164):
    assert PhoneWidget("number").clean(raw) == e164


def test_money_from_a_float_cell_is_exact_to_the_kopeck():
    assert MoneyWidget("fee").clean(450.1) == Decimal("450.1")


@pytest.mark.parametrize("zero", [0, 0.0, "0", "0.00", Decimal("0")])
def test_zero_money_is_zero_not_blank(zero):
    assert MoneyWidget("fee").clean(zero) == Decimal("0")


@pytest.mark.parametrize("value", [float("inf"), float("nan"), Decimal("Infinity"), "Infinity"])
def test_infinite_money_is_refused(value):
    with pytest.raises(CellError):
        MoneyWidget("fee").clean(value)


def test_datetime_cell_is_read_as_its_date():
    assert DateWidget("day").clean(dt.datetime(2026, 9, 1)) == dt.date(2026, 9, 1)
