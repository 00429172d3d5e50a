"""Timing of the call analytics on the demo data (run by hand; not a test).

    createdb -h 127.0.0.1 -U postgres tp_rollout_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/tp_rollout_bench
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py seed_demo
    .venv/bin/python bench/call_analytics.py

The demo holds ~34 000 call records (9 cities, February–April 2026). Prints the best of 3 runs of
`call_analytics` for one city over 30 days, the whole company over 30 days and over 89 days (each run
also computes the previous period of the same length and the per-salon table).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "telephony_portal.settings")

import django

django.setup()

from apps.calls.models import CallRecord  # noqa: E402
from apps.company.models import City  # noqa: E402
from apps.rollout.analytics import call_analytics  # noqa: E402


def best_of(runs: int, **kwargs) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call_analytics(**kwargs)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    city = City.objects.filter(timezone="Asia/Yekaterinburg").first() or City.objects.first()
    april = {"start": dt.date(2026, 4, 1), "end": dt.date(2026, 4, 30)}
    cases = [
        (f"one city ({city}), 30 days", {"city": city, **april}),
        ("all salons, 30 days", april),
        ("all salons, 89 days", {"start": dt.date(2026, 2, 1), "end": dt.date(2026, 4, 30)}),
    ]
    print(f"{CallRecord.objects.count()} call records")
    for label, kwargs in cases:
        print(f"{label:<40} {best_of(3, **kwargs):.3f} s")


if __name__ == "__main__":
    main()
