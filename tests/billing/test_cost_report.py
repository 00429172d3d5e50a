"""Fixed-fee allocation, the monthly report and its files (JSON, CSV, XLSX, PDF)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import threading
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from apps.billing import exports
from apps.billing.models import ChargeAllocation, CostReport, RatedCall
from apps.billing.rating import Month
from apps.billing.services import (
    budget_set_year,
    calls_rate,
    charges_allocate,
    cost_report_build,
    cost_report_data,
    cost_report_render,
    cost_trend,
    cost_trend_by_department,
    month_lock,
)
from apps.contracts.models import Rate, RecurringCharge
from apps.telecom.models import NumberAssignment
from tests.contracts.factories import RecurringChargeFactory
from tests.factories import NumberAssignmentFactory

from .factories import BudgetFactory, CallRecordFactory

D = Decimal
MARCH = Month(2026, 3)


def at(day, hour=9):
    return dt.datetime(2026, 3, day, hour, tzinfo=dt.UTC)


def shares(**filters):
    return {
        (a.department.code if a.department_id else None): a.amount
        for a in ChargeAllocation.objects.filter(period=MARCH.first_day, **filters).select_related(
            "department"
        )
    }


def test_a_number_moving_between_departments_mid_month_shares_its_fee_by_days(world):
    NumberAssignment.objects.filter(number=world.number).update(valid_to=dt.date(2026, 3, 11))
    NumberAssignmentFactory(number=world.number, department=world.office, valid_from=dt.date(2026, 3, 11))
    charges_allocate(month=MARCH)
    # 500 × 10 / 31 = 161.29; 500 × 21 / 31 = 338.71
    assert shares(number=world.number) == {"KZN-1": D("161.29"), "KZN-2": D("338.71")}


def test_days_nobody_held_a_number_go_to_unassigned(world):
    NumberAssignment.objects.filter(number=world.number).update(valid_to=dt.date(2026, 3, 21))
    charges_allocate(month=MARCH)
    # 20 days held, 11 not: 500 × 20 / 31 = 322.58; 500 × 11 / 31 = 177.42
    assert shares(number=world.number) == {"KZN-1": D("322.58"), None: D("177.42")}


def test_recurring_charges_land_on_their_holder_yearly_as_twelfths_one_off_in_its_month(world):
    RecurringChargeFactory(
        contract=world.contract, name="PBX seats", department=world.sales, amount=D("1500.00")
    )
    RecurringChargeFactory(
        contract=world.contract,
        name="Licence",
        department=world.office,
        amount=D("1000.00"),
        period=RecurringCharge.Period.YEARLY,
    )
    RecurringChargeFactory(
        contract=world.contract,
        name="Installation",
        number=world.number,
        department=None,
        amount=D("2500.00"),
        period=RecurringCharge.Period.ONE_OFF,
        valid_from=dt.date(2026, 3, 5),
    )
    RecurringChargeFactory(
        contract=world.contract,
        name="Trunk channels",
        line=world.line,
        department=None,
        amount=D("900.00"),
        valid_from=dt.date(2026, 3, 17),  # 15 of 31 days: 900 × 15 / 31 = 435.48, no salon on the line
    )
    charges_allocate(month=MARCH)
    assert shares(kind="recurring", charge__name="PBX seats") == {"KZN-1": D("1500.00")}
    assert shares(kind="recurring", charge__name="Licence") == {"KZN-2": D("83.33")}
    assert shares(kind="one_off") == {"KZN-1": D("2500.00")}
    assert shares(charge__name="Trunk channels") == {None: D("435.48")}
    charges_allocate(month=Month(2026, 4))
    assert not ChargeAllocation.objects.filter(period=dt.date(2026, 4, 1), kind="one_off").exists()


def test_allocating_again_replaces_the_months_allocation(world):
    charges_allocate(month=MARCH)
    first = list(ChargeAllocation.objects.values_list("department_id", "amount"))
    charges_allocate(month=MARCH)
    assert list(ChargeAllocation.objects.values_list("department_id", "amount")) == first


@pytest.mark.django_db(transaction=True)
def test_a_second_build_of_the_month_waits_for_the_first_and_fees_are_allocated_once(world):
    if connection.vendor != "postgresql":
        pytest.skip("the month lock is PostgreSQL's advisory lock")
    first_holds_lock, first_may_go = threading.Event(), threading.Event()
    errors = []

    def first():
        try:
            with transaction.atomic():
                month_lock(MARCH)  # what cost_report_build takes first
                first_holds_lock.set()
                first_may_go.wait(30)
                cost_report_build(month=MARCH)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    def second():
        try:
            cost_report_build(month=MARCH)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    a = threading.Thread(target=first)
    a.start()
    assert first_holds_lock.wait(30)
    b = threading.Thread(target=second)
    b.start()
    b.join(1.0)
    waited = b.is_alive()
    first_may_go.set()
    a.join(60)
    b.join(60)
    assert not errors
    assert waited, "the second build did not wait for the month's lock"
    once = ChargeAllocation.objects.count()
    charges_allocate(month=MARCH)
    assert ChargeAllocation.objects.count() == once > 0


@pytest.mark.django_db(transaction=True)
def test_two_builds_of_a_month_started_together_allocate_its_fees_once(world):
    expected = charges_allocate(month=MARCH)
    ChargeAllocation.objects.all().delete()
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    start = threading.Barrier(2)
    errors = []

    def build():
        try:
            start.wait(30)
            cost_report_build(month=MARCH)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=build) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert ChargeAllocation.objects.filter(period=MARCH.first_day).count() == expected
    assert CostReport.objects.filter(period=MARCH.first_day).count() == 1


def test_allocation_does_a_fixed_number_of_queries_whatever_the_number_of_numbers_and_charges(
    world, django_assert_max_num_queries
):
    def add(count: int) -> None:
        for _ in range(count):
            NumberAssignmentFactory(department=world.office, valid_from=dt.date(2026, 3, 11))
            RecurringChargeFactory(contract=world.contract, department=world.sales, amount=D("10.00"))

    add(2)
    with CaptureQueriesContext(connection) as few:
        charges_allocate(month=MARCH)
    add(40)
    with django_assert_max_num_queries(len(few)):
        written = charges_allocate(month=MARCH)
    # 43 numbers (each held 21 days by KZN-2, 10 days by no one) + 42 charges + the world's own.
    assert ChargeAllocation.objects.filter(period=MARCH.first_day).count() == written
    assert ChargeAllocation.objects.filter(period=MARCH.first_day, number__isnull=False).count() == 1 + 42 * 2
    newest = NumberAssignment.objects.latest("pk").number
    assert shares(number=newest) == {"KZN-2": D("338.71"), None: D("161.29")}
    # Nothing changed since: the same shares are read back and nothing is written.
    with CaptureQueriesContext(connection) as again:
        assert charges_allocate(month=MARCH) == written
    assert not [q for q in again.captured_queries if q["sql"].startswith(("INSERT", "DELETE", "UPDATE"))]
    NumberAssignment.objects.filter(number=newest).update(valid_from=dt.date(2026, 3, 1))
    charges_allocate(month=MARCH)
    assert shares(number=newest) == {"KZN-2": D("500.00")}


@pytest.fixture
def month_of_calls(world):
    """Calls of every kind in March, fees, a budget; rated."""
    mk = CallRecordFactory
    mk(callee="89171234567", billsec=61, line=world.line, department=world.sales, started_at=at(3))  # 2.90
    mk(callee="2000000", billsec=125, line=world.line, department=world.sales, started_at=at(4))  # 1.20
    mk(callee="84951234567", billsec=10, line=world.line, department=world.office, started_at=at(5))  # 2.00
    mk(
        callee="+4930123456", billsec=10, line=world.line, department=world.office, started_at=at(6)
    )  # unrated
    mk(
        callee="89171234567", billsec=30, line=world.line, department=None, started_at=at(7)
    )  # 1.70 unassigned
    mk(
        direction="in",
        caller="+79171234567",
        callee="+78002000600",
        our_number=world.toll_free,
        billsec=125,
        department=world.office,
        started_at=at(8),
    )  # 6.25
    mk(callee="204", billsec=100, line=world.line, department=world.sales, started_at=at(9))  # internal 0
    RecurringChargeFactory(
        contract=world.contract, name="PBX seats", department=world.office, amount=D("700.00")
    )
    BudgetFactory(department=world.sales, period=MARCH.first_day, amount=D("100.00"))
    BudgetFactory(department=world.office, period=MARCH.first_day, amount=D("5000.00"))
    calls_rate(month=MARCH)
    return world


def test_report_totals_equal_the_sum_of_their_calls_and_fees_to_the_kopeck(month_of_calls):
    report = cost_report_build(month=MARCH)
    data = cost_report_data(report)
    calls_total = RatedCall.objects.filter(period=MARCH.first_day).aggregate(s=Sum("cost"))["s"]
    fees_total = ChargeAllocation.objects.filter(period=MARCH.first_day).aggregate(s=Sum("amount"))["s"]
    assert calls_total == D("14.05")  # 2.90 + 1.20 + 2.00 + 1.70 + 6.25
    assert fees_total == D("1200.00")  # number rent 500 + PBX seats 700
    assert D(data["totals"]["net"]) == calls_total + fees_total
    assert D(data["totals"]["usage"]) == calls_total
    lines = [*data["departments"], data["unassigned"]]
    assert sum(D(x["net"]) for x in lines) == D(data["totals"]["net"])
    assert sum(D(x["gross"]) for x in lines) == D(data["totals"]["gross"])
    by_code = {x["code"]: x for x in data["departments"]}
    sales, office = by_code["KZN-1"], by_code["KZN-2"]
    assert (sales["usage_by_type"]["mobile"], sales["usage_by_type"]["local"]) == ("2.90", "1.20")
    assert (sales["usage"], sales["recurring"], sales["net"]) == ("4.10", "500.00", "504.10")
    assert sales["vat"] == "110.90"  # 504.10 × 22 % = 110.902
    assert sales["gross"] == "615.00"
    assert (office["usage_by_type"]["toll_free"], office["usage_by_type"]["long_distance"]) == (
        "6.25",
        "2.00",
    )
    assert (office["calls"], office["unrated_calls"]) == (3, 1)
    assert data["unassigned"]["usage"] == "1.70"
    assert sales["calls"] == 2  # the call to an extension is not a priced call
    assert sales["billed_minutes"] == "5.00"  # 120 s + 180 s
    assert (sales["over_budget"], office["over_budget"]) == (True, False)


def test_report_json_has_the_agreed_shape_with_money_as_decimal_strings(month_of_calls):
    data = cost_report_data(cost_report_build(month=MARCH))
    assert data["month"] == "2026-03"
    assert data["currency"] == "RUB"
    fields = {
        "usage",
        "recurring",
        "one_time",
        "net",
        "vat",
        "gross",
        "calls",
        "billed_minutes",
        "unrated_calls",
    }
    dept = data["departments"][0]
    assert {"code", "name", "city"} | fields <= set(dept)
    assert fields <= set(data["unassigned"]) and fields <= set(data["totals"])
    for key in ("usage", "recurring", "one_time", "net", "vat", "gross"):
        assert isinstance(dept[key], str) and dept[key].count(".") == 1 and len(dept[key].split(".")[1]) == 2
    assert dept["city"] == "Казань"


def test_report_is_replaced_not_appended_and_shows_it_was_re_rated(month_of_calls):
    first = cost_report_build(month=MARCH)
    assert not first.rerated
    calls_rate(month=MARCH)
    assert not cost_report_build(month=MARCH).rerated  # nothing changed: nothing re-rated
    Rate.objects.filter(prefix="79").update(price_per_minute=D("1.10"))
    calls_rate(month=MARCH)
    second = cost_report_build(month=MARCH)
    assert CostReport.objects.count() == 1
    assert second.lines.count() == first.lines.count() == 3  # two salons + Unassigned
    assert second.rerated
    assert cost_report_data(second)["rated_at"]


def test_budget_for_a_year_is_split_evenly_to_the_kopeck(world):
    budgets = budget_set_year(department=world.sales, year=2026, amount=D("1000.00"))
    assert [b.amount for b in budgets[:2]] == [D("83.33"), D("83.33")]
    assert budgets[-1].amount == D("83.37")
    assert sum(b.amount for b in budgets) == D("1000.00")


def test_cost_report_command_writes_json(month_of_calls, tmp_path):
    out = tmp_path / "march.json"
    call_command("cost_report", "--month", "2026-03", "--format", "json", "--out", str(out))
    assert json.loads(out.read_text())["totals"]["net"] == "1214.05"


def test_csv_export_has_numbers_and_neutralises_formulas(month_of_calls):
    month_of_calls.sales.name = '=HYPERLINK("http://evil")'
    month_of_calls.sales.save()
    content = cost_report_render(cost_report_build(month=MARCH), fmt="csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content)))
    sales = next(r for r in rows if r["Department code"] == "KZN-1")
    assert sales["Department"].startswith("'=")
    assert sales["Net"] == "504.10"
    assert rows[-1]["Department"] == "Total"


def test_xlsx_export_keeps_numbers_dates_and_text_never_a_formula(month_of_calls):
    from openpyxl import load_workbook

    month_of_calls.sales.name = "@SUM(A1:A2)"
    month_of_calls.sales.save()
    content = cost_report_render(cost_report_build(month=MARCH), fmt="xlsx")
    sheet = load_workbook(io.BytesIO(content)).active
    header = [c.value for c in sheet[1]]
    rows = [[c for c in row] for row in sheet.iter_rows(min_row=2)]
    sales = next(r for r in rows if r[header.index("Department code")].value == "KZN-1")
    name = sales[header.index("Department")]
    assert name.data_type == "s" and name.value == "@SUM(A1:A2)"
    assert sales[header.index("Net")].value == pytest.approx(504.10)
    assert isinstance(sales[header.index("Net")].value, int | float)
    assert isinstance(sales[0].value, dt.datetime) and sales[0].value.date() == dt.date(2026, 3, 1)


def test_neutralise_quotes_every_formula_start():
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert exports.neutralise(start + "1+1").startswith("'")
    assert exports.neutralise("Казань") == "Казань"


def test_pdf_renders_with_the_summary_totals_and_a_page_per_department(month_of_calls):
    from pypdf import PdfReader

    content = cost_report_render(cost_report_build(month=MARCH), fmt="pdf")
    assert content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) >= 3  # summary + one page per department
    summary = reader.pages[0].extract_text()
    assert "2026-03" in summary
    assert "1214.05" in summary  # net total
    assert "1481.14" in summary  # gross total
    assert "KZN-2" in reader.pages[2].extract_text()


def test_pdf_url_fetcher_serves_only_our_static_files():
    assert exports.static_path(exports.PDF_BASE_URL + "static/css/billing-print.css")
    assert exports.static_path("file:///etc/passwd") is None
    assert exports.static_path("http://127.0.0.1:8000/static/css/billing-print.css") is None
    assert exports.static_path(exports.PDF_BASE_URL + "static/../settings.py") is None
    assert exports.static_path(exports.PDF_BASE_URL + "media/contracts/x.pdf") is None


def test_cost_report_command_writes_pdf_and_refuses_binary_to_stdout(month_of_calls, tmp_path):
    from django.core.management.base import CommandError

    out = tmp_path / "march.pdf"
    call_command("cost_report", "--month", "2026-03", "--format", "pdf", "--out", str(out))
    assert out.read_bytes().startswith(b"%PDF")
    with pytest.raises(CommandError, match="binary"):
        call_command("cost_report", "--month", "2026-03", "--format", "xlsx", "--out", "-")
    with pytest.raises(CommandError, match="does not exist"):
        call_command("cost_report", "--month", "2026-03", "--out", str(tmp_path / "no" / "x.json"))


def test_the_dashboard_trends_show_money_exact_to_the_kopeck(month_of_calls):
    # SQLite sums decimals through floats (1765.81000000000); the trend must show 1765.81.
    cost_report_build(month=MARCH)
    totals = dict(cost_trend(month=MARCH))
    assert totals["2026-03"] == D("1214.05")
    assert totals["2026-03"].as_tuple().exponent == -2
    _labels, lines = cost_trend_by_department(month=MARCH)
    for line in lines:
        assert all(value.as_tuple().exponent == -2 for value in line["net"] if value)
