"""The per-month summary of rated calls the report reads (RatedCallSummary) always equals a GROUP BY over
the stored ratings, whatever wrote them: both rating engines, re-rating one contract, a tariff change,
deleted calls, a hand-made UPDATE."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, Sum

from apps.billing.models import RatedCall, RatedCallSummary
from apps.billing.rating import Month
from apps.billing.services import calls_rate, cost_report_build, cost_report_data
from apps.calls.models import CallRecord
from apps.contracts.models import Rate
from tests.contracts.factories import RateFactory, TariffFactory

from .factories import CallRecordFactory

D = Decimal
MARCH = Month(2026, 3)
ENGINES = ["sql", "python"] if connection.vendor == "postgresql" else ["python"]


def at(day, hour=9):
    return dt.datetime(2026, 3, day, hour, tzinfo=dt.UTC)


def group_by() -> dict:
    rows = (
        RatedCall.objects.values("period", "department_id", "call_type", "status", "vat_rate")
        .annotate(n=Count("*"), seconds=Sum("billed_seconds"), cost=Sum("cost"))
        .order_by()
    )
    return {
        (r["period"], r["department_id"], r["call_type"], r["status"], r["vat_rate"]): (
            r["n"],
            r["seconds"],
            r["cost"] or D("0.00"),
        )
        for r in rows
    }


def summary() -> dict:
    return {
        (s.period, s.department_id, s.call_type, s.status, s.vat_rate): (s.calls, s.billed_seconds, s.cost)
        for s in RatedCallSummary.objects.all()
    }


def assert_summary_exact():
    expected = group_by()
    assert expected, "a test of the summary needs stored ratings"
    assert summary() == expected


@pytest.fixture
def month_of_calls(world):
    """Calls of every status and several departments, two contracts, the month's two edges."""
    mk = CallRecordFactory
    for day, callee, billsec, dept in [
        (3, "89171234567", 61, world.sales),  # mobile
        (4, "2000000", 125, world.sales),  # local
        (5, "84951234567", 10, world.office),  # long distance
        (6, "+4930123456", 10, world.office),  # unrated: no international rate
        (7, "89171234567", 0, world.sales),  # not answered billsec 0 → free or not billable
        (8, "204", 30, None),  # internal, Unassigned
        (9, "89171234567", 200, None),  # Unassigned
    ]:
        mk(callee=callee, billsec=billsec, line=world.line, department=dept, started_at=at(day))
    mk(callee="89171234567", billsec=5, line=world.line, department=world.sales, started_at=at(16))
    mk(callee="89171234567", billsec=50, line=world.line, department=world.sales, started_at=at(28, 20))
    mk(
        callee="89171234567",
        billsec=40,
        line=world.line,
        department=world.office,
        disposition=CallRecord.Disposition.NO_ANSWER,
        started_at=at(12),
    )
    mk(
        direction=CallRecord.Direction.IN,
        caller="+79171234567",
        our_number=world.toll_free,
        billsec=60,
        department=world.office,
        started_at=at(20),
    )
    return world


@pytest.mark.parametrize("engine", ENGINES)
def test_summary_equals_a_group_by_after_rating_re_rating_one_contract_and_a_tariff_change(
    month_of_calls, engine
):
    world = month_of_calls
    calls_rate(month=MARCH, engine=engine)
    assert {s for _p, _d, _t, s, _v in summary()} >= {"rated", "unrated", "internal", "not_billable"}
    assert_summary_exact()

    calls_rate(month=MARCH, engine=engine)  # nothing changed: nothing moves
    assert_summary_exact()

    Rate.objects.filter(tariff=world.tariff, prefix="79").update(price_per_minute=D("9.00"))
    calls_rate(month=MARCH, contract=world.contract, engine=engine)
    assert_summary_exact()

    # A tariff change mid-month with a rate for international calls: statuses and costs move.
    world.tariff.valid_to = dt.date(2026, 3, 15)
    world.tariff.save()
    new = TariffFactory(
        code="TT-NEW", contract=world.contract, increment="1/1", valid_from=dt.date(2026, 3, 15)
    )
    RateFactory(tariff=new, prefix="79", price_per_minute=D("1.00"))
    RateFactory(tariff=new, prefix="4", price_per_minute=D("7.00"))
    calls_rate(month=MARCH, engine=engine)
    assert_summary_exact()

    # Calls moved to another department and deleted calls (the cascade from call records).
    CallRecord.objects.filter(department=world.office).update(department=world.sales)
    CallRecord.objects.filter(started_at=at(3)).delete()
    calls_rate(month=MARCH, engine=engine)
    assert_summary_exact()


def test_a_hand_made_update_or_delete_of_ratings_keeps_the_summary_exact(month_of_calls):
    calls_rate(month=MARCH)
    RatedCall.objects.filter(status="rated").update(cost=D("1.23"), vat_rate=D("20.00"))
    assert_summary_exact()
    RatedCall.objects.filter(call_type="mobile").delete()
    assert_summary_exact()
    RatedCall.objects.all().delete()
    assert not RatedCallSummary.objects.exists()


def test_the_report_reads_the_summary_and_equals_the_ratings(month_of_calls):
    calls_rate(month=MARCH)
    data = cost_report_data(cost_report_build(month=MARCH))
    counted = RatedCall.objects.filter(period=MARCH.first_day, status__in=["rated", "free", "unrated"])
    assert data["totals"]["calls"] == counted.count()
    assert D(data["totals"]["usage"]) == counted.aggregate(s=Sum("cost"))["s"]
    assert data["totals"]["unrated_calls"] == counted.filter(status="unrated").count()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_truncating_the_ratings_empties_the_summary(month_of_calls):
    calls_rate(month=MARCH)
    assert RatedCallSummary.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE billing_ratedcall")
    assert not RatedCallSummary.objects.exists()
