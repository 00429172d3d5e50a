"""Demo calls: the three full months before the day of the first seeding, for every demo salon, so the
cost dashboard (which opens on last month) is full on the first screen; imported through the real
pipeline — an Asterisk Master.csv per city for some cities, a Mango Office result file for the others.

Salons open 10:00–21:00 (Sunday 11:00–19:00, quieter); calls peak around lunch and after work; a few
are missed, more at the peaks. Inventory is looked up by natural keys (city name, salon code, number,
extension); a city whose inventory is absent is skipped. Idempotent: each city's file is generated
deterministically, and a file already imported (same SHA-256) adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
import zoneinfo
from pathlib import Path

from django.utils import timezone

from apps.company.models import City, Department
from apps.telecom.models import Extension, Line, NumberAssignment

from . import services
from .models import ImportRun, Source

# Fixed dates for tests (both set); None: the three full months before today (`demo_period()`).
PERIOD_START: dt.date | None = None
PERIOD_END: dt.date | None = None  # exclusive
MONTHS = 3
ASTERISK_CITIES = {"Казань", "Уфа", "Самара", "Нижний Новгород"}
HOUR_WEIGHT = {
    10: 0.6,
    11: 0.9,
    12: 1.4,
    13: 1.4,
    14: 1.0,
    15: 0.9,
    16: 1.0,
    17: 1.3,
    18: 1.5,
    19: 1.1,
    20: 0.5,
}
DAY_WEIGHT = {0: 1.0, 1: 0.95, 2: 1.0, 3: 1.0, 4: 1.15, 5: 1.3, 6: 0.55}  # Monday … Sunday
CALLS_PER_HOUR = 1.7


def demo_period() -> tuple[dt.date, dt.date]:
    """[start, end) of the demo calls: PERIOD_START/PERIOD_END when set, else the last MONTHS full months."""
    if PERIOD_START is not None and PERIOD_END is not None:
        return PERIOD_START, PERIOD_END
    end = timezone.localdate().replace(day=1)
    start = end
    for _ in range(MONTHS):
        start = (start - dt.timedelta(days=1)).replace(day=1)
    return start, end


def _holder(number_id: int, day: dt.date, assignments) -> int | None:
    for valid_from, valid_to, department_id in assignments.get(number_id, ()):
        if valid_from <= day and (valid_to is None or day < valid_to):
            return department_id
    return None


def _calls(city: City, departments: list[Department]):
    """Yield (department, local start, kind, DID e164, extension or '', customer, ring s, talk s, outcome)."""
    period_start, period_end = demo_period()
    rng = random.Random(f"demo-calls-{city.name}-{period_start}")
    numbers: dict[int, list] = {}
    assignments: dict[int, list] = {}
    for a in NumberAssignment.objects.filter(department__in=departments).select_related("number"):
        numbers.setdefault(a.department_id, []).append(a.number)
    for number_id, valid_from, valid_to, department_id in NumberAssignment.objects.values_list(
        "number_id", "valid_from", "valid_to", "department_id"
    ):
        assignments.setdefault(number_id, []).append((valid_from, valid_to, department_id))
    extensions: dict[int, list[str]] = {}
    for ext in Extension.objects.filter(department__in=departments).order_by("extension"):
        extensions.setdefault(ext.department_id, []).append(ext.extension)
    day = period_start
    while day < period_end:
        weekday = day.weekday()
        hours = range(11, 19) if weekday == 6 else range(10, 21)
        for department in departments:
            dids = [
                n for n in numbers.get(department.pk, ()) if _holder(n.pk, day, assignments) == department.pk
            ]
            exts = extensions.get(department.pk) or []
            if not dids or not exts:
                continue
            for hour in hours:
                expected = CALLS_PER_HOUR * HOUR_WEIGHT[hour] * DAY_WEIGHT[weekday]
                count = sum(1 for _ in range(6) if rng.random() < expected / 6)
                for _ in range(count):
                    start = dt.datetime.combine(day, dt.time(hour, rng.randrange(60), rng.randrange(60)))
                    did = rng.choice(dids)
                    customer = f"79{rng.randrange(10**9):09d}"
                    if rng.random() < 0.65:
                        busy_hour = HOUR_WEIGHT[hour] >= 1.3
                        missed = rng.random() < (0.18 if busy_hour else 0.07)
                        ring = rng.randint(4, 25)
                        talk = 0 if missed else int(rng.lognormvariate(4.4, 0.7)) + 5
                        ext = "" if missed else rng.choice(exts)
                        yield (
                            department,
                            start,
                            "in",
                            did.number,
                            ext,
                            customer,
                            ring,
                            talk,
                            "missed" if missed else "ok",
                        )
                    else:
                        outcome = rng.choices(["ok", "missed", "busy"], weights=[85, 10, 5])[0]
                        ring = rng.randint(3, 30)
                        talk = int(rng.lognormvariate(4.2, 0.8)) + 5 if outcome == "ok" else 0
                        yield (
                            department,
                            start,
                            "out",
                            did.number,
                            rng.choice(exts),
                            customer,
                            ring,
                            talk,
                            outcome,
                        )
        day += dt.timedelta(days=1)


# Calls left unrated on purpose, so the "unrated calls to fix" list has something true to show: per city,
# on the 15th of each demo month at 12:30 local, the first salon dials a paid information service (8-809:
# no tariff of ours lists it → "no rate for 7809… in the tariff") and a short local number that cannot be
# completed with the city's area code ("invalid": area code + number ≠ 10 digits).
UNRATED_ON_PURPOSE = ("78095550142", "12345")


def _unrated_on_purpose(departments: list[Department]):
    """The same tuples as `_calls`: answered outbound calls from the first salon's first number."""
    department = departments[0]
    did = (
        NumberAssignment.objects.filter(department=department, valid_to__isnull=True)
        .order_by("number__number")
        .values_list("number__number", flat=True)
        .first()
    )
    ext = (
        Extension.objects.filter(department=department)
        .order_by("extension")
        .values_list("extension", flat=True)
        .first()
    )
    if did is None or ext is None:
        return
    period_start, period_end = demo_period()
    month = period_start
    while month < period_end:
        for n, customer in enumerate(UNRATED_ON_PURPOSE):
            start = dt.datetime.combine(month.replace(day=15), dt.time(12, 30 + n))
            if period_start <= start.date() < period_end:
                yield (department, start, "out", did, ext, customer, 5, 47, "ok")
        month = (month + dt.timedelta(days=32)).replace(day=1)


def _q(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _asterisk_file(city: City, trunk: str, calls) -> str:
    lines = []
    for n, (_dept, start, kind, did, ext, customer, ring, talk, outcome) in enumerate(calls, start=1):
        uniqueid = f"{int(start.timestamp())}.{n}"
        answer = start + dt.timedelta(seconds=ring) if outcome == "ok" else None
        end = start + dt.timedelta(seconds=ring + talk)
        fmt = "%Y-%m-%d %H:%M:%S"
        disposition = {"ok": "ANSWERED", "missed": "NO ANSWER", "busy": "BUSY"}[outcome]
        national = "8" + customer[1:]
        if kind == "in":
            answered_by = f"PJSIP/{ext}-{n:08x}" if ext else ""
            texts = ["", national, did[1:], "from-trunk", f'"" <{national}>', f"PJSIP/{trunk}-{n:08x}",
                     answered_by, "Dial", f"PJSIP/{ext or 'ringgroup'},30"]  # fmt: skip
        else:
            texts = ["sales", ext, national, "from-internal", f'"Салон" <{ext}>', f"PJSIP/{ext}-{n:08x}",
                     f"PJSIP/{trunk}-{n:08x}", "Dial", f"PJSIP/{national}@{trunk},60"]  # fmt: skip
        fields = [_q(t) for t in texts]
        fields += [_q(start.strftime(fmt)), _q(answer.strftime(fmt)) if answer else "", _q(end.strftime(fmt))]
        fields += [str(ring + talk), str(talk), _q(disposition), _q("DOCUMENTATION"), _q(uniqueid), _q("")]
        lines.append(",".join(fields))
    return "\n".join(lines) + "\n"


def _mango_file(city: City, calls) -> str:
    zone = zoneinfo.ZoneInfo(city.timezone)
    lines = []
    for n, (_dept, start, kind, did, ext, customer, ring, talk, outcome) in enumerate(calls, start=1):
        t0 = int(start.replace(tzinfo=zone).timestamp())
        answer = t0 + ring if outcome == "ok" else 0
        finish = t0 + ring + talk
        entry = f"demo-{city.pk}-{t0}-{n}"
        if kind == "in":
            parts = ["[]", t0, finish, answer, "", customer, ext, did[1:], 1110, did[1:], "abonent", entry]
        else:
            parts = ["[]", t0, finish, answer, ext, did[1:], "", customer, 1100, did[1:], "abonent", entry]
        lines.append(";".join(str(p) for p in parts))
    return "\n".join(lines) + "\n"


def seed(*, stdout) -> None:
    cities = City.objects.filter(departments__kind=Department.Kind.SALON).distinct().order_by("name")
    total = {"read": 0, "inserted": 0, "duplicates": 0, "rejected": 0}
    imported, already = [], []
    for city in cities:
        departments = list(
            city.departments.filter(kind=Department.Kind.SALON, is_active=True).order_by("code")
        )
        line = Line.objects.filter(city=city, kind=Line.Kind.SIP_TRUNK).exclude(trunk_id="").first()
        pbx_id = (
            Extension.objects.filter(department__in=departments)
            .values_list("pbx_account_id", flat=True)
            .first()
        )
        if line is None or pbx_id is None:
            continue  # no telecom inventory for this city (yet)
        asterisk = city.name in ASTERISK_CITIES
        connector = "asterisk_csv" if asterisk else "mango"
        slug = f"demo-{line.trunk_id.removeprefix('trunk-')}-{'asterisk' if asterisk else 'mango'}"
        source, _ = Source.objects.get_or_create(
            slug=slug,
            defaults={
                "name": f"{city.name}: {'Asterisk Master.csv' if asterisk else 'Mango Office'} (demo)",
                "connector": connector,
                "timezone": city.timezone,
                "pbx_account_id": pbx_id,
                "settings": {"layout": ["loguniqueid", "loguserfield"]} if asterisk else {},
            },
        )
        period_start, period_end = demo_period()
        name = f"{slug}-{period_start:%Y%m}-{period_end:%Y%m}.{'csv' if asterisk else 'txt'}"
        # Any demo file of this source imported before (maybe in an earlier month) counts: seeding again
        # later never adds a second, overlapping set of demo calls.
        done = ImportRun.objects.filter(
            source=source, file_name__startswith=f"{slug}-", status=ImportRun.Status.SUCCEEDED
        )
        if done.exists():
            already.append(city.name)
            continue
        calls = list(_calls(city, departments)) + list(_unrated_on_purpose(departments))
        text = _asterisk_file(city, line.trunk_id, calls) if asterisk else _mango_file(city, calls)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / name
            path.write_text(text, encoding="utf-8")
            with open(path, "rb") as handle:
                run, created = services.run_create_for_file(
                    source=source, stream=handle, name=name, store=False
                )
            if created:
                run = services.run_process(run_id=run.pk, path=path)
        for key in total:
            total[key] += getattr(run, key)
        imported.append(city.name)
    if already and not imported:
        stdout.write(f"  calls: demo calls of {len(already)} cities were already imported; nothing added")
        return
    if not imported:
        stdout.write("  calls: no salons with numbers, extensions and a SIP trunk yet; no demo calls")
        return
    stdout.write(
        f"  calls: {total['inserted']} calls for {len(imported)} cities "
        f"({total['read']} read, {total['duplicates']} duplicates, {total['rejected']} rejected)"
    )
