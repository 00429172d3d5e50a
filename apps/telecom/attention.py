"""Telecom's part of "what needs attention today" on the dashboard (see apps/core/attention.py)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from apps.core.attention import AttentionItem

from .models import PhoneNumber
from .page_filters import held_on


def items(*, user, today: dt.date) -> list[AttentionItem]:
    if not user.has_perm("telecom.view_phonenumber"):
        return []
    at_risk = PhoneNumber.objects.at_risk().count()
    active = PhoneNumber.objects.filter(status=PhoneNumber.Status.ACTIVE)
    unassigned = held_on(active, today, held=False).count()
    return [
        AttentionItem(
            key="telecom.unassigned",
            title=_("Active numbers no salon holds today"),
            detail=_("We pay for them, but no salon answers them. Assign them or release them."),
            count=unassigned,
            url=reverse("telecom:number-list") + "?status=active&held=false",
            severity=AttentionItem.Severity.WARNING,
            roles=("marketer", "admin", "accounting"),
        ),
        AttentionItem(
            key="telecom.at_risk",
            title=_("Numbers held through an intermediary"),
            detail=_("Lost if we leave that PBX provider: move them to a direct contract with the operator."),
            count=at_risk,
            url=reverse("telecom:numbers-at-risk"),
            severity=AttentionItem.Severity.INFO,
        ),
    ]
