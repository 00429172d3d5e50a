"""The what-if price of each provider candidate, hand-computed on a small fixed set of rated calls.

Our calls (Kazan world of the billing tests: contract TT-2026, tariff TT-BASE 60/60 with
7 → 2.00, 79 → 1.20 + 0.50 connection, 7843 → 0.80, 78432 → 0.40):

| when | dept | dialled | billsec | actual (TT-BASE) |
|---|---|---|---|---|
| 15 Jan | KZN-1 | 89171234567 | 61 | 120 s × 1.20 + 0.50 = 2.90 |
| 10 Feb | KZN-2 | 2000000 (local → 78432000000) | 60 | 0.40 |
| 10 Mar | KZN-1 | 89171234567 | 30 | 60 s × 1.20 + 0.50 = 1.70 |
| 10 Mar | KZN-2 | +4930123456 | 60 | unrated (stored cost empty → 0 paid) |
| 2 Apr | KZN-1 | 89171234567 | 200 | current month: not in the what-if |

"Today" is 15 April 2026, so the last 3 complete months are January–March: actual 5.00.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.billing.models import RatedCall
from apps.billing.rating import Month
from apps.billing.services import calls_rate
from apps.contracts.models import Contract
from apps.rollout import whatif
from tests.billing.conftest import world  # noqa: F401  (the Kazan world fixture)
from tests.billing.factories import CallRecordFactory
from tests.contracts.factories import ContractFactory, RateFactory, TariffFactory

from .factories import CandidateFactory, ProviderSelectionFactory

D = Decimal
TODAY = dt.date(2026, 4, 15)


def _call(kazan, day, callee, billsec, department):
    return CallRecordFactory(
        started_at=dt.datetime(2026, day[0], day[1], 9, 0, tzinfo=dt.UTC),
        callee=callee,
        billsec=billsec,
        line=kazan.line,
        department=department,
    )


def _rate_all():
    for month in (1, 2, 3, 4):
        calls_rate(month=Month(2026, month))


@pytest.fixture
def offers(world):  # noqa: F811
    """Three candidates: a cheaper offer, a dearer one, and one whose draft contract has no tariff."""
    _call(world, (1, 15), "89171234567", 61, world.sales)
    _call(world, (2, 10), "2000000", 60, world.office)
    _call(world, (3, 10), "89171234567", 30, world.sales)
    _call(world, (3, 10), "+4930123456", 60, world.office)
    _call(world, (4, 2), "89171234567", 200, world.sales)
    _rate_all()

    selection = ProviderSelectionFactory(title="Оператор для Казани")
    cheap_contract = ContractFactory(code="MTS-OFFER", status=Contract.Status.DRAFT)
    # An older price list of the same draft ended before today: the one in force today is offered.
    old = TariffFactory(
        code="MTS-OLD",
        contract=cheap_contract,
        increment="1/1",
        valid_from=dt.date(2025, 1, 1),
        valid_to=dt.date(2026, 1, 1),
    )
    RateFactory(tariff=old, prefix="7", price_per_minute=D("9.99"), destination="Россия")
    cheap = TariffFactory(
        code="MTS-1S", contract=cheap_contract, increment="1/1", valid_from=dt.date(2026, 1, 1)
    )
    RateFactory(tariff=cheap, prefix="7", price_per_minute=D("0.60"), destination="Россия")

    dear_contract = ContractFactory(code="BEE-OFFER", status=Contract.Status.DRAFT)
    # A draft's tariff usually starts at the planned signing date, after today.
    dear = TariffFactory(
        code="BEE-60", contract=dear_contract, increment="60/60", valid_from=dt.date(2026, 6, 1)
    )
    RateFactory(tariff=dear, prefix="7", price_per_minute=D("3.00"), destination="Россия")
    RateFactory(tariff=dear, prefix="49", price_per_minute=D("10.00"), destination="Германия")

    bare_contract = ContractFactory(code="RT-OFFER", status=Contract.Status.DRAFT)
    return {
        "selection": selection,
        "cheap": CandidateFactory(selection=selection, provider__name="МТС", draft_contract=cheap_contract),
        "dear": CandidateFactory(selection=selection, provider__name="Билайн", draft_contract=dear_contract),
        "bare": CandidateFactory(
            selection=selection, provider__name="Ростелеком", draft_contract=bare_contract
        ),
        "none": CandidateFactory(selection=selection, provider__name="Дом.ру", draft_contract=None),
    }


def _whatifs(offers):
    candidates = [offers[k] for k in ("cheap", "dear", "bare", "none")]
    return whatif.candidates_whatif(candidates, months=3, on=TODAY)


def _row(figures):
    return (
        figures.label,
        figures.calls,
        figures.current,
        figures.candidate,
        figures.difference,
        figures.unrated,
    )


def test_the_last_complete_months_are_those_before_the_current_one_in_the_reporting_zone():
    assert [str(m) for m in whatif.last_complete_months(3, on=TODAY)] == ["2026-01", "2026-02", "2026-03"]
    assert [str(m) for m in whatif.last_complete_months(2, on=dt.date(2026, 1, 1))] == ["2025-11", "2025-12"]


def test_a_cheaper_offer_shows_what_each_month_would_have_cost_and_the_saving(offers):
    result = _whatifs(offers)[offers["cheap"].pk]
    assert result.tariff.code == "MTS-1S"  # the tariff in force today, not the ended one
    # 1/1 at 0.60: Jan 61 s → 0.61; Feb 60 s → 0.60; Mar 30 s → 0.30 and +49… has no rate (unpriced)
    assert [_row(m) for m in result.months] == [
        ("2026-01", 1, D("2.90"), D("0.61"), D("-2.29"), 0),
        ("2026-02", 1, D("0.40"), D("0.60"), D("0.20"), 0),
        ("2026-03", 2, D("1.70"), D("0.30"), D("-1.40"), 1),
    ]
    assert _row(result.total)[1:] == (4, D("5.00"), D("1.51"), D("-3.49"), 1)
    assert [(d.key, *_row(d)[1:]) for d in result.by_department] == [
        ("KZN-1", 2, D("4.60"), D("0.91"), D("-3.69"), 0),
        ("KZN-2", 2, D("0.40"), D("0.60"), D("0.20"), 1),
    ]
    assert [(d.label, d.difference) for d in result.top_destinations] == [
        ("Россия", D("-3.49")),
        ("(no rate in this tariff)", D("0.00")),
    ]


def test_a_dearer_offer_shows_the_extra_cost_per_month_department_and_destination(offers):
    result = _whatifs(offers)[offers["dear"].pk]
    assert result.tariff.code == "BEE-60"  # starts after today: the price offered from signing
    # 60/60: Jan 120 s × 3.00 = 6.00; Feb 60 s = 3.00; Mar 60 s = 3.00 + Germany 60 s × 10.00 = 10.00
    assert [_row(m)[1:] for m in result.months] == [
        (1, D("2.90"), D("6.00"), D("3.10"), 0),
        (1, D("0.40"), D("3.00"), D("2.60"), 0),
        (2, D("1.70"), D("13.00"), D("11.30"), 0),
    ]
    assert _row(result.total)[1:] == (4, D("5.00"), D("22.00"), D("17.00"), 0)
    assert [(d.key, d.current, d.candidate, d.difference) for d in result.by_department] == [
        ("KZN-1", D("4.60"), D("9.00"), D("4.40")),
        ("KZN-2", D("0.40"), D("13.00"), D("12.60")),
    ]
    assert [(d.label, d.calls, d.current, d.candidate) for d in result.top_destinations] == [
        ("Германия", 1, D("0.00"), D("10.00")),
        ("Россия", 3, D("5.00"), D("12.00")),
    ]


def test_candidates_without_a_tariff_say_so_plainly(offers):
    result = _whatifs(offers)
    assert result[offers["bare"].pk].tariff is None
    assert "has no tariff" in result[offers["bare"].pk].missing
    assert result[offers["none"].pk].tariff is None
    assert "No draft contract" in result[offers["none"].pk].missing


def test_the_what_if_leaves_the_stored_costs_untouched(offers):
    before = list(RatedCall.objects.order_by("pk").values_list("pk", "cost", "rated_at"))
    _whatifs(offers)
    assert list(RatedCall.objects.order_by("pk").values_list("pk", "cost", "rated_at")) == before


def test_the_what_if_does_not_query_per_call(offers, world):  # noqa: F811
    with CaptureQueriesContext(connection) as few:
        _whatifs(offers)
    for day in range(1, 21):
        _call(world, (2, day), "89171234567", 45, world.sales)
    calls_rate(month=Month(2026, 2))
    with CaptureQueriesContext(connection) as many:
        result = _whatifs(offers)
    assert result[offers["cheap"].pk].total.calls == 24
    assert len(many) == len(few)


def test_months_outside_one_to_twelve_are_refused(offers):
    with pytest.raises(ValueError, match="between 1 and 12"):
        whatif.candidates_whatif([offers["cheap"]], months=13, on=TODAY)


@pytest.fixture
def on_15_april(monkeypatch):
    monkeypatch.setattr(whatif, "reporting_today", lambda: TODAY)


def test_the_selection_page_shows_each_candidates_what_if_figures(offers, on_15_april, client_as):
    page = client_as("marketer").get(f"/rollout/selections/{offers['selection'].pk}/").content.decode()
    assert "MTS-1S" in page and "BEE-60" in page
    assert "-3.49" in page and "17.00" in page and "-2.29" in page and "Германия" in page
    assert "has no tariff" in page and "No draft contract attached, so no tariff" in page


def test_the_lawyer_sees_the_selection_but_not_what_departments_paid(offers, on_15_april, client_as):
    response = client_as("lawyer").get(f"/rollout/selections/{offers['selection'].pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "-3.49" not in page and "for those who may read cost reports" in page


def test_the_candidates_api_answers_the_what_if_figures(offers, on_15_april, api_as):
    body = api_as("accounting").get(f"/api/v1/candidates/{offers['dear'].pk}/what-if/").json()
    assert body["tariff"] == "BEE-60" and body["currency"] == "RUB"
    assert [(m["key"], m["actual"], m["whatif"], m["difference"]) for m in body["months"]] == [
        ("2026-01", "2.90", "6.00", "3.10"),
        ("2026-02", "0.40", "3.00", "2.60"),
        ("2026-03", "1.70", "13.00", "11.30"),
    ]
    assert body["total"]["difference"] == "17.00"
    assert body["by_department"][1]["key"] == "KZN-2" and body["by_department"][1]["difference"] == "12.60"
    assert body["top_destinations"][0]["label"] == "Германия"

    one = api_as("marketer").get(f"/api/v1/candidates/{offers['cheap'].pk}/what-if/?months=1").json()
    assert [m["key"] for m in one["months"]] == ["2026-03"] and one["total"]["unpriced_calls"] == 1

    bare = api_as("marketer").get(f"/api/v1/candidates/{offers['bare'].pk}/what-if/").json()
    assert bare["tariff"] is None and bare["total"] is None and "has no tariff" in bare["missing"]


def test_the_candidates_api_refuses_a_bad_number_of_months_naming_it(offers, api_as):
    response = api_as("marketer").get(f"/api/v1/candidates/{offers['cheap'].pk}/what-if/?months=abc")
    assert response.status_code == 400
    assert "months" in response.json()
