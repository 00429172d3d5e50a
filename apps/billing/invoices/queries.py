"""Reads other apps make of invoices (they import billing; billing never imports them)."""

from __future__ import annotations

from apps.billing.models import PriceChange


def open_price_changes(limit: int = 100):
    """Suspected unilateral price changes no one has explained yet, newest invoices first."""
    return list(
        PriceChange.objects.exclude(status=PriceChange.Status.EXPLAINED)
        .select_related("contract", "invoice")
        .order_by("-invoice__received_date", "contract__code", "prefix")[:limit]
    )
