"""Async boundary of billing: each task calls one service."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from . import services
from .rating import Month, local_day


@shared_task(name="billing.rate_new_calls", acks_late=True)
def rate_new_calls() -> list[int]:
    """Rate the months that received calls since the last run (scheduled after imports and pulls)."""
    return [run.pk for run in services.calls_rate_new()]


@shared_task(name="billing.rate_month", acks_late=True)
def rate_month(month: str, contract_id: int | None = None) -> int:
    from apps.contracts.models import Contract

    contract = Contract.objects.get(pk=contract_id) if contract_id else None
    return services.calls_rate(month=Month.parse(month), contract=contract).pk


@shared_task(name="billing.email_closed_month", acks_late=True)
def email_closed_month() -> bool:
    """Daily: once last month is over, send its report to accounting (only once)."""
    today = local_day(timezone.now(), services.reporting_zone())
    return services.cost_report_email(month=Month.of(today).previous(), today=today)


@shared_task(name="billing.invoice_alerts", acks_late=True)
def invoice_alerts() -> int:
    """Daily: warn accounting 5, 2 and 1 days before an invoice is deemed accepted (each once)."""
    from .invoices.services import invoice_alerts_send

    return len(invoice_alerts_send())
