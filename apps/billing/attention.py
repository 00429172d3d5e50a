"""Billing's part of "what needs attention today" on the dashboard (see apps/core/attention.py).

Each item is its own function; `items` lists them (an invoices item is one more function here).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import DecimalField, ExpressionWrapper, F, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.core.attention import AttentionItem

from .models import CostReport, CostReportLine, RatedCall, RatedCallSummary
from .rating import Month, Status


def items(*, user, today: dt.date) -> list[AttentionItem]:
    found: list[AttentionItem] = []
    if user.has_perm("billing.view_ratedcall"):
        found += unrated_calls(today=today)
    if user.has_perm("billing.view_costreport"):
        found += report_not_built(today=today)
        found += departments_over_budget(today=today)
    found += invoice_items(user=user, today=today)
    return found


def unrated_calls(*, today: dt.date) -> list[AttentionItem]:
    """Calls the rating could not price (no tariff, no rate for the number), last month and this one:
    they have no cost in the report until someone fixes the tariff or the inventory."""
    found = []
    this_month = Month.of(today)
    for month, key in (
        (this_month.previous(), "billing.unrated_calls"),
        (this_month, "billing.unrated_calls.current"),
    ):
        count = (
            RatedCallSummary.objects.filter(period=month.first_day, status=Status.UNRATED).aggregate(
                n=Sum("calls")
            )["n"]
            or 0
        )
        found.append(
            AttentionItem(
                key=key,
                title=_("Unrated calls to fix in %(month)s") % {"month": month},
                detail=_(
                    "No tariff or rate priced them: they cost nothing in the report yet. Each row says why."
                ),
                count=count,
                url=reverse("billing:drilldown", args=[str(month)]) + "?status=unrated",
                severity=AttentionItem.Severity.WARNING,
                roles=("accounting", "admin"),
            )
        )
    return found


def report_not_built(*, today: dt.date) -> list[AttentionItem]:
    """Last month is over and has rated calls, but its cost report has not been built."""
    month = Month.of(today).previous()
    missing = (
        not CostReport.objects.filter(period=month.first_day).exists()
        and RatedCall.objects.filter(period=month.first_day).exists()
    )
    return [
        AttentionItem(
            key="billing.report_not_built",
            title=_("The cost report for %(month)s has not been built") % {"month": month},
            detail=_("The month is over and its calls are rated: build the report and send it."),
            count=int(missing),
            url=reverse("billing:report", args=[str(month)]),
            severity=AttentionItem.Severity.INFO,
            roles=("accounting", "admin"),
        )
    ]


def _latest_report(today: dt.date) -> CostReport | None:
    """The report of the newest month that is over (last month's, or older if not built yet)."""
    return CostReport.objects.filter(period__lt=Month.of(today).first_day).order_by("-period").first()


def departments_over_budget(*, today: dt.date) -> list[AttentionItem]:
    """Departments whose net cost in the latest built report is above their budget for that month."""
    report = _latest_report(today)
    if report is None:
        return []
    money = DecimalField(max_digits=16, decimal_places=2)
    net = ExpressionWrapper(
        F("local")
        + F("long_distance")
        + F("mobile")
        + F("international")
        + F("toll_free")
        + F("recurring")
        + F("one_time"),
        output_field=money,
    )
    over = (
        CostReportLine.objects.filter(report=report, budget__isnull=False)
        .annotate(net_total=net)
        .filter(net_total__gt=F("budget"))
    )
    return [
        AttentionItem(
            key="billing.over_budget",
            title=_("Departments over their telephony budget in %(month)s")
            % {"month": f"{report.period:%Y-%m}"},
            detail=_("The cost report marks each one; its calls show where the money went."),
            count=over.count(),
            url=reverse("billing:report", args=[f"{report.period:%Y-%m}"]),
            severity=AttentionItem.Severity.WARNING,
            roles=("accounting", "marketer", "admin"),
        )
    ]


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
