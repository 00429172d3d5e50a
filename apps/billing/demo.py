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
    seed_invoices(stdout=stdout)


# --- Demo invoices (issue 7) ----------------------------------------------------------------------


def seed_invoices(*, stdout) -> None:
    """A few operator invoices for the latest rated month, built from our own figures: one matching (paid
    late: a penalty accrues), one overcharged with a fee the contract does not list, one with a price rise
    on a per-call statement, one disputed in time. Idempotent: invoices are keyed by provider and number."""
    import datetime as dt

    from django.db.models import Q, Sum
    from django.utils import timezone

    from apps.contracts.models import Contract, Rate

    from .invoices import services as inv
    from .models import ChargeAllocation, Invoice, InvoiceLine
    from .rating import half_up

    latest = RatedCall.objects.filter(cost__gt=0).order_by("-period").values_list("period", flat=True).first()
    latest = latest or (
        ChargeAllocation.objects.filter(contract__isnull=False)
        .order_by("-period")
        .values_list("period", flat=True)
        .first()
    )
    if latest is None:
        stdout.write("  billing: no priced calls or fees; no demo invoices")
        return
    month = Month.of(latest)
    with_calls = set(
        RatedCall.objects.filter(period=latest, cost__gt=0).values_list("contract_id", flat=True).distinct()
    )
    with_fees = set(
        ChargeAllocation.objects.filter(period=latest, contract__isnull=False)
        .values_list("contract_id", flat=True)
        .distinct()
    )
    contracts = sorted(
        (
            c
            for c in Contract.objects.filter(pk__in=with_calls | with_fees, status=Contract.Status.SIGNED)
            if c.providers.count() == 1
        ),
        key=lambda c: (c.pk not in with_calls, c.code),
    )
    if not contracts:
        stdout.write("  billing: no signed contract with one provider to bill; no demo invoices")
        return
    today = timezone.localdate()
    created = 0
    for n, scenario in enumerate(("matching", "overcharged", "price_rise", "disputed")):
        contract = contracts[n % len(contracts)]
        provider = contract.providers.get()
        number = f"DEMO-{contract.code}-{n + 1}"
        if Invoice.objects.filter(provider=provider, number=number).exists():
            continue
        lines: list[InvoiceLine] = []
        for alloc in (
            ChargeAllocation.objects.filter(period=latest, contract=contract)
            .values("charge__name", "number__number", "kind")
            .annotate(amount=Sum("amount"))
            .order_by("kind", "charge__name", "number__number")
        ):
            if alloc["kind"] == ChargeAllocation.Kind.NUMBER_FEE:
                lines.append(
                    InvoiceLine(
                        service="Аренда номера", number=alloc["number__number"], amount=alloc["amount"]
                    )
                )
            else:
                lines.append(InvoiceLine(service=alloc["charge__name"], amount=alloc["amount"]))
        calls = (
            RatedCall.objects.filter(period=latest, contract=contract, status="rated")
            .select_related("call__our_number", "rate")
            .order_by("started_at")
        )
        top = (
            calls.values("prefix")
            .annotate(n=Sum("billed_seconds"))
            .order_by("-n")
            .values_list("prefix", flat=True)
        )
        risen = top.first() if scenario == "price_rise" else None
        for rated in calls:
            cost = rated.cost
            if risen and rated.prefix == risen and rated.rate_id and rated.billed_seconds:
                to_pay = rated.billed_seconds - rated.included_seconds
                cost = half_up(
                    rated.rate.connection_fee + rated.rate.price_per_minute * 12 / 10 * to_pay / 60
                )
            lines.append(
                InvoiceLine(
                    kind=InvoiceLine.Kind.CALL,
                    service="Исходящая связь",
                    number=rated.call.our_number.number if rated.call.our_number_id else "",
                    started_at=rated.started_at,
                    callee=rated.destination,
                    duration=rated.call.billsec,
                    amount=cost,
                )
            )
        if scenario == "price_rise" and risen is None:
            rate = (
                Rate.objects.filter(Q(tariff__contract=contract) | Q(tariff__contract__parent=contract))
                .order_by("-price_per_minute", "prefix")
                .first()
            )
            if rate is not None:  # no priced calls: an invoiced usage line at 20 % over the tariff
                lines.append(
                    InvoiceLine(
                        kind=InvoiceLine.Kind.USAGE,
                        service="Исходящая связь",
                        destination=rate.prefix,
                        quantity=Decimal("100.000"),
                        amount=half_up(rate.price_per_minute * 120),
                    )
                )
        if scenario == "overcharged":
            fees = [ln for ln in lines if ln.kind == InvoiceLine.Kind.FEE]
            if fees:
                fees[0].amount = half_up(fees[0].amount * Decimal("1.15"))
            lines.append(InvoiceLine(service="Сервисный сбор за обработку вызовов", amount=Decimal("450.00")))
        if scenario == "disputed":
            lines.append(InvoiceLine(service="Плата за детализацию счёта", amount=Decimal("300.00")))
        received = {
            "matching": today - dt.timedelta(days=40),
            "overcharged": today - dt.timedelta(days=2),
            "price_rise": today - dt.timedelta(days=1),
            "disputed": today - dt.timedelta(days=6),
        }[scenario]
        due = received + dt.timedelta(days=20)
        invoice = inv.invoice_create(
            contract=contract,
            number=number,
            issue_date=received - dt.timedelta(days=1),
            received_date=received,
            month=month,
            due_date=due,
            provider=provider,
            lines=lines,
        )
        inv.invoice_check(invoice=invoice)
        if scenario == "disputed":
            dispute = inv.dispute_open(invoice=invoice, reason="Завышена абонентская плата (демо)")
            inv.dispute_send(dispute=dispute, sent_on=received + dt.timedelta(days=1))
        created += 1
    stdout.write(f"  billing: {created} demo invoices for {month}")
