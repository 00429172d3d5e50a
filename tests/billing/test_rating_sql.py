"""The SQL rating engine (PostgreSQL) gives exactly the outcome of the rules in rating.py, call by call.

`rating.py` is the definition; `rating_sql.py` states the same rules set-based. These tests build worlds
with every edge of the rules (increments 60/60, 1/1, 30/6, free seconds, overlapping prefixes, local
numbers completed by 3/4/5-digit area codes, 8-800 inbound, a tariff changing mid-month, included minutes
crossing the boundary, trunks named without a line, unrated calls, odd numbers) and compare every stored
column of every call with what the Python engine computes for it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.billing import services
from apps.billing.models import RatedCall
from apps.billing.rating import Month
from apps.calls.models import CallRecord
from apps.contracts.models import Contract
from tests.calls.factories import SourceFactory
from tests.contracts.factories import (
    ContractFactory,
    ContractLineFactory,
    ContractNumberFactory,
    RateFactory,
    TariffFactory,
)
from tests.factories import CityFactory, DepartmentFactory, LineFactory, PhoneNumberFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the SQL engine is PostgreSQL's; SQLite has only the Python one"
)

D = Decimal
MARCH = Month(2026, 3)
_ids = itertools.count(1)


def python_outcomes(month: Month) -> dict[int, tuple]:
    return {call_id: services._comparable(values) for call_id, values in services._outcomes(month)}


def stored(month: Month) -> dict[int, tuple]:
    return {
        v["call_id"]: services._comparable(v)
        for v in RatedCall.objects.filter(period=month.first_day).values("call_id", *services._COMPARED)
    }


def assert_same(month: Month) -> None:
    expected, got = python_outcomes(month), stored(month)
    assert set(got) == set(expected)
    different = {k: (got[k], expected[k]) for k in expected if got[k] != expected[k]}
    assert not different, f"SQL ≠ Python for {len(different)} calls, e.g. {next(iter(different.items()))}"


class Edges:
    """A world with every edge of the rating rules (built inside a test's transaction)."""

    def __init__(self, *, first_increment="30/6", second_increment="1/1", free=3, included=2):
        kazan = CityFactory(name="Казань", area_code="843")
        chelny = CityFactory(name="Набережные Челны", area_code="8552")
        village = CityFactory(name="Алексеевское", area_code="84341")
        self.departments = [
            DepartmentFactory(code="KZN-1", city=kazan),
            DepartmentFactory(code="NCH-1", city=chelny),
            None,
        ]
        self.line_kzn = LineFactory(name="kzn", city=kazan, trunk_id="trunk-kzn")
        self.line_nch = LineFactory(name="nch", city=chelny, trunk_id="trunk-nch")
        self.line_vil = LineFactory(name="vil", city=village, trunk_id="trunk-vil")
        self.line_bare = LineFactory(name="bare", city=kazan, trunk_id="trunk-bare")  # no contract
        self.number = PhoneNumberFactory(number="+78432000001", city=kazan)
        self.number_nch = PhoneNumberFactory(number="+785520000001"[:12], city=chelny)
        self.toll_free = PhoneNumberFactory(number="+78002000600", city=kazan, kind="toll_free")
        self.loose = PhoneNumberFactory(number="+78432000002", city=kazan)  # no contract covers it

        main = ContractFactory(code="MAIN", vat_rate=D("22.00"))
        ContractLineFactory(contract=main, line=self.line_kzn, valid_from=dt.date(2026, 1, 1))
        ContractLineFactory(contract=main, line=self.line_vil, valid_from=dt.date(2026, 1, 1))
        # A mid-month tariff change: first half one increment and price list, second half another.
        first = TariffFactory(
            contract=main,
            increment=first_increment,
            free_seconds=free,
            included_minutes=included or None,
            valid_from=dt.date(2026, 1, 1),
            valid_to=dt.date(2026, 3, 15),
        )
        second = TariffFactory(
            contract=main,
            increment=second_increment,
            free_seconds=0,
            included_minutes=included or None,
            valid_from=dt.date(2026, 3, 15),
        )
        for tariff, bump in ((first, D("0")), (second, D("0.07"))):
            for prefix, price, fee in [
                ("7", "2.00", "0"),
                ("79", "1.20", "0.50"),
                ("7843", "0.80", "0"),
                ("78432", "0.40", "0.30"),
                ("7855", "0.95", "0"),
                ("4930", "7.33", "1.00"),
                ("44", "9.99", "0"),
            ]:
                RateFactory(
                    tariff=tariff, prefix=prefix, price_per_minute=D(price) + bump, connection_fee=D(fee)
                )

        old = ContractFactory(code="OLD", status=Contract.Status.TERMINATED, vat_rate=D("20.00"))
        ContractLineFactory(
            contract=old, line=self.line_nch, valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2026, 3, 10)
        )
        ContractNumberFactory(contract=old, number=self.number_nch, valid_from=dt.date(2025, 1, 1))
        t_old = TariffFactory(contract=old, increment="60/60", free_seconds=5, valid_from=dt.date(2025, 1, 1))
        RateFactory(tariff=t_old, prefix="7", price_per_minute=D("1.11"))
        RateFactory(tariff=t_old, prefix="78552", price_per_minute=D("0.33"), connection_fee=D("0.05"))
        # From 10 March a new contract covers the Chelny line (the one started last wins).
        new = ContractFactory(code="NEW", vat_rate=D("22.00"))
        ContractLineFactory(contract=new, line=self.line_nch, valid_from=dt.date(2026, 3, 10))
        t_new = TariffFactory(contract=new, increment="1/1", valid_from=dt.date(2026, 3, 1))
        RateFactory(tariff=t_new, prefix="79", price_per_minute=D("0.99"))  # nothing else: 7843… unrated

        toll = ContractFactory(code="TF", vat_rate=D("10.00"))
        ContractNumberFactory(contract=toll, number=self.toll_free, valid_from=dt.date(2026, 1, 1))
        ContractNumberFactory(contract=toll, number=self.number, valid_from=dt.date(2026, 1, 1))
        t_toll = TariffFactory(
            contract=toll, increment="1/1", included_minutes=1, valid_from=dt.date(2026, 1, 1)
        )
        RateFactory(tariff=t_toll, prefix="79", price_per_minute=D("3.00"))
        RateFactory(tariff=t_toll, prefix="7", price_per_minute=D("1.80"), connection_fee=D("0.10"))

        draft = ContractFactory(code="DRAFT", status=Contract.Status.DRAFT)  # never prices real calls
        ContractLineFactory(contract=draft, line=self.line_bare, valid_from=dt.date(2026, 1, 1))
        TariffFactory(contract=draft, valid_from=dt.date(2026, 1, 1))

        self.source = SourceFactory(slug="edges")
        self.lines = [self.line_kzn, self.line_nch, self.line_vil, self.line_bare, None]
        self.numbers = [self.number, self.number_nch, self.toll_free, self.loose, None]

    def call(
        self,
        *,
        started,
        billsec,
        callee,
        caller="101",
        direction="out",
        answered=True,
        line=None,
        number=None,
        trunk="",
        department=None,
    ) -> CallRecord:
        n = next(_ids)
        return CallRecord(
            source=self.source,
            external_id=f"e{n}",
            started_at=started,
            ended_at=started + dt.timedelta(seconds=billsec + 5),
            duration=billsec + 5,
            billsec=billsec,
            direction=direction,
            disposition="answered" if answered else "no_answer",
            caller=caller,
            callee=callee,
            our_number=number,
            line=line,
            trunk=trunk,
            department=department,
        )


DIALLED = [
    "+7 (843) 200-00-00",
    "78432000000",
    "88432000000",
    "89171234567",
    "8 917 123-45-67",
    "+79171234567",
    "810493012345678",
    "81012345678",
    "0049301234567",
    "00441234567",
    "0012",
    "2000000",
    "200000",
    "20000",
    "200",
    "20",
    "2",
    "9171234567",
    "74951234567",
    "78552123456",
    "78005553535",
    "77011234567",
    "76001234567",
    "4930123456",
    "",
    "+",
    "abc",
    "12a45",
    "+7 843 200",
    "٣٤٥٦٧",
    "8(917)1234567",
    "+44 20 7946 0958",
    "1234567890123456789012",
    "+123456789012345678901234",
    " 2000000 ",
    "204\t",
    "8-800-200-06-00",
]
TRUNKS = ["", "PJSIP/trunk-kzn-0000001b", "SIP/trunk-nch-00ab12cd", "trunk-vil", "PJSIP/unknown-000000aa"]
EDGE_SECONDS = [0, 1, 2, 3, 4, 5, 6, 29, 30, 31, 36, 37, 59, 60, 61, 95, 119, 120, 121, 3599, 7200]
MOMENTS = [
    dt.datetime(2026, 2, 28, 21, 0, tzinfo=dt.UTC),  # 1 March 00:00 in Moscow: March
    dt.datetime(2026, 2, 28, 20, 59, 59, tzinfo=dt.UTC),  # still February in Moscow
    dt.datetime(2026, 3, 9, 20, 59, 59, tzinfo=dt.UTC),  # 9 March 23:59:59 Moscow: old contract
    dt.datetime(2026, 3, 9, 21, 0, tzinfo=dt.UTC),  # 10 March Moscow: new contract on the Chelny line
    dt.datetime(2026, 3, 14, 20, 59, tzinfo=dt.UTC),  # last minute of the first tariff
    dt.datetime(2026, 3, 14, 21, 0, tzinfo=dt.UTC),  # first minute of the second tariff
    dt.datetime(2026, 3, 31, 20, 59, 59, tzinfo=dt.UTC),  # last second of March in Moscow
    dt.datetime(2026, 3, 31, 21, 0, tzinfo=dt.UTC),  # April in Moscow
]


def every_edge_calls(w: Edges) -> list[CallRecord]:
    calls = []
    for i, dialled in enumerate(DIALLED):
        for j, line in enumerate(w.lines):
            started = MOMENTS[(i + j) % len(MOMENTS)] + dt.timedelta(seconds=j)
            billsec = EDGE_SECONDS[(i * 7 + j) % len(EDGE_SECONDS)]
            calls.append(
                w.call(
                    started=started,
                    billsec=billsec,
                    callee=dialled,
                    line=line,
                    number=w.numbers[j],
                    department=w.departments[i % 3],
                )
            )
        # trunk named, no line; and no trunk at all (priced by the number's contract)
        trunk = TRUNKS[i % len(TRUNKS)]
        calls.append(w.call(started=MOMENTS[i % 8], billsec=61, callee=dialled, trunk=trunk, number=w.number))
        calls.append(
            w.call(started=MOMENTS[(i + 3) % 8], billsec=125, callee=dialled, number=w.numbers[i % 5])
        )
        # inbound to the toll-free number (priced on the caller), inbound to an ordinary one (not billable)
        calls.append(
            w.call(
                started=MOMENTS[(i + 5) % 8],
                billsec=EDGE_SECONDS[i % 21],
                direction="in",
                caller=dialled,
                callee="+78002000600",
                number=w.toll_free,
                line=w.line_kzn,
                department=w.departments[1],
            )
        )
        calls.append(
            w.call(
                started=MOMENTS[i % 8],
                billsec=40,
                direction="in",
                caller=dialled,
                callee="+78432000001",
                number=w.number,
            )
        )
        calls.append(
            w.call(started=MOMENTS[i % 8], billsec=40, callee=dialled, answered=False, line=w.line_kzn)
        )
        calls.append(
            w.call(started=MOMENTS[i % 8], billsec=40, callee=dialled, direction="internal", line=w.line_kzn)
        )
    # Included minutes: many calls of one contract in the same second, crossing the boundary.
    for k in range(12):
        calls.append(
            w.call(
                started=dt.datetime(2026, 3, 5, 9, 0, tzinfo=dt.UTC),
                billsec=17 + k * 13,
                callee="89171234567",
                line=w.line_kzn,
                department=w.departments[0],
            )
        )
    return CallRecord.objects.bulk_create(calls)


@pytest.mark.parametrize(
    ("first", "second", "free", "included"),
    [("30/6", "1/1", 3, 2), ("60/60", "30/6", 0, 0), ("1/1", "60/60", 5, 7)],
)
def test_sql_engine_equals_the_python_rules_on_every_edge(db, settings, first, second, free, included):
    settings.PORTAL_REPORTING_TIMEZONE = "Europe/Moscow"
    w = Edges(first_increment=first, second_increment=second, free=free, included=included)
    every_edge_calls(w)
    run = services.calls_rate(month=MARCH, engine="sql")
    assert run.calls > 300 and run.created == run.calls
    start, end = MARCH.utc_bounds("Europe/Moscow")
    month_calls = CallRecord.objects.filter(started_at__gte=start, started_at__lt=end).count()
    assert run.calls == RatedCall.objects.count() == month_calls  # each call of the month once
    assert run.unrated == RatedCall.objects.filter(status="unrated").count() > 0
    statuses = set(RatedCall.objects.values_list("status", flat=True))
    assert statuses == {"rated", "free", "internal", "unrated", "not_billable"}
    if included:
        assert RatedCall.objects.filter(included_seconds__gt=0).exists()
        # the boundary call: part included, part paid
        assert RatedCall.objects.filter(
            included_seconds__gt=0, billed_seconds__gt=models_f("included_seconds")
        ).exists()
    assert_same(MARCH)


def models_f(name):
    from django.db.models import F

    return F(name)


def test_either_engine_re_rating_the_others_month_changes_nothing(db, settings):
    settings.PORTAL_REPORTING_TIMEZONE = "Europe/Moscow"
    w = Edges()
    every_edge_calls(w)
    first = services.calls_rate(month=MARCH, engine="python")
    again = services.calls_rate(month=MARCH, engine="sql")
    assert (again.created, again.changed, again.unchanged) == (0, 0, first.calls)
    back = services.calls_rate(month=MARCH, engine="python")
    assert (back.created, back.changed) == (0, 0)


def test_sql_re_rating_writes_only_changed_calls_and_drops_calls_gone(db, settings):
    settings.PORTAL_REPORTING_TIMEZONE = "Europe/Moscow"
    w = Edges()
    calls = every_edge_calls(w)
    services.calls_rate(month=MARCH, engine="sql")
    from apps.contracts.models import Rate

    Rate.objects.filter(prefix="7855").update(price_per_minute=D("5.55"))
    priced_by_7855 = RatedCall.objects.filter(prefix="7855", status="rated").count()
    assert priced_by_7855 > 0
    gone = calls[0]
    CallRecord.objects.filter(pk=gone.pk).delete()
    run = services.calls_rate(month=MARCH, engine="sql")
    assert run.changed == priced_by_7855
    assert not RatedCall.objects.filter(call_id=gone.pk).exists()
    assert_same(MARCH)


def test_a_call_moved_into_a_month_rated_for_the_first_time_keeps_one_rating(db, settings):
    settings.PORTAL_REPORTING_TIMEZONE = "Europe/Moscow"
    w = Edges()
    feb = dt.datetime(2026, 2, 20, 9, tzinfo=dt.UTC)
    moved, stays = CallRecord.objects.bulk_create(
        [
            w.call(started=feb, billsec=61, callee="89171234567", line=w.line_kzn),
            w.call(started=feb, billsec=30, callee="89171234567", line=w.line_kzn),
        ]
    )
    services.calls_rate(month=Month(2026, 2), engine="sql")
    march_3 = dt.datetime(2026, 3, 3, 9, tzinfo=dt.UTC)
    CallRecord.objects.filter(pk=moved.pk).update(
        started_at=march_3, ended_at=march_3 + dt.timedelta(minutes=2)
    )
    run = services.calls_rate(month=MARCH, engine="sql")  # March has no rows: the plain insert meets the key
    assert (run.calls, run.created, run.changed) == (1, 0, 1)
    assert RatedCall.objects.get(call=moved).period == MARCH.first_day
    assert_same(MARCH)
    again = services.calls_rate(month=Month(2026, 2), engine="sql")
    assert again.calls == 1 and RatedCall.objects.filter(call=stays).exists()
    assert RatedCall.objects.get(call=moved).period == MARCH.first_day


def test_sql_re_rating_one_contract_touches_only_its_calls(db, settings):
    settings.PORTAL_REPORTING_TIMEZONE = "Europe/Moscow"
    w = Edges()
    every_edge_calls(w)
    services.calls_rate(month=MARCH, engine="sql")
    toll = Contract.objects.get(code="TF")
    before = dict(RatedCall.objects.exclude(contract=toll).values_list("call_id", "rated_at"))
    from apps.contracts.models import Rate

    Rate.objects.update(price_per_minute=D("4.44"))  # every tariff changes, only TF is re-rated
    run = services.calls_rate(month=MARCH, contract=toll, engine="sql")
    assert run.calls == RatedCall.objects.filter(contract=toll).count()
    assert run.changed > 0
    assert dict(RatedCall.objects.exclude(contract=toll).values_list("call_id", "rated_at")) == before
    expected = python_outcomes(MARCH)
    for call_id, values in stored(MARCH).items():
        if call_id not in before:
            assert values == expected[call_id]


call_strategy = st.fixed_dictionaries(
    {
        "moment": st.sampled_from(MOMENTS)
        | st.datetimes(
            min_value=dt.datetime(2026, 2, 28, 18),
            max_value=dt.datetime(2026, 4, 1, 3),
            timezones=st.just(dt.UTC),
        ),
        "billsec": st.sampled_from(EDGE_SECONDS) | st.integers(0, 900),
        "dialled": st.sampled_from(DIALLED)
        | st.text(alphabet="0123456789+ -()78", max_size=16)
        | st.text(max_size=6),
        "direction": st.sampled_from(["out", "out", "out", "in", "internal"]),
        "answered": st.booleans(),
        "line": st.integers(0, 4),
        "number": st.integers(0, 4),
        "trunk": st.sampled_from(TRUNKS),
        "department": st.integers(0, 2),
    }
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    increments=st.tuples(
        st.sampled_from(["60/60", "1/1", "30/6", "10/5"]), st.sampled_from(["60/60", "1/1", "30/6"])
    ),
    free=st.sampled_from([0, 3, 6]),
    included=st.sampled_from([0, 1, 3]),
    specs=st.lists(call_strategy, min_size=1, max_size=40),
)
def test_sql_engine_equals_the_python_rules_on_generated_calls(
    db, settings, increments, free, included, specs
):
    settings.PORTAL_REPORTING_TIMEZONE = "Europe/Moscow"
    with transaction.atomic():
        w = Edges(first_increment=increments[0], second_increment=increments[1], free=free, included=included)
        calls = []
        for s in specs:
            inbound = s["direction"] == "in"
            calls.append(
                w.call(
                    started=s["moment"],
                    billsec=s["billsec"],
                    callee="+78002000600" if inbound else s["dialled"].replace("\x00", ""),
                    caller=s["dialled"].replace("\x00", "") if inbound else "101",
                    direction=s["direction"],
                    answered=s["answered"],
                    line=w.lines[s["line"]],
                    number=w.numbers[s["number"]],
                    trunk=s["trunk"],
                    department=w.departments[s["department"]],
                )
            )
        CallRecord.objects.bulk_create(calls)
        services.calls_rate(month=MARCH, engine="sql")
        assert_same(MARCH)
        transaction.set_rollback(True)


def test_a_big_rating_refreshes_the_planners_statistics(db, settings, monkeypatch):
    from apps.billing import rating_sql

    settings.PORTAL_REPORTING_TIMEZONE = "Europe/Moscow"
    w = Edges()
    every_edge_calls(w)
    monkeypatch.setattr(rating_sql, "ANALYZE_AFTER", 100)
    run = services.calls_rate(month=MARCH, engine="sql")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'billing_ratedcall'")
        assert cursor.fetchone()[0] == run.calls  # ANALYZE counted exactly what was written
