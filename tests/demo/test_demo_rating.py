"""After `seed_demo` the demo calls are rated (issue 5): nearly every billable call has a cost, the few
unrated ones are the ones left so on purpose, every salon has usage in the last demo month, and the
price-rise invoice is detected from a real per-call statement."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import pytest
from django.core.management import call_command

from apps.billing.models import CostReport, Invoice, InvoiceLine, PriceChange, RatedCall
from apps.billing.rating import Status
from apps.calls import demo as calls_demo
from apps.company.models import Department

pytestmark = pytest.mark.django_db


def test_seeded_demo_calls_rate_and_the_last_month_shows_usage_per_salon():
    call_command("seed_demo", stdout=io.StringIO())
    statuses = Counter(RatedCall.objects.values_list("status", flat=True))
    billable = sum(n for status, n in statuses.items() if status != Status.NOT_BILLABLE)
    assert billable > 5000
    assert statuses[Status.RATED] / billable >= 0.95, statuses

    # Unrated: only the calls dialled on purpose to destinations no tariff prices.
    unrated = RatedCall.objects.filter(status=Status.UNRATED)
    assert 0 < unrated.count() < 0.01 * billable
    reasons = set(unrated.values_list("reason", flat=True))
    assert all("no rate for 7809" in r or "does not complete area code" in r for r in reasons), reasons
    assert not unrated.filter(reason__icontains="no contract").exists()
    assert set(unrated.values_list("destination", flat=True)) <= {"78095550142", ""}
    assert len(calls_demo.UNRATED_ON_PURPOSE) == 2

    # The report of the last demo month: real usage on every salon, priced to the kopeck.
    last = CostReport.objects.order_by("-period").first()
    start, end = calls_demo.demo_period()
    assert last.period == (end - dt.timedelta(days=1)).replace(day=1)
    assert CostReport.objects.filter(period__gte=start).count() == calls_demo.MONTHS
    salons = Department.objects.filter(kind=Department.Kind.SALON, is_active=True)
    for line in last.lines.filter(department__in=salons):
        usage = line.local + line.long_distance + line.mobile + line.international + line.toll_free
        assert usage > 0 and line.calls > 0, line.department
    assert last.lines.filter(department__in=salons).count() == salons.count()


def test_the_demo_price_rise_invoice_is_detected_from_rated_calls():
    call_command("seed_demo", stdout=io.StringIO())
    changes = PriceChange.objects.select_related("invoice")
    assert changes.exists()
    invoice = changes.first().invoice
    assert invoice.price_change_suspected
    assert invoice.lines.filter(kind=InvoiceLine.Kind.CALL).count() > 100  # a per-call statement
    assert not invoice.lines.filter(kind=InvoiceLine.Kind.USAGE).exists()  # not the fallback usage line
    assert Invoice.objects.filter(number__startswith="DEMO-").count() == 4
