"""Calls' part of "what needs attention today" on the dashboard (see apps/core/attention.py).

Each item is its own function, so a later item is one more function listed in `items`.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from apps.company.models import Department
from apps.core.attention import AttentionItem

from .models import CallRecord, ImportRun

RUN_PROBLEM_DAYS = 7  # failed runs and rejected rows of the last week; older ones were seen already
MAX_SALON_ITEMS = 5  # the salons with the most missed calls; the analytics page lists all of them


def items(*, user, today: dt.date) -> list[AttentionItem]:
    found: list[AttentionItem] = []
    if user.has_perm("calls.view_importrun"):
        found += failed_runs(today=today)
        found += runs_with_rejected_rows(today=today)
    if user.has_perm("calls.view_callrecord"):
        found += missed_calls_per_salon(today=today)
    return found


def _since(today: dt.date) -> dt.date:
    return today - dt.timedelta(days=RUN_PROBLEM_DAYS - 1)


def failed_runs(*, today: dt.date) -> list[AttentionItem]:
    """Imports and pulls that failed this week: calls are missing from the reports until they are re-run."""
    since = _since(today)
    count = ImportRun.objects.filter(status=ImportRun.Status.FAILED, created_at__date__gte=since).count()
    return [
        AttentionItem(
            key="calls.failed_runs",
            title=_("Call imports that failed in the last %(days)s days") % {"days": RUN_PROBLEM_DAYS},
            detail=_(
                "Their calls are not in the reports. Open a run to see why; fix the file or the source."
            ),
            count=count,
            url=reverse("calls:runs") + f"?problem=failed&since={since.isoformat()}",
            severity=AttentionItem.Severity.DANGER,
            roles=("accounting", "admin"),
        )
    ]


def runs_with_rejected_rows(*, today: dt.date) -> list[AttentionItem]:
    """Runs that finished but quarantined some records (bad dates, missing numbers…)."""
    since = _since(today)
    runs = ImportRun.objects.filter(
        rejected__gt=0, created_at__date__gte=since, status=ImportRun.Status.SUCCEEDED
    )
    return [
        AttentionItem(
            key="calls.rejected_rows",
            title=_("Call imports with rejected rows in the last %(days)s days") % {"days": RUN_PROBLEM_DAYS},
            detail=_("Each run lists its rejected rows with the line number and the reason."),
            count=runs.count(),
            url=reverse("calls:runs") + f"?problem=rejected&since={since.isoformat()}",
            severity=AttentionItem.Severity.WARNING,
            roles=("accounting", "admin"),
        )
    ]


def _local_days(zone: str, first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = zoneinfo.ZoneInfo(zone)
    return (
        dt.datetime.combine(first, dt.time.min, tzinfo=tz),
        dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def missed_calls(
    departments: list[Department], first: dt.date, last: dt.date
) -> dict[int, dict[dt.date, int]]:
    """Missed calls per salon and local day (its city's zone), days first..last: inbound calls that no
    leg answered. The legs of one call (same source and call_group_id) count once, on the day of the
    first leg, as the call analytics count them."""
    zones = {d.pk: zoneinfo.ZoneInfo(d.city.timezone) for d in departments}
    by_zone: dict[str, list[int]] = defaultdict(list)
    for department in departments:
        by_zone[department.city.timezone].append(department.pk)
    window = Q(pk__in=[])
    for zone, ids in by_zone.items():
        lo, hi = _local_days(zone, first, last)
        window |= Q(department_id__in=ids, started_at__gte=lo, started_at__lt=hi)
    rows = (
        CallRecord.objects.filter(window, direction=CallRecord.Direction.IN)
        .order_by("started_at", "pk")
        .values_list("pk", "source_id", "call_group_id", "department_id", "started_at", "disposition")
    )
    calls: dict[tuple, list] = {}
    for pk, source, group, department, started_at, disposition in rows.iterator():
        key = (source, group) if group else ("leg", pk)
        answered = disposition == CallRecord.Disposition.ANSWERED
        if key in calls:
            calls[key][2] = calls[key][2] or answered
        else:
            calls[key] = [department, started_at.astimezone(zones[department]).date(), answered]
    missed: dict[int, dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    for department, day, answered in calls.values():
        if not answered:
            missed[department][day] += 1
    return {pk: dict(days) for pk, days in missed.items()}


def _analytics_url(department: Department, first: dt.date, last: dt.date) -> str:
    try:
        base = reverse("rollout:call-analytics")  # the marketer's call analytics, when installed
    except NoReverseMatch:
        return reverse("calls:runs")
    return f"{base}?department={department.pk}&from={first.isoformat()}&to={last.isoformat()}"


def missed_calls_per_salon(*, today: dt.date) -> list[AttentionItem]:
    """Missed calls yesterday and today, one item per salon (the salons with the most first)."""
    yesterday = today - dt.timedelta(days=1)
    departments = list(Department.objects.filter(is_active=True).select_related("city"))
    per_day = missed_calls(departments, yesterday, today)
    by_pk = {d.pk: d for d in departments}
    counts = {pk: sum(days.values()) for pk, days in per_day.items()}
    worst = sorted(counts.items(), key=lambda pair: (-pair[1], by_pk[pair[0]].code))[:MAX_SALON_ITEMS]
    return [
        AttentionItem(
            key=f"calls.missed.{by_pk[pk].code}",
            title=_("Missed calls yesterday and today: %(salon)s") % {"salon": by_pk[pk]},
            detail=_(
                "%(today)s today, %(yesterday)s yesterday. Customers rang, nobody answered: call them back."
            )
            % {"today": per_day[pk].get(today, 0), "yesterday": per_day[pk].get(yesterday, 0)},
            count=count,
            url=_analytics_url(by_pk[pk], yesterday, today),
            severity=AttentionItem.Severity.WARNING,
            roles=("marketer", "admin"),
        )
        for pk, count in worst
    ]
