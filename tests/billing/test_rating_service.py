"""Rating stored calls: tariffs from coverage, re-rating, included minutes, the rate_calls command."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.billing.models import RatedCall, RatingRun
from apps.billing.rating import Month
from apps.billing.services import calls_rate, calls_rate_new, trunk_name
from apps.calls.models import CallRecord
from apps.contracts.models import Contract, Rate
from tests.contracts.factories import ContractFactory, ContractNumberFactory, RateFactory, TariffFactory
from tests.factories import PhoneNumberFactory

from .factories import CallRecordFactory

D = Decimal
MARCH = Month(2026, 3)


def at(day, hour=9, minute=0):
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=dt.UTC)


def out_call(world, callee, billsec, *, started=None, department="sales", **kw):
    kw.setdefault("line", world.line)
    kw.setdefault("our_number", world.number)
    return CallRecordFactory(
        callee=callee,
        billsec=billsec,
        started_at=started or at(10),
        department=getattr(world, department) if department else None,
        **kw,
    )


def rated(call) -> RatedCall:
    return RatedCall.objects.get(call=call)


def test_outbound_mobile_call_is_priced_by_the_trunks_contract(world):
    call = out_call(world, "8 917 123-45-67", 61)
    calls_rate(month=MARCH)
    r = rated(call)
    assert (r.status, r.call_type, r.prefix, r.billed_seconds, r.cost) == (
        "rated",
        "mobile",
        "79",
        120,
        D("2.90"),
    )
    assert (r.contract, r.tariff, r.department, r.vat_rate) == (
        world.contract,
        world.tariff,
        world.sales,
        D("22"),
    )


def test_local_number_is_completed_with_the_area_code_of_the_lines_city(world):
    call = out_call(world, "2000000", 30)
    calls_rate(month=MARCH)
    r = rated(call)
    assert (r.destination, r.prefix, r.call_type, r.cost) == ("78432000000", "78432", "local", D("0.40"))


def test_inbound_call_to_our_8_800_number_is_priced_by_that_numbers_contract_on_the_callers_prefix(world):
    call = CallRecordFactory(
        direction=CallRecord.Direction.IN,
        caller="+79171234567",
        callee="+78002000600",
        our_number=world.toll_free,
        line=world.line,  # arrived over the Kazan trunk, but the 8-800 contract prices it
        billsec=125,
        department=world.office,
    )
    ordinary = CallRecordFactory(
        direction=CallRecord.Direction.IN, caller="+79171234567", our_number=world.number, billsec=125
    )
    calls_rate(month=MARCH)
    r = rated(call)
    assert (r.status, r.call_type, r.contract, r.prefix, r.billed_seconds, r.cost) == (
        "rated",
        "toll_free",
        world.toll_free_contract,
        "79",
        125,
        D("6.25"),  # 1/1 increment, 3.00 × 125 / 60
    )
    assert (rated(ordinary).status, rated(ordinary).cost) == ("not_billable", D("0.00"))


def test_a_tariff_changing_mid_month_prices_each_call_by_the_tariff_of_its_local_day(world):
    world.tariff.valid_to = dt.date(2026, 3, 15)
    world.tariff.save()
    new = TariffFactory(
        code="TT-NEW", contract=world.contract, increment="60/60", valid_from=dt.date(2026, 3, 15)
    )
    RateFactory(tariff=new, prefix="79", price_per_minute=D("1.00"))
    before = out_call(world, "89171234567", 60, started=at(14, 20, 59))  # 23:59 Moscow, 14 March
    after = out_call(world, "89171234567", 60, started=at(14, 21, 0))  # 00:00 Moscow, 15 March
    calls_rate(month=MARCH)
    assert (rated(before).tariff, rated(before).cost) == (world.tariff, D("1.70"))
    assert (rated(after).tariff, rated(after).cost) == (new, D("1.00"))


def test_months_follow_the_reporting_time_zone(world):
    late = out_call(world, "89171234567", 60, started=dt.datetime(2026, 3, 31, 21, 30, tzinfo=dt.UTC))
    calls_rate(month=MARCH)
    assert not RatedCall.objects.filter(call=late).exists()
    calls_rate(month=Month(2026, 4))
    assert rated(late).period == dt.date(2026, 4, 1)


def test_unrated_calls_are_stored_with_their_reason_and_no_cost(world):
    no_rate = out_call(world, "+49 30 1234567", 3)
    bad = out_call(world, "123456789", 3)
    uncovered = out_call(world, "89171234567", 3, line=None, trunk="trunk-unknown")
    run = calls_rate(month=MARCH)
    for call in (no_rate, bad, uncovered):
        r = rated(call)
        assert r.status == "unrated"
        assert r.cost is None
        assert r.reason
    assert run.unrated == 3


def test_a_call_without_trunk_uses_the_contract_covering_our_calling_number(world):
    other = ContractFactory(code="MTS-1")
    ContractNumberFactory(contract=other, number=world.number, valid_from=dt.date(2026, 1, 1))
    t = TariffFactory(code="MTS-T", contract=other, increment="1/1", valid_from=dt.date(2026, 1, 1))
    RateFactory(tariff=t, prefix="79", price_per_minute=D("0.60"))
    call = out_call(world, "89171234567", 90, line=None, trunk="")
    calls_rate(month=MARCH)
    assert (rated(call).contract, rated(call).cost) == (other, D("0.90"))


def test_draft_contracts_do_not_price_real_calls(world):
    Contract.objects.filter(pk=world.contract.pk).update(status=Contract.Status.DRAFT)
    call = out_call(world, "89171234567", 60)
    calls_rate(month=MARCH)
    assert rated(call).status == "unrated"


def test_trunk_named_as_an_asterisk_channel_finds_its_line(world):
    assert trunk_name("PJSIP/trunk-kzn-0000001b") == "trunk-kzn"
    call = out_call(world, "89171234567", 60, line=None, trunk="PJSIP/trunk-kzn-0000001b")
    calls_rate(month=MARCH)
    assert rated(call).contract == world.contract


def test_included_minutes_cross_the_boundary_in_call_order(world):
    world.tariff.included_minutes = 2
    world.tariff.increment = "1/1"
    world.tariff.save()
    third = out_call(world, "84951234567", 30, started=at(12))
    first = out_call(world, "84951234567", 100, started=at(10))
    second = out_call(world, "84951234567", 50, started=at(11))
    calls_rate(month=MARCH)
    assert (rated(first).included_seconds, rated(first).cost) == (100, D("0.00"))
    assert (rated(second).included_seconds, rated(second).cost) == (20, D("1.00"))  # 30 s × 2.00 / 60
    assert (rated(third).included_seconds, rated(third).cost) == (0, D("1.00"))


def test_re_rating_twice_changes_nothing(world):
    calls = [out_call(world, n, s) for n, s in [("89171234567", 61), ("2000000", 10), ("+4930123", 5)]]
    first = calls_rate(month=MARCH)
    snapshot = list(RatedCall.objects.order_by("call_id").values())
    second = calls_rate(month=MARCH)
    assert (first.created, second.created, second.changed, second.unchanged) == (3, 0, 0, 3)
    assert list(RatedCall.objects.order_by("call_id").values()) == snapshot
    assert len(calls) == RatedCall.objects.count()


def test_a_corrected_rate_re_rated_changes_only_the_calls_it_prices(world):
    mobile = out_call(world, "89171234567", 60)
    local = out_call(world, "2000000", 60)
    calls_rate(month=MARCH)
    local_stamp = rated(local).rated_at
    Rate.objects.filter(tariff=world.tariff, prefix="79").update(price_per_minute=D("1.00"))
    run = calls_rate(month=MARCH)
    assert (run.changed, run.unchanged) == (1, 1)
    assert rated(mobile).cost == D("1.50")
    assert rated(mobile).rated_at == run.started_at
    assert rated(local).rated_at == local_stamp


def test_re_rating_one_contract_leaves_other_contracts_calls_alone(world):
    mobile = out_call(world, "89171234567", 60)
    toll = CallRecordFactory(
        direction=CallRecord.Direction.IN, caller="+79171234567", our_number=world.toll_free, billsec=60
    )
    calls_rate(month=MARCH)
    Rate.objects.update(price_per_minute=D("9.00"))
    run = calls_rate(month=MARCH, contract=world.contract)
    assert run.calls == 1
    assert rated(mobile).cost == D("9.50")
    assert rated(toll).cost == D("3.00")  # still the old price: its contract was not re-rated


def _reads(captured) -> list[str]:
    # Bulk inserts are split into batches by the backend's parameter limit; everything else is fixed.
    return [
        q["sql"]
        for q in captured.captured_queries
        if not q["sql"].startswith('INSERT INTO "billing_ratedcall"')
    ]


def test_rating_does_not_query_per_call(world):
    for i in range(5):
        out_call(world, f"8917123456{i}", 60 + i)
    with CaptureQueriesContext(connection) as few:
        calls_rate(month=MARCH)
    RatedCall.objects.all().delete()
    for i in range(60):
        out_call(world, f"8917000{i:04d}", 30 + i, started=at(11, 10, i % 60))
    with CaptureQueriesContext(connection) as many:
        calls_rate(month=MARCH)
    assert len(_reads(many)) == len(_reads(few))
    assert len(many.captured_queries) - len(_reads(many)) < 10  # 65 rows in a few batches


def test_new_calls_are_rated_by_month_after_an_import(world):
    call = out_call(world, "89171234567", 60)
    april = out_call(world, "89171234567", 60, started=dt.datetime(2026, 4, 2, 9, tzinfo=dt.UTC))
    runs = calls_rate_new()
    assert sorted(f"{r.period:%Y-%m}" for r in runs) == ["2026-03", "2026-04"]
    assert rated(call).cost == rated(april).cost == D("1.70")
    assert calls_rate_new() == []


def test_rate_calls_command_prints_a_json_summary(world, capsys):
    out_call(world, "89171234567", 60)
    out_call(world, "+4930123", 60)
    call_command("rate_calls", "--month", "2026-03", "--json")
    summary = json.loads(capsys.readouterr().out)
    assert {k: summary[k] for k in ("month", "calls", "created", "unrated", "status")} == {
        "month": "2026-03",
        "calls": 2,
        "created": 2,
        "unrated": 1,
        "status": RatingRun.Status.SUCCEEDED,
    }


def test_rate_calls_command_refuses_a_bad_month_and_an_unknown_contract(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("rate_calls", "--month", "03-2026")
    with pytest.raises(CommandError, match="NOPE"):
        call_command("rate_calls", "--month", "2026-03", "--contract", "NOPE")


def test_numbers_factory_is_not_needed_for_unattributed_calls(world):
    call = out_call(
        world, "89171234567", 60, department=None, our_number=PhoneNumberFactory(number="+78432009999")
    )
    calls_rate(month=MARCH)
    assert rated(call).department is None
    assert rated(call).cost == D("1.70")


def test_deleting_a_call_deletes_its_rating_and_a_re_run_drops_ratings_of_calls_gone(world):
    kept = out_call(world, "89171234567", 60)
    gone = out_call(world, "89171234567", 60, started=at(11))
    calls_rate(month=MARCH)
    gone.delete()
    assert not RatedCall.objects.filter(call_id=gone.pk).exists()
    assert calls_rate(month=MARCH).unchanged == 1
    assert list(RatedCall.objects.values_list("call_id", flat=True)) == [kept.pk]
