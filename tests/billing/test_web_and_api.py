"""Pages and API of billing as each role sees them (access itself is in tests/access)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.billing.models import Budget, CostReport
from apps.billing.rating import Month
from apps.billing.services import calls_rate, cost_report_build, whatif_price
from apps.contracts.models import Contract, Rate
from tests.contracts.factories import ContractFactory, RateFactory, TariffFactory

from .factories import CallRecordFactory

D = Decimal
MARCH = Month(2026, 3)


@pytest.fixture
def rated_march(world):
    CallRecordFactory(callee="89171234567", billsec=61, line=world.line, department=world.sales)
    CallRecordFactory(callee="2000000", billsec=60, line=world.line, department=world.office)
    CallRecordFactory(callee="+4930123456", billsec=60, line=world.line, department=world.office)
    calls_rate(month=MARCH)
    return world


def test_cost_report_api_returns_the_json_report(rated_march, api_as):
    response = api_as("marketer").get("/api/v1/reports/costs/?month=2026-03")
    assert response.status_code == 200
    body = response.json()
    assert body["month"] == "2026-03"
    assert body["totals"]["usage"] == "3.30"  # 2.90 + 0.40
    assert body["totals"]["unrated_calls"] == 1


def test_cost_report_api_refuses_a_bad_month_and_lets_only_accounting_rebuild(rated_march, api_as):
    assert api_as("accounting").get("/api/v1/reports/costs/?month=2026-3x").status_code == 400
    assert api_as("marketer").get("/api/v1/reports/costs/?month=2026-03&rebuild=true").status_code == 403
    assert api_as("accounting").get("/api/v1/reports/costs/?month=2026-03&rebuild=true").status_code == 200


def test_budgets_are_created_per_month_and_a_second_one_for_the_same_month_is_refused(world, api_as):
    api = api_as("accounting")
    created = api.post("/api/v1/budgets/", {"department": "KZN-1", "month": "2026-03", "amount": "1500.00"})
    assert created.status_code == 201, created.json()
    assert Budget.objects.get().period == dt.date(2026, 3, 1)
    again = api.post("/api/v1/budgets/", {"department": "KZN-1", "month": "2026-03", "amount": "10.00"})
    assert again.status_code == 400
    assert "already has a budget" in str(again.json())
    bad = api.post("/api/v1/budgets/", {"department": "KZN-1", "month": "March", "amount": "10.00"})
    assert "YYYY-MM" in str(bad.json()["month"])


def test_rated_calls_api_filters_by_month_department_and_status_without_n_plus_one(rated_march, api_as):
    api = api_as("accounting")
    body = api.get("/api/v1/rated-calls/?month=2026-03&department=KZN-2&status=unrated").json()
    assert [r["callee"] for r in body["results"]] == ["+4930123456"]
    with CaptureQueriesContext(connection) as few:
        api.get("/api/v1/rated-calls/?month=2026-03")
    for i in range(10):
        CallRecordFactory(callee=f"8917000000{i}", line=rated_march.line, department=rated_march.sales)
    calls_rate(month=MARCH)
    with CaptureQueriesContext(connection) as many:
        listed = api.get("/api/v1/rated-calls/?month=2026-03").json()
    assert listed["count"] == 13
    assert len(many.captured_queries) == len(few.captured_queries)


def test_report_page_shows_totals_downloads_and_the_re_rated_mark(rated_march, client_as):
    cost_report_build(month=MARCH)
    calls_rate(month=MARCH)  # same inputs: nothing changes, nothing is marked
    cost_report_build(month=MARCH)
    page = client_as("accounting").get("/costs/2026-03/").content.decode()
    assert "Download PDF" in page and "Download XLSX" in page
    assert "re-rated" not in page
    assert "503.30" in page  # net total: 3.30 usage + 500.00 rent of the Kazan number
    Rate.objects.filter(prefix="79").update(price_per_minute=D("1.00"))  # a corrected tariff
    calls_rate(month=MARCH)
    cost_report_build(month=MARCH)
    page = client_as("accounting").get("/costs/2026-03/").content.decode()
    assert "re-rated" in page
    assert "502.90" in page  # the mobile call now costs 0.50 + 2 × 1.00


def test_rebuild_is_for_accounting_only_and_replaces_the_report(rated_march, client_as):
    assert client_as("marketer").post("/costs/2026-03/rebuild/").status_code == 403
    response = client_as("accounting").post("/costs/2026-03/rebuild/", {"rate": "1"})
    assert response.status_code == 302
    client_as("accounting").post("/costs/2026-03/rebuild/")
    assert CostReport.objects.filter(period=MARCH.first_day).count() == 1


def test_download_gives_each_format_with_its_content_type(rated_march, client_as):
    cost_report_build(month=MARCH)
    client = client_as("marketer")
    pdf = client.get("/costs/2026-03/download/pdf/")
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert pdf.content.startswith(b"%PDF")
    assert client.get("/costs/2026-03/download/exe/").status_code == 404
    assert client.get("/costs/2026-04/download/csv/").status_code == 404  # never built


def test_dashboard_lists_unrated_calls_to_fix_and_top_destinations_for_accounting(rated_march, client_as):
    cost_report_build(month=MARCH)
    page = client_as("accounting").get("/costs/?month=2026-03").content.decode()
    assert "Unrated calls to fix" in page and "+4930123456" in page
    assert "<svg" in page
    assert "12-month trend by city and department" in page and "KZN-1" in page
    marketer = client_as("marketer").get("/costs/?month=2026-03").content.decode()
    assert "+4930123456" not in marketer  # call-level detail is accounting's


def test_drilldown_lists_the_calls_and_fees_behind_a_department(rated_march, client_as):
    cost_report_build(month=MARCH)
    page = client_as("accounting").get("/costs/2026-03/calls/?department=KZN-1").content.decode()
    assert "89171234567" in page and "2000000" not in page
    assert "Number rent" in page


def test_what_if_reprices_against_a_draft_offer_without_touching_stored_costs(rated_march, client_as):
    offer = ContractFactory(code="MTS-OFFER", status=Contract.Status.DRAFT)
    tariff = TariffFactory(code="MTS-1S", contract=offer, increment="1/1", valid_from=dt.date(2026, 1, 1))
    RateFactory(tariff=tariff, prefix="7", price_per_minute=D("0.60"))
    before = list(rated_march.sales.rated_calls.values_list("cost", flat=True))
    result = whatif_price(month=MARCH, tariff=tariff)
    # mobile 61 s: now 2.90, offer 0.61; local 60 s: now 0.40, offer 0.60; +49…: no rate in either
    assert (result.total.current, result.total.candidate, result.total.unrated) == (D("3.30"), D("1.21"), 1)
    sales = next(x for x in result.by_department if x.key == "KZN-1")
    assert sales.difference == D("-2.29")
    assert list(rated_march.sales.rated_calls.values_list("cost", flat=True)) == before
    page = client_as("accounting").get("/costs/2026-03/what-if/?tariff=MTS-1S").content.decode()
    assert "-2.29" in page
