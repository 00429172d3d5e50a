"""Demo billing: rate the demo calls, set budgets, build the monthly reports. Idempotent.

Runs after the contracts and calls demo data (INSTALLED_APPS order); with no calls or no tariffs it
says so and does nothing. A second run finds no unrated calls and no missing report, and changes nothing.
"""

from __future__ import annotations

from decimal import Decimal

from apps.calls.models import CallRecord
from apps.company.models import Department
from apps.contracts.models import Tariff

from . import services
from .models import Budget, CostReport, RatedCall
from .rating import Month

BUDGET_SALON = Decimal("3500.00")
BUDGET_OFFICE = Decimal("9000.00")


def seed(*, stdout) -> None:
    if not CallRecord.objects.exists() or not Tariff.objects.exists():
        stdout.write("  billing: no demo calls or tariffs yet; nothing to rate")
        return
    runs = services.calls_rate_new()
    months = sorted({Month.of(p) for p in RatedCall.objects.values_list("period", flat=True).distinct()})
    for month in months:
        for department in Department.objects.active():
            amount = BUDGET_OFFICE if department.kind == Department.Kind.OFFICE else BUDGET_SALON
            Budget.objects.get_or_create(
                department=department, period=month.first_day, defaults={"amount": amount, "note": "demo"}
            )
        if runs or not CostReport.objects.filter(period=month.first_day).exists():
            services.cost_report_build(month=month)
    rated = sum(run.calls for run in runs)
    stdout.write(f"  billing: rated {rated} calls, reports for {', '.join(map(str, months)) or 'no month'}")
