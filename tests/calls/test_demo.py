"""The calls demo: real pipeline, every salon attributed, idempotent."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from apps.calls import demo
from apps.calls.models import CallRecord, Source
from apps.company import demo as company_demo
from apps.telecom import demo as telecom_demo


@pytest.mark.django_db
def test_demo_calls_reach_every_salon_and_a_second_seed_changes_nothing(monkeypatch):
    monkeypatch.setattr(demo, "PERIOD_START", dt.date(2026, 3, 10))
    monkeypatch.setattr(demo, "PERIOD_END", dt.date(2026, 3, 20))  # spans the mid-March number moves
    out = io.StringIO()
    for module in (company_demo, telecom_demo, demo):
        module.seed(stdout=out)
    calls = CallRecord.objects.count()
    assert calls > 1000
    assert not CallRecord.objects.filter(department__isnull=True).exists()
    assert set(Source.objects.values_list("connector", flat=True)) == {"asterisk_csv", "mango"}
    salons = set(CallRecord.objects.values_list("department__code", flat=True))
    assert {"MSK-01", "KZN-01", "UFA-02"} <= salons
    assert CallRecord.objects.filter(disposition="no_answer", direction="in").exists()
    demo.seed(stdout=out)
    assert CallRecord.objects.count() == calls
    assert "already imported; nothing added" in out.getvalue()


@pytest.mark.django_db
def test_demo_without_inventory_skips_quietly():
    out = io.StringIO()
    demo.seed(stdout=out)
    assert "no demo calls" in out.getvalue() and not CallRecord.objects.exists()
