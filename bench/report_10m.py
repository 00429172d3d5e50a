"""The monthly report over 10 000 000 rated calls (issue 5: under 1 s; issue 9: a documented run).

    BENCH_REPORT_N=10000000 .venv/bin/python bench/report_10m.py                       # all in March 2026
    BENCH_REPORT_N=10000000 BENCH_REPORT_MONTHS=12 .venv/bin/python bench/report_10m.py  # a year of calls

The report reads only stored ratings and fee allocations, so the month's 10 M `billing_ratedcall` rows
are generated directly in SQL (seeded `random()`), into the production table with its production indexes
(dropped for the load and re-created from their own definitions, then ANALYZE — untimed setup). The
inventory is the `make bench` world (20 departments, numbers with fees moving mid-month, charges).
Then, 3 runs after a warm-up, each in a forked child: Q0 (one aggregate query per department for the
month) and our report (`cost_report_build` + `cost_report_data`, the production entry points).
Gate: the report's usage, calls and unrated calls per department equal SQL sums over the rows, and its
fees equal the stored allocations (the same gate as `make bench`). Same environment variables as
bench/run.py for the database (BENCH_DATABASE_URL, BENCH_SERVER_URL, BENCH_KEEP_DB, BENCH_OUT).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.run import ROOT, GateFailed, env_int, environment, gate_report, log, open_database, sql

LOAD_SQL = """
SELECT setseed(0.2026);
INSERT INTO billing_ratedcall (call_id, period, started_at, status, call_type, destination, prefix,
    billed_seconds, included_seconds, cost, currency, vat_rate, reason, rated_at, contract_id,
    department_id, rate_id, tariff_id)
SELECT g, m.period,
       (m.period::timestamp AT TIME ZONE %(tz)s) + (random() * 27.9 * 86400) * interval '1 second', s.status,
       CASE WHEN s.status = 'not_billable' THEN ''
            ELSE (ARRAY['local', 'long_distance', 'mobile', 'international', 'toll_free'])[1 + (g %% 5)] END,
       '', '', CASE WHEN s.status = 'rated' THEN 60 + (g %% 600) ELSE 0 END, 0,
       CASE WHEN s.status = 'unrated' THEN NULL
            WHEN s.status = 'rated' THEN round((random() * 50)::numeric, 2) ELSE 0.00 END,
       'RUB', 22.00, '', now(), NULL, d.ids[1 + (g * 7 %% (array_length(d.ids, 1) + 1))], NULL, NULL
FROM generate_series(1, %(n)s) g
CROSS JOIN LATERAL (SELECT (%(period)s::date - ((g %% %(months)s) * interval '1 month'))::date AS period) m
CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM company_department) d
CROSS JOIN LATERAL (SELECT CASE WHEN g %% 100 < 80 THEN 'rated' WHEN g %% 100 < 83 THEN 'free'
                                WHEN g %% 100 < 84 THEN 'unrated' ELSE 'not_billable' END AS status) s
"""


def main() -> int:
    n = env_int("BENCH_REPORT_N", 10_000_000)
    months = env_int("BENCH_REPORT_MONTHS", 1)  # spread the calls over this many months up to March 2026
    runs = env_int("BENCH_RUNS", 3)
    url, drop = open_database()
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()
    from django.core.management import call_command

    from apps.billing.rating import Month
    from bench import baselines
    from bench import world as world_mod
    from bench.measure import in_child, memory_method
    from bench.run import our_report

    month = Month(*world_mod.MONTH)
    log(f"database: {url}")
    try:
        call_command("migrate", verbosity=0)
        world_mod.build_world(seed=20261126, prefixes=100, calls=n)
        indexes = sql(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'billing_ratedcall' "
            "AND indexname NOT LIKE '%%pkey'"
        )
        log(f"loading {n:,} rated calls in SQL…")
        began = time.perf_counter()
        for name, _ in indexes:
            sql(f'DROP INDEX "{name}"')
        for statement in LOAD_SQL.split(";\n"):
            sql(statement, {"period": month.first_day, "tz": world_mod.TZ, "n": n, "months": months})
        for _, definition in indexes:
            sql(definition)
        sql("VACUUM ANALYZE billing_ratedcall")
        sql("CHECKPOINT")
        log(f"  loaded, indexed and analysed in {time.perf_counter() - began:.0f} s")
        sql(
            "CREATE VIEW bench_ref AS SELECT call_id, status, cost, department_id FROM billing_ratedcall "
            "WHERE period = %s",
            [month.first_day],
        )
        times: dict[str, list[float]] = {"Q0": [], "report": []}
        memory: dict[str, list[float]] = {"Q0": [], "report": []}
        gate = ""
        for run in range(runs + 1):
            q = in_child(lambda: baselines.q0(month.first_day))
            rep = in_child(lambda: our_report(month))
            gate = gate_report(rep["result"])
            if run:
                for key, res in (("Q0", q), ("report", rep)):
                    times[key].append(res["seconds"])
                    memory[key].append(res["peak_rss_mb"])
            tag = f"run {run}" if run else "warm-up"
            log(f"{tag}: Q0 {q['seconds']:.3f} s report {rep['seconds']:.3f} s")
        median = {k: statistics.median(v) for k, v in times.items()}
        in_month = sql("SELECT count(*) FROM billing_ratedcall WHERE period = %s", [month.first_day])[0][0]
        result = {
            "kind": "report_10m",
            "rated_calls": n,
            "months": months,
            "calls_in_the_month": in_month,
            "times": times,
            "median_s": median,
            "memory_mb": memory,
            "memory_method": memory_method(),
            "gate": gate,
            "environment": environment(),
        }
        out_dir = Path(os.environ.get("BENCH_OUT") or ROOT / "bench" / "results")
        out_dir.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        path = out_dir / f"{stamp}-report-n{n}-m{months}.json"
        path.write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
        ratio = median["report"] / median["Q0"]
        print(
            f"monthly report of {month} ({in_month:,} calls) in a table of {n:,} rated calls over {months} "
            f"month(s) — gate ✓ {gate}"
        )
        q0_runs = " ".join(f"{s:.3f}" for s in times["Q0"])
        print(f"  Q0 one aggregate query  {median['Q0']:.3f} s  runs {q0_runs}")
        print(
            f"  our report (build+data) {median['report']:.3f} s  runs "
            f"{' '.join(f'{s:.3f}' for s in times['report'])}  peak RSS {max(memory['report']):.0f} MB"
        )
        print(f"  report / Q0 {ratio:.2f}× (target ≤ 3×) {'PASS' if ratio <= 3 else 'FAIL'}")
        print(f"  report < 1 s: {'PASS' if median['report'] < 1 else 'FAIL'}   JSON: {path}")
    except GateFailed as exc:
        print(f"GATE FAILED — no speed figures: {exc}")
        return 1
    finally:
        if drop is not None and os.environ.get("BENCH_KEEP_DB") != "1":
            drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
