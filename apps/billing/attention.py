"""Billing's part of "what needs attention today" on the dashboard (see apps/core/attention.py)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from apps.core.attention import AttentionItem


def invoice_items(*, user, today: dt.date) -> list[AttentionItem]:
    """Invoices nearing deemed acceptance (undisputed, last day within 5 days) and unpaid past due."""
    if not user.has_perm("billing.view_invoice"):
        return []
    from .invoices.services import ALERT_DAYS, attention_counts

    soon, overdue = attention_counts(today)
    url = reverse("billing:invoice-list")
    return [
        AttentionItem(
            key="billing.invoices_deemed_accepted_soon",
            title=_("Invoices deemed accepted within %(days)s days unless disputed")
            % {"days": max(ALERT_DAYS)},
            detail=_(
                "Check them against the contract and our calls; a dispute sent in time stops the clock."
            ),
            count=soon,
            url=url,
            severity=AttentionItem.Severity.DANGER,
            roles=("accounting", "lawyer", "admin"),
        ),
        AttentionItem(
            key="billing.invoices_overdue",
            title=_("Unpaid invoices past their due date"),
            detail=_("A contract penalty accrues every day; see the calendar of due dates."),
            count=overdue,
            url=reverse("billing:invoice-calendar"),
            severity=AttentionItem.Severity.WARNING,
            roles=("accounting", "admin"),
        ),
    ]


def items(*, user, today: dt.date) -> list[AttentionItem]:
    return [*invoice_items(user=user, today=today)]
