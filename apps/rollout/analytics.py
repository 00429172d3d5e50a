"""Call analytics for the marketer: how calls to the salons are answered.

Definitions (docs/rollout.md repeats them for users):

* A *call* is one conversation attempt. A PBX writes one record per leg when a call rings several
  phones or is transferred; records sharing `call_group_id` (within a source) are one call. A call is
  answered when any leg was answered; its salon, caller and start are those of its first leg.
* *Missed* = an inbound call that no one answered. *Answer rate* = answered inbound / inbound.
* *Time to answer* = answered_at − started_at, only for calls whose source reports answered_at.
* *Called back*: a missed call whose caller we phoned (an outbound call, from any salon, any outcome)
  within N hours after it started. Missed calls without caller id cannot be called back and are
  counted apart. *Repeat callers*: caller numbers with two or more inbound calls in the period.
* Days, hours and weekdays are those of the salon's city (Ufa is UTC+5): a period `from`–`to` is
  from local midnight of `from` to local midnight after `to`, per city.
* *Trend* compares with the previous period of the same length, just before.
"""

from __future__ import annotations

import bisect
import datetime as dt
import statistics
import zoneinfo
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Max, Q
from django.utils import timezone

from apps.calls.models import CallRecord
from apps.company.models import City, Department

DEFAULT_CALLBACK_HOURS = 2
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass
class Call:
    """One call (its legs merged)."""

    started_at: dt.datetime
    direction: str
    answered: bool
    answered_at: dt.datetime | None
    caller: str
    callee: str
    department_id: int | None
    zone: zoneinfo.ZoneInfo

    @property
    def local_start(self) -> dt.datetime:
        return self.started_at.astimezone(self.zone)


def default_end() -> dt.date:
    """The last day a default period should cover: today, or the day of the newest call on record if
    calls stopped arriving earlier (a late pull, demo data), so a default view is never empty for that."""
    today = timezone.localdate()
    newest = CallRecord.objects.aggregate(newest=Max("started_at"))["newest"]
    if newest is None:
        return today
    return min(today, timezone.localdate(newest))


def phone_key(raw: str) -> str:
    """Compare numbers by their last ten digits: +7 843…, 8 843… and 843… are the same subscriber."""
    digits = "".join(ch for ch in raw or "" if ch.isdigit())
    return digits[-10:] if len(digits) >= 10 else digits


def local_window(zone: str, start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """UTC-aware bounds of the days start..end (inclusive) in a city's zone."""
    tz = zoneinfo.ZoneInfo(zone)
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return lo, hi


def scope_departments(*, department: Department | None = None, city: City | None = None) -> list[Department]:
    qs = Department.objects.select_related("city")
    if department is not None:
        return [department]
    if city is not None:
        qs = qs.filter(city=city)
    return list(qs)


def _window_q(departments: list[Department], start: dt.date, end: dt.date) -> Q:
    by_zone: dict[str, list[int]] = defaultdict(list)
    for d in departments:
        by_zone[d.city.timezone].append(d.pk)
    q = Q(pk__in=[])
    for zone, ids in by_zone.items():
        lo, hi = local_window(zone, start, end)
        q |= Q(department_id__in=ids, started_at__gte=lo, started_at__lt=hi)
    return q


def load_calls(departments: list[Department], start: dt.date, end: dt.date) -> list[Call]:
    """Calls of these salons in the local days start..end, legs merged, oldest first."""
    zones = {d.pk: zoneinfo.ZoneInfo(d.city.timezone) for d in departments}
    rows = (
        CallRecord.objects.filter(_window_q(departments, start, end))
        .order_by("started_at", "pk")
        .values_list(
            "pk",
            "source_id",
            "call_group_id",
            "started_at",
            "answered_at",
            "direction",
            "disposition",
            "caller",
            "callee",
            "department_id",
        )
    )
    calls: dict[tuple, Call] = {}
    for (
        pk,
        source,
        group,
        started,
        answered_at,
        direction,
        disposition,
        caller,
        callee,
        dept,
    ) in rows.iterator():
        key = (source, group) if group else ("leg", pk)
        answered = disposition == CallRecord.Disposition.ANSWERED
        call = calls.get(key)
        if call is None:
            calls[key] = Call(
                started,
                direction,
                answered,
                answered_at if answered else None,
                caller,
                callee,
                dept,
                zones[dept],
            )
            continue
        if answered:
            call.answered = True
            if answered_at and (call.answered_at is None or answered_at < call.answered_at):
                call.answered_at = answered_at
    return list(calls.values())


OutboundIndex = dict[str, list[dt.datetime]]


def outbound_index(lo: dt.datetime, hi: dt.datetime) -> OutboundIndex:
    """Start times of our outbound calls (any salon) in [lo, hi], by the called number, sorted."""
    index: OutboundIndex = defaultdict(list)
    rows = CallRecord.objects.filter(
        direction=CallRecord.Direction.OUT, started_at__gte=lo, started_at__lte=hi
    ).values_list("callee", "started_at")
    for callee, started in rows.iterator():
        index[phone_key(callee)].append(started)
    for times in index.values():
        times.sort()
    return index


def _called_back(call: Call, index: OutboundIndex, horizon: dt.timedelta) -> bool:
    times = index.get(phone_key(call.caller), [])
    i = bisect.bisect_right(times, call.started_at)
    return i < len(times) and times[i] <= call.started_at + horizon


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def summarise(calls: list[Call], *, callback_hours: int, callbacks: OutboundIndex) -> dict:
    inbound = [c for c in calls if c.direction == CallRecord.Direction.IN]
    outbound = [c for c in calls if c.direction == CallRecord.Direction.OUT]
    answered = [c for c in inbound if c.answered]
    missed = [c for c in inbound if not c.answered]
    waits = [
        (c.answered_at - c.started_at).total_seconds()
        for c in answered
        if c.answered_at is not None and c.answered_at >= c.started_at
    ]
    reachable = [c for c in missed if phone_key(c.caller)]
    horizon = dt.timedelta(hours=callback_hours)
    called_back = [c for c in reachable if _called_back(c, callbacks, horizon)]
    by_caller = Counter(phone_key(c.caller) for c in inbound if phone_key(c.caller))
    repeat = {k: n for k, n in by_caller.items() if n >= 2}
    return {
        "calls": len(inbound) + len(outbound),
        "inbound": len(inbound),
        "outbound": len(outbound),
        "internal": sum(1 for c in calls if c.direction == CallRecord.Direction.INTERNAL),
        "answered": len(answered),
        "missed": len(missed),
        "answer_rate": _rate(len(answered), len(inbound)),
        "time_to_answer": {
            "known": len(waits),
            "average_seconds": round(statistics.fmean(waits), 1) if waits else None,
            "median_seconds": round(statistics.median(waits), 1) if waits else None,
        },
        "callback": {
            "hours": callback_hours,
            "missed_with_caller_id": len(reachable),
            "missed_without_caller_id": len(missed) - len(reachable),
            "called_back": len(called_back),
            "not_called_back": len(reachable) - len(called_back),
            "callback_rate": _rate(len(called_back), len(reachable)),
        },
        "repeat_callers": {
            "callers": len(repeat),
            "calls": sum(repeat.values()),
            "share_of_inbound": _rate(sum(repeat.values()), len(inbound)),
        },
    }


def heatmap(calls: list[Call]) -> list[list[int]]:
    """Inbound calls per weekday (rows, Monday first) × local hour (columns 0–23)."""
    grid = [[0] * 24 for _ in range(7)]
    for call in calls:
        if call.direction == CallRecord.Direction.IN:
            local = call.local_start
            grid[local.weekday()][local.hour] += 1
    return grid


def daily(calls: list[Call], start: dt.date, end: dt.date) -> list[dict]:
    days = {
        start + dt.timedelta(days=i): {"answered": 0, "missed": 0, "outbound": 0}
        for i in range((end - start).days + 1)
    }
    for call in calls:
        row = days.get(call.local_start.date())
        if row is None:
            continue
        if call.direction == CallRecord.Direction.OUT:
            row["outbound"] += 1
        elif call.direction == CallRecord.Direction.IN:
            row["answered" if call.answered else "missed"] += 1
    return [{"day": day.isoformat(), **row} for day, row in days.items()]


def _delta(now, before):
    if now is None or before is None:
        return None
    return round(now - before, 1)


def call_analytics(
    *,
    start: dt.date,
    end: dt.date,
    department: Department | None = None,
    city: City | None = None,
    callback_hours: int = DEFAULT_CALLBACK_HOURS,
) -> dict:
    """The marketer's figures for a salon, a city or the whole company over local days start..end."""
    departments = scope_departments(department=department, city=city)
    calls = load_calls(departments, start, end)
    length = (end - start).days + 1
    prev_end = start - dt.timedelta(days=1)
    prev_start = prev_end - dt.timedelta(days=length - 1)
    previous_calls = load_calls(departments, prev_start, prev_end)
    # One index of call-backs for both periods: from the first call to N hours after the last.
    starts = [c.started_at for c in previous_calls + calls]
    index = outbound_index(min(starts), max(starts) + dt.timedelta(hours=callback_hours)) if starts else {}
    previous = summarise(previous_calls, callback_hours=callback_hours, callbacks=index)
    current = summarise(calls, callback_hours=callback_hours, callbacks=index)
    by_department = []
    names = {d.pk: d for d in departments}
    grouped: dict[int, list[Call]] = defaultdict(list)
    for call in calls:
        grouped[call.department_id].append(call)
    for dept_id, dept_calls in sorted(
        grouped.items(), key=lambda kv: (names[kv[0]].city.name, names[kv[0]].code)
    ):
        s = summarise(dept_calls, callback_hours=callback_hours, callbacks=index)
        d = names[dept_id]
        by_department.append(
            {
                "department": d.pk,
                "code": d.code,
                "name": d.name,
                "city": d.city.name,
                "inbound": s["inbound"],
                "outbound": s["outbound"],
                "answered": s["answered"],
                "missed": s["missed"],
                "answer_rate": s["answer_rate"],
                "not_called_back": s["callback"]["not_called_back"],
            }
        )
    zones = sorted({d.city.timezone for d in departments})
    return {
        "period": {"from": start.isoformat(), "to": end.isoformat(), "days": length},
        "previous_period": {"from": prev_start.isoformat(), "to": prev_end.isoformat()},
        "scope": {
            "department": department.pk if department else None,
            "city": city.pk if city else (department.city_id if department else None),
            "time_zones": zones,
        },
        **current,
        "trend": {
            "inbound": current["inbound"] - previous["inbound"],
            "outbound": current["outbound"] - previous["outbound"],
            "missed": current["missed"] - previous["missed"],
            "answer_rate_points": _delta(current["answer_rate"], previous["answer_rate"]),
            "previous": {
                k: previous[k] for k in ("inbound", "outbound", "answered", "missed", "answer_rate")
            },
        },
        "heatmap": {"weekdays": list(WEEKDAYS), "hours": list(range(24)), "inbound": heatmap(calls)},
        "daily": daily(calls, start, end),
        "by_department": by_department,
    }


def department_call_volume(departments: list[Department], start: dt.date, end: dt.date) -> dict[int, int]:
    """External calls (in + out, legs merged) per salon over local days start..end."""
    volume: Counter = Counter()
    for call in load_calls(departments, start, end):
        if call.direction != CallRecord.Direction.INTERNAL:
            volume[call.department_id] += 1
    return dict(volume)
