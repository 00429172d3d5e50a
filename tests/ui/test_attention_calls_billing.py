"""The dashboard's attention items of calls and billing: unrated calls, a report not built, departments
over budget, failed runs and runs with rejected rows, missed calls per salon yesterday and today."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.billing.models import Budget
from apps.billing.rating import Month
from apps.billing.services import calls_rate, cost_report_build
from apps.calls.models import CallRecord, ImportRun, QuarantinedRow
from apps.core.attention import attention_items
from tests.billing.conftest import world  # noqa: F401 - the small Kazan world of the billing tests
from tests.billing.factories import CallRecordFactory as BilledCallFactory
from tests.calls.factories import CallRecordFactory, ImportRunFactory, SourceFactory
from tests.factories import CityFactory, DepartmentFactory

MARCH = Month(2026, 3)
IN_APRIL = dt.date(2026, 4, 10)


def _items(user, today) -> dict:
    return {item.key: item for item in attention_items(user, today=today)}


@pytest.fixture
def rated_march(world):  # noqa: F811
    BilledCallFactory(callee="89171234567", billsec=61, line=world.line, department=world.sales)
    BilledCallFactory(callee="+4930123456", billsec=60, line=world.line, department=world.office)  # no rate
    calls_rate(month=MARCH)
    return world


def test_unrated_calls_of_last_month_are_listed_for_accounting_with_a_link_to_them(
    rated_march, personas, client_as
):
    item = _items(personas["accounting"], IN_APRIL)["billing.unrated_calls"]
    assert item.count == 1
    assert "2026-03" in item.title
    assert item.url == "/costs/2026-03/calls/?status=unrated"
    page = client_as("accounting").get(item.url).content.decode()
    assert "+4930123456" in page and "89171234567" not in page
    assert "billing.unrated_calls.current" not in _items(personas["accounting"], IN_APRIL)  # none in April
    assert "billing.unrated_calls" not in _items(
        personas["marketer"], IN_APRIL
    )  # call detail is accounting's


def test_a_month_over_without_its_cost_report_is_a_reminder_until_the_report_is_built(rated_march, personas):
    assert _items(personas["accounting"], IN_APRIL)["billing.report_not_built"].count == 1
    cost_report_build(month=MARCH)
    assert "billing.report_not_built" not in _items(personas["accounting"], IN_APRIL)
    assert "billing.report_not_built" not in _items(personas["accounting"], dt.date(2026, 3, 20))  # not over


def test_departments_over_budget_in_the_latest_report_are_counted_exactly(rated_march, personas, client_as):
    w = rated_march
    # Sales: 500.00 rent of its number + 2.90 of the mobile call (0.50 + 2 min × 1.20) = 502.90 net.
    Budget.objects.create(department=w.sales, period=MARCH.first_day, amount=Decimal("502.90"))
    Budget.objects.create(department=w.office, period=MARCH.first_day, amount=Decimal("1000.00"))
    cost_report_build(month=MARCH)
    items = _items(personas["accounting"], IN_APRIL)
    assert "billing.over_budget" not in items  # exactly on budget is not over
    Budget.objects.filter(department=w.sales).update(amount=Decimal("502.89"))
    cost_report_build(month=MARCH)
    item = _items(personas["marketer"], IN_APRIL)["billing.over_budget"]
    assert item.count == 1
    assert item.url == "/costs/2026-03/"
    assert "over budget" in client_as("marketer").get(item.url).content.decode()
    assert "billing.over_budget" not in _items(personas["lawyer"], IN_APRIL)
    # A month later, with May's report not built, March's is still the latest and still counts.
    assert _items(personas["accounting"], dt.date(2026, 5, 3))["billing.over_budget"].count == 1


def _run(status, *, days_ago, today, rejected=0, **kwargs):
    run = ImportRunFactory(status=status, rejected=rejected, **kwargs)
    created = dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(12), tzinfo=dt.UTC)
    ImportRun.objects.filter(pk=run.pk).update(created_at=created)
    return run


def test_failed_runs_and_runs_with_rejected_rows_of_the_week_link_to_exactly_those_runs(personas, client_as):
    today = dt.date(2026, 11, 25)
    failed = _run("failed", days_ago=1, today=today, file_name="broken.csv", error="not a Master.csv")
    _run("failed", days_ago=10, today=today, file_name="old-broken.csv")  # seen last week
    partial = _run("succeeded", days_ago=0, today=today, rejected=2, file_name="partial.csv")
    _run("succeeded", days_ago=0, today=today, file_name="clean.csv")
    items = _items(personas["accounting"], today)
    assert items["calls.failed_runs"].count == 1
    assert items["calls.rejected_rows"].count == 1
    assert items["calls.failed_runs"].severity_label == "Act now"
    client = client_as("accounting")
    page = client.get(items["calls.failed_runs"].url).content.decode()
    assert f'href="/calls/runs/{failed.pk}/"' in page
    assert "old-broken.csv" not in page and "clean.csv" not in page and "partial.csv" not in page
    page = client.get(items["calls.rejected_rows"].url).content.decode()
    assert f'href="/calls/runs/{partial.pk}/"' in page and "broken.csv" not in page
    assert "calls.failed_runs" not in _items(personas["lawyer"], today)


def _inbound(department, started_at, disposition, *, group="", source=None):
    return CallRecordFactory(
        source=source or SourceFactory(slug="pbx-main"),
        department=department,
        direction=CallRecord.Direction.IN,
        disposition=disposition,
        started_at=started_at,
        ended_at=started_at + dt.timedelta(seconds=30),
        call_group_id=group,
        caller="+79171234567",
        callee="+78432000001",
    )


def test_missed_calls_yesterday_and_today_are_counted_per_salon_in_its_own_time_zone(personas, client_as):
    today = dt.date(2026, 11, 25)
    kazan = DepartmentFactory(code="KZN-1", city=CityFactory(name="Казань", timezone="Europe/Moscow"))
    ufa = DepartmentFactory(code="UFA-1", city=CityFactory(name="Уфа", timezone="Asia/Yekaterinburg"))
    utc = dt.UTC
    no, yes = CallRecord.Disposition.NO_ANSWER, CallRecord.Disposition.ANSWERED
    # Kazan: a call that rang two phones, one answered: not missed; one that rang two, none answered: 1.
    _inbound(kazan, dt.datetime(2026, 11, 25, 8, 0, tzinfo=utc), no, group="g1")
    _inbound(kazan, dt.datetime(2026, 11, 25, 8, 0, 5, tzinfo=utc), yes, group="g1")
    _inbound(kazan, dt.datetime(2026, 11, 25, 9, 0, tzinfo=utc), no, group="g2")
    _inbound(kazan, dt.datetime(2026, 11, 25, 9, 0, 5, tzinfo=utc), no, group="g2")
    _inbound(kazan, dt.datetime(2026, 11, 24, 10, 0, tzinfo=utc), CallRecord.Disposition.BUSY)  # yesterday
    _inbound(kazan, dt.datetime(2026, 11, 22, 10, 0, tzinfo=utc), no)  # three days ago: not listed
    # Ufa is UTC+5: 20:00 UTC on the 24th is 01:00 on the 25th there (today); 18:30 UTC on the 23rd is
    # 23:30 on the 23rd (the day before yesterday).
    _inbound(ufa, dt.datetime(2026, 11, 24, 20, 0, tzinfo=utc), no)
    _inbound(ufa, dt.datetime(2026, 11, 23, 18, 30, tzinfo=utc), no)
    items = _items(personas["marketer"], today)
    assert items["calls.missed.KZN-1"].count == 2
    assert items["calls.missed.KZN-1"].detail.startswith("1 today, 1 yesterday.")
    assert items["calls.missed.UFA-1"].count == 1
    assert items["calls.missed.UFA-1"].detail.startswith("1 today, 0 yesterday.")
    url = items["calls.missed.UFA-1"].url
    assert url == f"/rollout/analytics/?department={ufa.pk}&from=2026-11-24&to=2026-11-25"
    assert client_as("marketer").get(url).status_code == 200
    assert not any(key.startswith("calls.missed") for key in _items(personas["accounting"], today))


def test_the_dashboard_shows_the_calls_and_billing_items(personas, client_as):
    today = dt.date.today()
    _run("failed", days_ago=0, today=today, file_name="broken.csv")
    page = client_as("accounting").get(reverse("dashboard")).content.decode()
    assert 'data-key="calls.failed_runs"' in page
    assert "Call imports that failed in the last 7 days" in page


def test_a_rejected_row_is_named_in_the_runs_list_and_the_run_page(personas, client_as):
    run = _run("succeeded", days_ago=0, today=dt.date.today(), rejected=1, file_name="Master.csv")
    QuarantinedRow.objects.create(run=run, line=7, reason="bad start time '2026-13-01'", raw="x")
    page = client_as("marketer").get(f"/calls/runs/{run.pk}/").content.decode()
    assert "Master.csv line 7: bad start time" in page
