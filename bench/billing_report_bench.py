"""The monthly cost report over a large stored history: T_report against Q0 (one aggregate query).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tp_billing_bench \
        .venv/bin/python bench/billing_report_bench.py --rows 10000000 --months 10 --runs 3

Needs its own PostgreSQL database (it is migrated, and its billing tables are emptied). Rated calls are
generated directly in SQL (`INSERT … SELECT generate_series`, one statement per month; `RatedCall` has no
FK constraint on the call, so no call records are needed): `--rows` spread evenly over `--months` months
ending March 2026, 20 departments, 75 % rated, 3 % free, 1 % unrated, 1 % internal, 20 % not billable,
five call types, two VAT rates. Then VACUUM ANALYZE (as autovacuum would after a load), and per run:
- Q0: one aggregate query — the report month's rated calls grouped by department, call type, status and
  VAT rate (the shape of the report's own query);
- T_report: `cost_report_build` + `cost_report_data` for that month (fees, budgets, lines, JSON shape).
It checks that the report's totals equal Q0's sums to the kopeck.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "telephony_portal.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from apps.billing import services  # noqa: E402
from apps.billing.rating import Month  # noqa: E402
from apps.company.models import City, Department  # noqa: E402
from bench.measure import backend_cpu  # noqa: E402

LAST = Month(2026, 3)

GENERATE = """
INSERT INTO billing_ratedcall (call_id, period, started_at, department_id, status, call_type, contract_id,
    tariff_id, rate_id, destination, prefix, billed_seconds, included_seconds, cost, currency, vat_rate,
    reason, rated_at)
SELECT i, %(period)s::date,
       %(start)s::timestamptz + (i - %(first_id)s) * (%(span)s / %(n)s) * interval '1 second',
       (%(departments)s::bigint[])[1 + i %% 20],
       s.status,
       CASE WHEN s.status IN ('rated', 'free', 'unrated')
            THEN (ARRAY['local', 'long_distance', 'mobile', 'international', 'toll_free'])[1 + (i / 7) %% 5]
            WHEN s.status = 'internal' THEN 'internal' ELSE '' END,
       NULL, NULL, NULL, '7843' || lpad((i %% 10000000)::text, 7, '0'), '7843',
       CASE WHEN s.status = 'rated' THEN 60 + (i %% 17) * 6 ELSE 0 END, 0,
       CASE WHEN s.status = 'unrated' THEN NULL
            WHEN s.status = 'rated' THEN ((i %% 997) * 0.037)::numeric(14, 2) ELSE 0.00 END,
       'RUB', CASE WHEN i %% 10 = 0 THEN 20.00 ELSE 22.00 END,
       CASE WHEN s.status = 'unrated' THEN 'no rate' ELSE '' END, now()
FROM generate_series(%(first_id)s, %(first_id)s + %(n)s - 1) AS i
CROSS JOIN LATERAL (
    SELECT CASE WHEN i %% 100 < 75 THEN 'rated' WHEN i %% 100 < 78 THEN 'free'
                WHEN i %% 100 < 79 THEN 'unrated' WHEN i %% 100 < 80 THEN 'internal'
                ELSE 'not_billable' END AS status
) s
"""

Q0 = (
    "SELECT department_id, call_type, status, vat_rate, count(*), sum(cost), sum(billed_seconds) "
    "FROM billing_ratedcall WHERE period = %s GROUP BY 1, 2, 3, 4"
)


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def generate(rows: int, months: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE billing_ratedcall, billing_ratingrun, billing_chargeallocation, "
            "billing_costreportline, billing_costreport, billing_budget"
        )
    Department.objects.filter(code__startswith="R").delete()
    city, _ = City.objects.get_or_create(
        name="Москва", defaults={"timezone": "Europe/Moscow", "area_code": "495"}
    )
    departments = [
        Department.objects.get_or_create(code=f"R{i:02d}", defaults={"name": f"Салон {i}", "city": city})[
            0
        ].pk
        for i in range(20)
    ]
    month = LAST
    chosen = []
    for _ in range(months):
        chosen.append(month)
        month = month.previous()
    per_month = rows // months
    for k, m in enumerate(reversed(chosen)):
        start, end = m.utc_bounds("Europe/Moscow")
        t0 = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                GENERATE,
                {
                    "period": m.first_day,
                    "start": start,
                    "span": (end - start).total_seconds(),
                    "n": per_month,
                    "first_id": 1 + k * per_month,
                    "departments": departments,
                },
            )
        log(f"{m}: {per_month} rated calls in {time.perf_counter() - t0:.1f}s")
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE billing_ratedcall")
    log(f"VACUUM ANALYZE {time.perf_counter() - t0:.1f}s")
    return departments


def q0() -> tuple[float, Decimal]:
    with connection.cursor() as cursor:
        t0 = time.perf_counter()
        cursor.execute(Q0, [LAST.first_day])
        rows = cursor.fetchall()
        elapsed = time.perf_counter() - t0
    return elapsed, sum((r[5] or Decimal(0) for r in rows if r[2] != "unrated"), Decimal("0.00"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="reuse the rows of a previous run")
    parser.add_argument("--out", default="var/billing_report_bench.json")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("the benchmark needs PostgreSQL: set DATABASE_URL to a database of its own")
    call_command("migrate", verbosity=0)
    if not args.keep:
        generate(args.rows, args.months)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM billing_ratedcall")
        total = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM billing_ratedcall WHERE period = %s", [LAST.first_day])
        in_month = cursor.fetchone()[0]
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + Q0, [LAST.first_day])
        plan = [row[0] for row in cursor.fetchall()]
    log("\n".join(plan))
    results: dict[str, list[float]] = {"Q0": [], "T_report": []}
    cpu: dict[str, list[float]] = {"Q0": [], "T_report": []}
    for run in range(args.runs + 1):
        c0 = backend_cpu()
        q, q_sum = q0()
        c1 = backend_cpu()
        t0 = time.perf_counter()
        data = services.cost_report_data(services.cost_report_build(month=LAST))
        report = time.perf_counter() - t0
        c2 = backend_cpu()
        if run and c0 is not None and c2 is not None:
            cpu["Q0"].append(c1 - c0)
            cpu["T_report"].append(c2 - c1)
        usage = Decimal(data["totals"]["usage"])
        if usage != q_sum:
            sys.exit(f"report usage {usage} differs from the aggregate query's {q_sum}")
        log(f"run {run}{' (warm-up)' if run == 0 else ''}: Q0 {q * 1000:.0f}ms report {report * 1000:.0f}ms")
        if run:
            results["Q0"].append(q)
            results["T_report"].append(report)
    median = {k: statistics.median(v) for k, v in results.items()}
    summary = {
        "rated_calls_stored": total,
        "in_report_month": in_month,
        "months": args.months,
        "runs": results,
        "median_s": median,
        "T_report/Q0": median["T_report"] / median["Q0"],
        "backend_cpu_s": cpu,
        "q0_plan": plan,
        "load_average": os.getloadavg(),
        "cpu_count": os.cpu_count(),
        "generated_on": dt.datetime.now(dt.UTC).isoformat(),
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(summary, indent=2))
    print(json.dumps({k: v for k, v in summary.items() if k != "q0_plan"}, indent=2))


if __name__ == "__main__":
    main()
