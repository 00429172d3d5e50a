from __future__ import annotations

import io

from apps.billing import demo
from apps.billing.models import Budget, ChargeAllocation, CostReport, CostReportLine, RatedCall, RatingRun

from .factories import CallRecordFactory


def _state():
    return [
        list(m.objects.order_by("pk").values_list("pk", flat=True))
        for m in (RatedCall, RatingRun, Budget, CostReport, CostReportLine, ChargeAllocation)
    ]


def test_demo_seed_skips_without_calls(db):
    out = io.StringIO()
    demo.seed(stdout=out)
    assert "nothing to rate" in out.getvalue()
    assert not RatingRun.objects.exists()


def test_demo_seed_rates_builds_reports_and_a_second_run_changes_nothing(world):
    CallRecordFactory(callee="89171234567", line=world.line, department=world.sales)
    demo.seed(stdout=io.StringIO())
    assert CostReport.objects.count() == 1
    assert Budget.objects.count() == 2
    first = _state()
    demo.seed(stdout=io.StringIO())
    assert _state() == first
