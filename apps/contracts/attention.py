"""Contracts' part of "what needs attention today" on the dashboard (see apps/core/attention.py)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.core.attention import AttentionItem

from .health import health_report
from .models import Contract


def items(*, user, today: dt.date) -> list[AttentionItem]:
    if not user.has_perm("contracts.view_contract"):
        return []
    days = settings.PORTAL_NOTICE_WINDOW_DAYS
    return [
        AttentionItem(
            key="contracts.notice_deadlines",
            title=_("Contracts whose last day to give notice is within %(days)s days") % {"days": days},
            detail=_(
                "Decide now: after that day the contract renews, or can no longer be renewed, on its terms."
            ),
            count=Contract.objects.in_notice_window(on=today, days=days).count(),
            url=reverse("contracts:register") + "?in_notice_window=true",
            severity=AttentionItem.Severity.DANGER,
            roles=("lawyer", "accounting", "admin"),
        ),
        AttentionItem(
            key="contracts.health",
            title=_("Contract problems: numbers without a contract, contracts without numbers"),
            detail=_("The contract health checks list each one."),
            count=health_report(today).problem_count,
            url=reverse("contracts:health"),
            severity=AttentionItem.Severity.WARNING,
            roles=("lawyer", "admin"),
        ),
    ]
