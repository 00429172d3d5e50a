"""`make bench`: speed and memory of the import, rating and report, as ratios against baselines measured
on the same data in the same run, behind correctness gates. See docs/bench.md.

    make bench                                   # BENCH_N=1000000 calls, 3 runs after a warm-up
    BENCH_N=100000 make bench                    # a quicker run
    BENCH_N=2000 BENCH_RUNS=1 .venv/bin/python bench/run.py   # the smoke run of `make test`

Environment:
    BENCH_N            calls in the generated Master.csv (default 1 000 000)
    BENCH_RUNS         timed runs after the warm-up (default 3)
    BENCH_PREFIXES     prefixes per tariff (default 5 000)
    BENCH_SEED         seed of every generated input (default 20261126)
    BENCH_DATABASE_URL a PostgreSQL database of its own to use (its data is replaced); without it a
                       throwaway database is created on BENCH_SERVER_URL (default: the server of
                       DATABASE_URL, else postgres://postgres@127.0.0.1:5432) and dropped at the end
    BENCH_KEEP_DB=1    keep the throwaway database
    BENCH_OUT          directory of the JSON results (default bench/results)
    BENCH_SCANNER=0    skip the contract-scanner quality section
    BENCH_PDF=0        skip the PDF rendering measurement
    BENCH_D0=0         skip D0 (Django bulk_create is ~30× a COPY: long at 1 M on a loaded machine)
    BENCH_WARMUP=0     no warm-up run (only when time is short; the output says so)
    BENCH_SABOTAGE=oracle  change one stored cost by a kopeck after rating (tests the gate; not for use)

Every run: untimed reset + CHECKPOINT, then B0, B1, D0, our import, rating, R0, re-rating after a tariff
correction, Q0, the monthly report, the PDF. Each operation runs in a forked child (wall time and its
peak RSS). Gates are checked in every run, the warm-up too; a failed gate stops the bench, prints what
failed and no speed figures, and exits 1.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import io
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "telephony_portal.settings")

SOURCE = "bench"
TARGETS = {
    # name: (numerator, denominator, limit, "<=" or ">=", issue)
    "import / B1": ("import", "B1", 1.5, "<=", "#4"),
    "D0 / import": ("D0", "import", 4.0, ">=", "#4"),
    "end to end / B1": ("end to end", "B1", 2.0, "<=", "#9"),
    "rating / R0": ("rating", "R0", 1.5, "<=", "#5"),
    "re-rating / rating": ("re-rating", "rating", 1.2, "<=", "#5"),
    "report / Q0": ("report", "Q0", 3.0, "<=", "#5"),
}


class GateFailed(Exception):
    pass


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").replace("_", "").replace(" ", "")
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        sys.exit(f"{name}={os.environ[name]!r} is not a whole number")


# ------------------------------------------------------------------------------------- database


def _server_url() -> str:
    if os.environ.get("BENCH_SERVER_URL"):
        return os.environ["BENCH_SERVER_URL"]
    current = os.environ.get("DATABASE_URL", "")
    if current.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(current)
        return urlunsplit((parts.scheme, parts.netloc, "", "", ""))
    return "postgres://postgres@127.0.0.1:5432"


def open_database() -> tuple[str, object]:
    """(url, drop) — BENCH_DATABASE_URL as it is, or a new throwaway database and how to drop it."""
    if os.environ.get("BENCH_DATABASE_URL"):
        url = os.environ["BENCH_DATABASE_URL"]
        if not url.startswith(("postgres://", "postgresql://")):
            sys.exit("BENCH_DATABASE_URL must be a PostgreSQL URL: the bench measures PostgreSQL")
        return url, None
    import psycopg2

    server = _server_url().rstrip("/")
    name = f"tp_bench_run_{os.getpid()}"
    admin = psycopg2.connect(server + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        conn = psycopg2.connect(server + "/postgres")
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.close()

    return f"{server}/{name}", drop


# ------------------------------------------------------------------------------------------ steps


def sql(statement: str, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else None


def reset_calls() -> None:
    sql(
        "TRUNCATE billing_ratedcall, billing_ratingrun, billing_chargeallocation, billing_costreportline, "
        "billing_costreport, calls_quarantinedrow, calls_callrecord, calls_importrun CASCADE"
    )
    sql("CHECKPOINT")


def reset_ratings() -> None:
    sql("TRUNCATE billing_ratedcall, billing_ratingrun CASCADE")
    sql("CHECKPOINT")


def our_import(path: Path) -> dict:
    from django.core.management import call_command

    out = io.StringIO()
    call_command("import_calls", str(path), "--source", SOURCE, "--json", stdout=out, stderr=io.StringIO())
    summary = json.loads(out.getvalue())
    summary["errors"] = len(summary["errors"])
    return summary


def our_rating(month) -> dict:
    from apps.billing import services

    run = services.calls_rate(month=month)
    return {f: getattr(run, f) for f in ("calls", "created", "changed", "unchanged", "unrated")}


def our_report(month) -> dict:
    from apps.billing import services

    return services.cost_report_data(services.cost_report_build(month=month))


def our_pdf(month) -> int:
    from apps.billing import services
    from apps.billing.models import CostReport

    pdf = services.cost_report_render(CostReport.objects.get(period=month.first_day), fmt="pdf")
    if not pdf.startswith(b"%PDF"):
        raise GateFailed("the PDF renderer returned something that is not a PDF")
    return len(pdf)


def correct_tariff(world, run: int) -> int:
    """A tariff correction: every 10th rate of tariff B changes its price by a kopeck."""
    from django.db.models import F

    from apps.contracts.models import Rate

    ids = list(
        Rate.objects.filter(tariff_id=world.tariffs["B"]).order_by("prefix").values_list("pk", flat=True)
    )
    delta = Decimal("0.01") if run % 2 == 0 else Decimal("-0.01")
    changed = Rate.objects.filter(pk__in=ids[::10]).update(price_per_minute=F("price_per_minute") + delta)
    sql("CHECKPOINT")
    return changed


# ------------------------------------------------------------------------------------------ gates


def gate_counts(summary: dict, expected) -> str:
    read, ins, dup, rej = (summary[k] for k in ("read", "inserted", "duplicates", "rejected"))
    if ins + dup + rej != read:
        raise GateFailed(f"import counts: inserted {ins} + duplicates {dup} + rejected {rej} != read {read}")
    if (read, ins, dup, rej) != (expected.lines, expected.valid, expected.repeats, expected.malformed):
        raise GateFailed(
            f"import counts: read {read}, inserted {ins}, duplicates {dup}, rejected {rej}; the file has "
            f"{expected.lines} lines = {expected.valid} records + {expected.repeats} repeats + "
            f"{expected.malformed} malformed"
        )
    stored = sql("SELECT count(*) FROM calls_callrecord")[0][0]
    quarantined = sql("SELECT count(*) FROM calls_quarantinedrow")[0][0]
    if stored != ins or quarantined != rej:
        raise GateFailed(
            f"stored {stored} calls and {quarantined} quarantined rows; the run said {ins}, {rej}"
        )
    return f"read {read} = inserted {ins} + duplicates {dup} + rejected {rej}"


def gate_oracle(month, label: str) -> str:
    from bench.baselines import oracle_differences

    ours_only, ref_only, examples = oracle_differences(month.first_day)
    total = sql("SELECT count(*) FROM bench_ref")[0][0]
    stored = sql("SELECT count(*) FROM billing_ratedcall WHERE period = %s", [month.first_day])[0][0]
    if ours_only or ref_only or total != stored:
        lines = "\n".join(f"    {row}" for row in examples)
        raise GateFailed(
            f"{label}: our ratings differ from R0 call by call — {ours_only} rows only ours, {ref_only} only "
            f"R0 ({stored} vs {total} rows); (source, {ORACLE}):\n{lines}"
        )
    return f"{total} calls equal"


ORACLE = "call_id, status, call_type, prefix, billed_seconds, included_seconds, department_id, cost"


def gate_report(data: dict) -> str:
    """Report totals = the sum of R0's calls and the stored fee allocations, per department and in total."""
    rows = sql(
        "SELECT d.code, sum(r.cost), count(*) FILTER (WHERE r.status IN ('rated', 'free', 'unrated')), "
        "count(*) FILTER (WHERE r.status = 'unrated') FROM bench_ref r "
        "LEFT JOIN company_department d ON d.id = r.department_id GROUP BY d.code"
    )
    calls = {code: (cost or Decimal(0), n, unrated) for code, cost, n, unrated in rows}
    fees = dict(
        sql(
            "SELECT d.code, sum(a.amount) FROM billing_chargeallocation a "
            "LEFT JOIN company_department d ON d.id = a.department_id GROUP BY d.code"
        )
    )
    lines = [(d["code"], d) for d in data["departments"]] + [(None, data["unassigned"])]
    problems = []
    totals = {"usage": Decimal(0), "fees": Decimal(0), "calls": 0}
    for code, line in lines:
        usage, n, unrated = calls.get(code, (Decimal(0), 0, 0))
        fee = fees.get(code) or Decimal(0)
        got_fees = Decimal(line["recurring"]) + Decimal(line["one_time"])
        if (
            Decimal(line["usage"]) != usage
            or got_fees != fee
            or line["calls"] != n
            or line["unrated_calls"] != unrated
        ):
            problems.append(
                f"{code or 'Unassigned'}: usage {line['usage']} vs calls {usage}, fees {got_fees} vs {fee}, "
                f"calls {line['calls']} vs {n}, unrated {line['unrated_calls']} vs {unrated}"
            )
        if Decimal(line["net"]) != Decimal(line["usage"]) + got_fees:
            problems.append(f"{code or 'Unassigned'}: net {line['net']} != usage + fees")
        if Decimal(line["gross"]) != Decimal(line["net"]) + Decimal(line["vat"]):
            problems.append(f"{code or 'Unassigned'}: gross {line['gross']} != net + VAT")
        totals["usage"] += usage
        totals["fees"] += fee
        totals["calls"] += n
    missing = set(calls) - {code for code, _ in lines}
    if missing:
        problems.append(f"departments with calls but no report line: {sorted(map(str, missing))}")
    t = data["totals"]
    if (
        Decimal(t["usage"]) != totals["usage"]
        or Decimal(t["recurring"]) + Decimal(t["one_time"]) != totals["fees"]
    ):
        problems.append(f"totals: usage {t['usage']} vs {totals['usage']}, fees vs {totals['fees']}")
    if t["calls"] != totals["calls"]:
        problems.append(f"totals: calls {t['calls']} vs {totals['calls']}")
    if problems:
        raise GateFailed("report: " + "; ".join(problems[:6]))
    return f"{len(lines)} lines, usage {t['usage']} + fees {totals['fees']} = net {t['net']}"


# --------------------------------------------------------------------------------------- the bench


def environment() -> dict:
    import importlib.metadata as md

    versions = {}
    for package in (
        "Django",
        "psycopg2-binary",
        "psycopg2",
        "psycopg",
        "WeasyPrint",
        "celery",
        "djangorestframework",
    ):
        with contextlib.suppress(md.PackageNotFoundError):
            versions[package] = md.version(package)
    settings = sql(
        "SELECT name, setting, coalesce(unit, '') FROM pg_settings "
        "WHERE name IN ('shared_buffers', 'work_mem', "
        "'maintenance_work_mem', 'max_wal_size', 'checkpoint_timeout', 'fsync', 'synchronous_commit', "
        "'wal_level', 'jit', 'max_parallel_workers_per_gather', 'effective_cache_size', 'random_page_cost') "
        "ORDER BY name"
    )
    return {
        "cpu_count": os.cpu_count(),
        "load_average": os.getloadavg(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "postgresql": sql("SHOW server_version")[0][0],
        "postgresql_settings": {name: f"{value}{unit}" for name, value, unit in settings},
        "versions": versions,
    }


def scanner_quality() -> dict:
    """Per-code P/R/F1 of the clause-risk scanner on the test split (apps.risk.evaluation.evaluate)."""
    from apps.risk.evaluation import evaluate
    from apps.risk.management.commands.eval_risk import RU_GOLD, default_english_path

    try:
        report = evaluate(split="test", en_path=default_english_path(), ru_path=RU_GOLD, resamples=0)
    except Exception as exc:  # the section reports the failure; the speed figures stand on their own
        return {"error": f"{exc.__class__.__name__}: {exc}"}
    result = {}
    for lang, part in report.items():
        if "error" in part:
            result[lang] = {"error": part["error"]}
            continue
        level = part["levels"]["any"]
        result[lang] = {
            "split": part["split"],
            "records": part["records"],
            "micro": {k: level["micro"][k] for k in ("precision", "recall", "f1")},
            "per_code": {
                code: {k: c[k] for k in ("support", "precision", "recall", "f1")}
                for code, c in level["per_code"].items()
            },
        }
    return result


def bench(n: int, runs: int, prefixes: int, seed: int, workdir: Path) -> dict:
    from django.core.management import call_command

    from apps.billing.rating import Month
    from apps.calls import services as call_services
    from bench import baselines
    from bench import world as world_mod
    from bench.measure import in_child

    month = Month(*world_mod.MONTH)
    start, end = month.utc_bounds(world_mod.TZ)
    log("migrating…")
    call_command("migrate", verbosity=0)
    log(f"building the world ({prefixes} prefixes × 4 tariffs) and {n:,} calls…")
    began = time.perf_counter()
    world = world_mod.build_world(seed=seed, prefixes=prefixes, calls=n)
    call_services.source_ensure(slug=SOURCE, connector="asterisk_csv", timezone_name=world_mod.TZ)
    path, clean = workdir / "Master.csv", workdir / "Master-clean.csv"
    expected = world_mod.write_calls(world, n=n, path=path, clean_path=clean)
    baselines.create_copy_tables()
    log(f"  generated in {time.perf_counter() - began:.1f} s: {expected}")

    times: dict[str, list[float]] = {}
    memory: dict[str, list[float]] = {}
    growth: dict[str, list[float]] = {}  # peak minus the RSS the child started the operation with
    cpu: dict[str, list[list]] = {}  # [client CPU s, PostgreSQL backend CPU s] per run
    gates: dict[str, str] = {}
    details: dict[str, object] = {}

    def measure(label: str, fn, keep: bool):
        result = in_child(fn)
        if keep:
            times.setdefault(label, []).append(result["seconds"])
            memory.setdefault(label, []).append(result["peak_rss_mb"])
            growth.setdefault(label, []).append(round(result["peak_rss_mb"] - result["start_rss_mb"], 1))
            cpu.setdefault(label, []).append([result["client_cpu_s"], result["server_cpu_s"]])
        return result["result"], result["seconds"]

    with_d0 = os.environ.get("BENCH_D0", "1") != "0"
    first = 0 if os.environ.get("BENCH_WARMUP", "1") != "0" else 1
    for run in range(first, runs + 1):
        keep = run > 0
        tag = f"run {run}" if keep else "warm-up"
        reset_calls()
        baselines.truncate_copy_tables()
        b0_rows, b0 = measure("B0", lambda: baselines.copy_file(clean, "bench_b0"), keep)
        b1_rows, b1 = measure("B1", lambda: baselines.copy_file(clean, "bench_b1"), keep)
        if b0_rows != expected.clean_lines or b1_rows != expected.clean_lines:
            raise GateFailed(f"COPY loaded {b0_rows}/{b1_rows} rows of {expected.clean_lines}")
        d0 = 0.0
        if with_d0:
            d0_rows, d0 = measure("D0", lambda: baselines.django_import(path, SOURCE), keep)
            if d0_rows != expected.valid:
                raise GateFailed(f"D0 stored {d0_rows} calls, the file has {expected.valid} valid records")
            reset_calls()
        summary, imp = measure("import", lambda: our_import(path), keep)
        gates["counts"] = gate_counts(summary, expected)
        sql("ANALYZE calls_callrecord")  # autovacuum would; both R0 and our rating get the same statistics
        rated, rate = measure("rating", lambda: our_rating(month), keep)
        _, r0 = measure(
            "R0",
            lambda: baselines.reference_rating(
                first=month.first_day, last=month.next_first_day - dt.timedelta(days=1),
                start=start, end=end, tz=world_mod.TZ, source_tz=world_mod.TZ,
            ),
            keep,
        )  # fmt: skip
        if os.environ.get("BENCH_SABOTAGE") == "oracle":  # tests/bench: a wrong kopeck must stop the bench
            sql(
                "UPDATE billing_ratedcall SET cost = cost + 0.01 WHERE call_id = "
                "(SELECT min(call_id) FROM billing_ratedcall WHERE status = 'rated')"
            )
        gates["oracle (rating)"] = gate_oracle(month, "rating")
        if keep:
            times.setdefault("end to end", []).append(imp + rate)
            memory.setdefault("end to end", []).append(max(memory["import"][-1], memory["rating"][-1]))
            growth.setdefault("end to end", []).append(max(growth["import"][-1], growth["rating"][-1]))
            both = (cpu["import"][-1], cpu["rating"][-1])
            cpu.setdefault("end to end", []).append(
                [
                    sum(c[0] for c in both),
                    None if None in (both[0][1], both[1][1]) else both[0][1] + both[1][1],
                ]
            )
        corrected = correct_tariff(world, run)
        rerated, rerate = measure("re-rating", lambda: our_rating(month), keep)
        baselines.reference_rating(
            first=month.first_day, last=month.next_first_day - dt.timedelta(days=1),
            start=start, end=end, tz=world_mod.TZ, source_tz=world_mod.TZ,
        )  # fmt: skip
        gates["oracle (re-rating)"] = gate_oracle(month, "re-rating")
        if not 0 < rerated["changed"] < rerated["calls"]:
            raise GateFailed(
                f"re-rating after {corrected} rates changed reported {rerated['changed']} changed calls"
            )
        _, q = measure("Q0", lambda: baselines.q0(month.first_day), keep)
        data, rep = measure("report", lambda: our_report(month), keep)
        gates["report"] = gate_report(data)
        pdf = None
        if os.environ.get("BENCH_PDF", "1") != "0":
            pdf, _ = measure("PDF", lambda: our_pdf(month), keep)
        details = {"import": summary, "rating": rated, "re-rating": rerated, "rates_corrected": corrected,
                   "pdf_bytes": pdf, "report_totals": data["totals"]}  # fmt: skip
        d0_text = f"{d0:.2f}s" if with_d0 else "skipped"
        log(
            f"{tag}: B0 {b0:.2f}s B1 {b1:.2f}s D0 {d0_text} import {imp:.2f}s rating {rate:.2f}s "
            f"R0 {r0:.2f}s re-rating {rerate:.2f}s ({rerated['changed']} changed) Q0 {q * 1000:.0f}ms "
            f"report {rep * 1000:.0f}ms"
        )
    return {
        "expected": expected.__dict__,
        "file_bytes": path.stat().st_size,
        "times": times,
        "memory_mb": memory,
        "memory_growth_mb": growth,
        "cpu_s": cpu,
        "gates": gates,
        "details": details,
    }


def ratios(median: dict[str, float]) -> dict[str, dict]:
    out = {}
    for name, (num, den, limit, op, issue) in TARGETS.items():
        if num in median and den in median and median[den] > 0:
            value = median[num] / median[den]
            ok = value <= limit if op == "<=" else value >= limit
            out[name] = {"ratio": round(value, 3), "target": f"{op} {limit}×", "pass": ok, "issue": issue}
    return out


ROWS = [
    ("B0", "B0  COPY, no index"),
    ("B1", "B1  COPY, prod. indexes"),
    ("D0", "D0  Django bulk_create"),
    ("R0", "R0  one-statement rating"),
    ("Q0", "Q0  one aggregate query"),
    ("import", "our import (import_calls)"),
    ("rating", "our rating (calls_rate)"),
    ("end to end", "end to end (import+rating)"),
    ("re-rating", "re-rating after correction"),
    ("report", "monthly report (build+data)"),
    ("PDF", "PDF rendering"),
]


def render(result: dict) -> str:
    n = result["config"]["n"]
    env = result["environment"]
    out = [
        f"make bench — {n:,} calls ({result['file_bytes'] / 1e6:.1f} MB Master.csv), "
        f"{result['config']['prefixes']:,} prefixes × 4 tariffs, median of {result['config']['runs']} runs "
        f"{'after a warm-up' if result['config']['warmup'] else 'WITHOUT a warm-up'}; "
        f"{env['cpu_count']} CPUs, load {env['load_average'][0]:.1f}, "
        f"PostgreSQL {env['postgresql']}",
        "gates: " + "; ".join(f"{k} ✓ {v}" for k, v in result["gates"].items()),
        "",
        f"{'':30s} {'median':>9s}  {'runs':<26s} {'calls/s':>10s} {'peak RSS (growth)':>18s} "
        f"{'CPU client+PG':>14s}",
    ]
    for key, label in ROWS:
        if key not in result["median_s"]:
            continue
        med = result["median_s"][key]
        runs = " ".join(_secs(s) for s in result["times"][key])
        rate = f"{n / med:,.0f}" if key not in ("Q0", "report", "PDF") and med > 0 else ""
        mem = f"{max(result['memory_mb'][key]):.0f} MB (+{max(result['memory_growth_mb'][key]):.0f})"
        client, server = _median_cpu(result["cpu_s"][key])
        cpus = f"{client:.2f}+{server:.2f} s" if server is not None else f"{client:.2f}+? s"
        out.append(f"{label:30s} {_secs(med):>9s}  {runs:<26s} {rate:>10s} {mem:>18s} {cpus:>14s}")
    per_core = result["per_core"]
    out.append(
        "per core (calls per CPU-second, client + PostgreSQL): "
        + ", ".join(f"{k} {v:,.0f}" for k, v in per_core.items() if v)
    )
    out += ["", f"{'ratio (issue)':30s} {'measured':>9s}  {'target':<8s}"]
    for name, r in result["ratios"].items():
        mark = "PASS" if r["pass"] else "FAIL"
        out.append(f"{name + ' (' + r['issue'] + ')':30s} {r['ratio']:>8.2f}×  {r['target']:<8s} {mark}")
    out.append(f"{'report < 1 s at 10 M calls (#5)':30s} {'see docs/bench.md (bench/report_10m.py)':>9s}")
    scanner = result.get("scanner")
    if scanner:
        out.append("")
        for lang, part in scanner.items():
            if "error" in part:
                out.append(f"scanner {lang}: {part['error']}")
                continue
            m = part["micro"]
            out.append(
                f"scanner {lang} ({part['split']} split, {part['records']} records): "
                f"micro P {m['precision']:.3f} R {m['recall']:.3f} F1 {m['f1']:.3f}; per code P/R/F1:"
            )
            cells = [
                f"{code[:22]:22s} {c['precision']:.2f}/{c['recall']:.2f}/{c['f1']:.2f}"
                for code, c in sorted(part["per_code"].items())
            ]
            for i in range(0, len(cells), 3):
                out.append("  " + "   ".join(cells[i : i + 3]))
    out.append(f"memory: {result['memory_method']}; JSON: {result.get('json_path', '')}")
    return "\n".join(out)


def _median_cpu(runs: list[list]) -> tuple[float, float | None]:
    client = statistics.median(r[0] for r in runs)
    servers = [r[1] for r in runs if r[1] is not None]
    return client, statistics.median(servers) if len(servers) == len(runs) else None


def per_core(result: dict) -> dict[str, float | None]:
    """Calls per CPU-second (our process + its PostgreSQL backend): what one more core buys."""
    out = {}
    for key in ("B1", "D0", "import", "rating", "end to end", "re-rating"):
        if key in result["cpu_s"]:
            client, server = _median_cpu(result["cpu_s"][key])
            spent = None if server is None else client + server
            out[key] = round(result["config"]["n"] / spent) if spent else None
    return out


def _secs(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def main() -> int:
    n = env_int("BENCH_N", 1_000_000)
    runs = env_int("BENCH_RUNS", 3)
    prefixes = env_int("BENCH_PREFIXES", 5_000)
    seed = env_int("BENCH_SEED", 20261126)
    if n < 100 or runs < 1:
        sys.exit("BENCH_N must be at least 100 and BENCH_RUNS at least 1")
    url, drop = open_database()
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("CONN_MAX_AGE", "0")
    import django

    django.setup()
    from django.db import connection

    from bench.measure import memory_method

    # The code under test loaded once, before any child is forked, as a web or Celery process has it loaded:
    # a child then measures the operation, not compiling and importing its modules (PYTHONDONTWRITEBYTECODE
    # makes every fresh import compile from source). The PDF library stays out: it loads on first PDF.
    preload = ("apps.billing.services", "apps.calls.services", "apps.calls.management.commands.import_calls")
    for module in preload:
        importlib.import_module(module)

    if connection.vendor != "postgresql":
        sys.exit("the bench measures PostgreSQL")
    log(f"database: {url}{'' if drop else ' (BENCH_DATABASE_URL)'}")
    code = 0
    try:
        with tempfile.TemporaryDirectory(prefix="tp-bench-") as tmp:
            warmup = os.environ.get("BENCH_WARMUP", "1") != "0"
            config = {"n": n, "runs": runs, "prefixes": prefixes, "seed": seed, "warmup": warmup}
            result = {"config": config}
            result["started_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            try:
                result.update(bench(n, runs, prefixes, seed, Path(tmp)))
            except GateFailed as exc:
                print(f"GATE FAILED — no speed figures: {exc}")
                return 1
            result["environment"] = environment()
            result["median_s"] = {k: statistics.median(v) for k, v in result["times"].items()}
            result["ratios"] = ratios(result["median_s"])
            result["per_core"] = per_core(result)
            result["memory_method"] = memory_method()
            if os.environ.get("BENCH_SCANNER", "1") != "0":
                result["scanner"] = scanner_quality()
            out_dir = Path(os.environ.get("BENCH_OUT") or ROOT / "bench" / "results")
            out_dir.mkdir(parents=True, exist_ok=True)
            stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
            json_path = out_dir / f"{stamp}-n{n}.json"
            result["json_path"] = str(json_path)
            json_path.write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
            print(render(result))
    finally:
        if drop is not None and os.environ.get("BENCH_KEEP_DB") != "1":
            drop()
    return code


if __name__ == "__main__":
    sys.exit(main())
