"""Risk's part of "what needs attention today" on the dashboard (see apps/core/attention.py)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from apps.core.attention import AttentionItem

from .models import RiskFinding


def items(*, user, today: dt.date) -> list[AttentionItem]:
    if not user.has_perm("risk.view_riskfinding"):
        return []
    return [
        AttentionItem(
            key="risk.blocking",
            title=_("Open high or critical contract risks"),
            detail=_("Each blocks its contract's approval until the lawyer decides on it."),
            count=RiskFinding.objects.blocking().current().count(),
            url=reverse("risk:register") + "?status=open&min_severity=high",
            severity=AttentionItem.Severity.DANGER,
            roles=("lawyer", "admin"),
        ),
    ]
