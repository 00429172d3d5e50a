"""Benchmark of the rating engine and the monthly report, as ratios against same-run SQL baselines.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tp_billing_bench \
        .venv/bin/python bench/billing_bench.py --calls 1000000 --prefixes 5000 --runs 3

Needs its own PostgreSQL database (it is migrated, and its call and billing tables are emptied).
Data is synthetic and seeded: 20 departments, 400 numbers of ours, one trunk under one contract whose
tariff has N prefixes of 1–8 digits (30/6 increment, 3 free seconds, some connection fees); calls in
March 2026, 68 % Russian, 31.5 % international, 0.5 % garbage, 20 % unanswered.

Baselines measured in the same run (performance-anchors.md §5):
- R0: the reference rating, one SQL statement (every prefix of the number hash-joined to the tariff,
  longest wins, billed seconds, cost rounded half-up to the kopeck, department) into an unlogged table.
  It is also the correctness oracle: our stored costs must equal it call by call.
- Q0: one aggregate query (a month's rated calls grouped by department).
Ours: T_rate (first rating of the month), T_rerate (after 10 % of the prices change), T_report
(`cost_report_build` + `cost_report_data`).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "telephony_portal.settings")

import django

django.setup()

import datetime as dt  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from apps.billing import services  # noqa: E402
from apps.billing.models import ChargeAllocation, CostReport, RatedCall, RatingRun  # noqa: E402
from apps.billing.rating import Month  # noqa: E402
from apps.calls.models import CallRecord, Source  # noqa: E402
from apps.company.models import City, Department  # noqa: E402
from apps.contracts.models import Contract, ContractLine, Rate, Tariff  # noqa: E402
from apps.telecom.models import Line, NumberAssignment, PhoneNumber, Provider  # noqa: E402
from bench.measure import backend_cpu  # noqa: E402

MONTH = Month(2026, 3)
FIRST, STEP, FREE = 30, 6, 3


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def reset() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE billing_ratedcall, billing_ratingrun, billing_chargeallocation, "
            "billing_costreportline, billing_costreport, billing_budget, calls_callrecord, "
            "calls_quarantinedrow, calls_importrun, calls_source, contracts_rate, contracts_tariff, "
            "contracts_contractline, contracts_contractnumber, contracts_recurringcharge, "
            "contracts_contractparty, contracts_contractdocument, contracts_contract CASCADE"
        )
        cursor.execute("DROP TABLE IF EXISTS bench_ref")
    NumberAssignment.objects.all().delete()
    PhoneNumber.objects.all().delete()
    Line.objects.all().delete()
    Department.objects.all().delete()
    City.objects.all().delete()
    Provider.objects.all().delete()


def make_world(rng: random.Random, prefixes: int):
    city = City.objects.create(name="Москва", timezone="Europe/Moscow", area_code="495")
    operator = Provider.objects.create(name="Bench operator", kind=Provider.Kind.OPERATOR)
    departments = [
        Department.objects.create(code=f"D{i:02d}", name=f"Салон {i}", city=city) for i in range(20)
    ]
    numbers = []
    for i in range(400):
        number = PhoneNumber.objects.create(number=f"+7495{2000000 + i:07d}", city=city, carrier=operator)
        NumberAssignment.objects.create(
            number=number, department=departments[i % 20], valid_from=dt.date(2025, 1, 1)
        )
        numbers.append(number)
    line = Line.objects.create(name="bench trunk", provider=operator, city=city, trunk_id="trunk-bench")
    contract = Contract.objects.create(
        code="BENCH",
        status=Contract.Status.SIGNED,
        signed_on=dt.date(2025, 1, 1),
        start_date=dt.date(2025, 1, 1),
    )
    ContractLine.objects.create(contract=contract, line=line, valid_from=dt.date(2025, 1, 1))
    tariff = Tariff.objects.create(
        code="BENCH-T",
        contract=contract,
        name="bench",
        increment=f"{FIRST}/{STEP}",
        free_seconds=FREE,
        valid_from=dt.date(2025, 1, 1),
    )
    chosen = {"7", "79", "7495", "7499", "7812", "7843"}
    heads = ["7", "1", "44", "49", "33", "39", "86", "90", "375", "380", "998", "996", "992", "374", "995"]
    while len(chosen) < prefixes:
        head = rng.choice(heads)
        chosen.add(head + "".join(rng.choice("0123456789") for _ in range(rng.randint(0, 8 - len(head)))))
    Rate.objects.bulk_create(
        [
            Rate(
                tariff=tariff,
                prefix=p,
                destination=f"dest {p}",
                price_per_minute=Decimal(rng.randint(10, 3000)) / 100,
                connection_fee=Decimal(rng.choice([0, 0, 0, 25, 50])) / 100,
            )
            for p in sorted(chosen)
        ]
    )
    return departments, numbers, line, tariff, sorted(chosen)


def make_calls(rng: random.Random, n: int, numbers, line, prefix_list) -> None:
    source = Source.objects.create(slug="bench", connector="asterisk_csv")
    start = dt.datetime(2026, 2, 28, 21, 0, tzinfo=dt.UTC)
    span = 31 * 24 * 3600 - 1
    intl = [p for p in prefix_list if not p.startswith("7")]
    buffer = io.StringIO()
    dept_of = {n.pk: (i % 20) for i, n in enumerate(numbers)}
    dept_ids = list(Department.objects.order_by("code").values_list("pk", flat=True))
    for i in range(n):
        number = numbers[rng.randrange(len(numbers))]
        roll = rng.random()
        if roll < 0.68:
            code = rng.choice(["495", "499", "812", "843", f"9{rng.randint(10, 99)}"])
            callee = f"7{code}{rng.randint(0, 9999999):07d}"
        elif roll < 0.995:
            head = rng.choice(intl)
            callee = "+" + head + "".join(rng.choice("0123456789") for _ in range(max(0, 11 - len(head))))
        else:
            callee = "x" + str(rng.randint(0, 999))
        answered = rng.random() >= 0.2
        billsec = min(7200, int(rng.lognormvariate(4.3, 1.0))) if answered else 0
        started = start + dt.timedelta(seconds=rng.randint(0, span))
        ended = started + dt.timedelta(seconds=billsec + 5)
        buffer.write(
            "\t".join(
                [
                    str(source.pk),
                    f"b{i}",
                    "",
                    started.isoformat(),
                    "\\N",
                    ended.isoformat(),
                    str(billsec + 5),
                    str(billsec),
                    "out",
                    number.number,
                    callee,
                    str(number.pk),
                    "",
                    str(line.pk),
                    "trunk-bench",
                    "answered" if answered else "no_answer",
                    "",
                    "\\N",
                    "",
                    str(dept_ids[dept_of[number.pk]]),
                    "\\N",
                    "{}",
                ]
            )
            + "\n"
        )
    buffer.seek(0)
    columns = (
        "source_id, external_id, call_group_id, started_at, answered_at, ended_at, duration, billsec, "
        "direction, caller, callee, our_number_id, extension, line_id, trunk, disposition, raw_disposition, "
        "provider_cost, currency, department_id, run_id, raw"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY calls_callrecord ({columns}) FROM STDIN", buffer)
        cursor.execute("ANALYZE calls_callrecord")


REFERENCE_SQL = """
CREATE UNLOGGED TABLE bench_ref AS
WITH calls AS (
    SELECT c.id, c.billsec, c.department_id,
           CASE WHEN c.callee LIKE '+%%' THEN regexp_replace(c.callee, '[^0-9]', '', 'g')
                WHEN c.callee ~ '^7[0-9]{10}$' THEN c.callee END AS digits
    FROM calls_callrecord c
    WHERE c.started_at >= %(start)s AND c.started_at < %(end)s
      AND c.direction = 'out' AND c.disposition = 'answered'
), probes AS (
    SELECT DISTINCT ON (calls.id) calls.id, calls.billsec, calls.department_id, r.prefix,
           r.price_per_minute, r.connection_fee
    FROM calls CROSS JOIN generate_series(1, 8) AS n
    JOIN contracts_rate r ON r.tariff_id = %(tariff)s AND r.prefix = left(calls.digits, n)
    WHERE calls.digits <> '' AND n <= length(calls.digits)
    ORDER BY calls.id, n DESC
), billed AS (
    SELECT id, department_id, prefix, price_per_minute, connection_fee,
           CASE WHEN billsec <= %(free)s THEN 0
                WHEN billsec <= %(first)s THEN %(first)s
                ELSE %(first)s + ceil((billsec - %(first)s)::numeric / %(step)s)::int * %(step)s END AS billed
    FROM probes
)
SELECT id, prefix, billed, department_id,
       CASE WHEN billed = 0 THEN 0.00
            ELSE round(connection_fee + price_per_minute * billed / 60, 2) END AS cost
FROM billed
"""


_CPU: dict[str, list[float]] = {"R0": [], "T_rate": [], "T_rerate": []}


def timed(fn, cpu_key: str | None = None):
    c0 = backend_cpu()
    t0 = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - t0
    c1 = backend_cpu()
    if cpu_key and c0 is not None and c1 is not None:
        _CPU[cpu_key].append(c1 - c0)
    return elapsed, result


def reference(tariff) -> float:
    start, end = MONTH.utc_bounds("Europe/Moscow")
    params = {"start": start, "end": end, "tariff": tariff.pk, "free": FREE, "first": FIRST, "step": STEP}
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_ref")
        cursor.execute("CHECKPOINT")

    def run():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(REFERENCE_SQL, params)

    return timed(run, "R0")[0]


def oracle_mismatches() -> tuple[int, int]:
    mine = (
        "SELECT call_id, prefix, billed_seconds, department_id, cost FROM billing_ratedcall "
        "WHERE status IN ('rated', 'free')"
    )
    ref = "SELECT id, prefix, billed, department_id, cost FROM bench_ref"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM (({mine}) EXCEPT ({ref})) x")
        a = cursor.fetchone()[0]
        cursor.execute(f"SELECT count(*) FROM (({ref}) EXCEPT ({mine})) x")
        b = cursor.fetchone()[0]
    return a, b


def q0() -> float:
    with connection.cursor() as cursor:
        t0 = time.perf_counter()
        cursor.execute(
            "SELECT department_id, call_type, status, vat_rate, count(*), sum(cost), sum(billed_seconds) "
            "FROM billing_ratedcall WHERE period = %s GROUP BY 1, 2, 3, 4",
            [MONTH.first_day],
        )
        cursor.fetchall()
        return time.perf_counter() - t0


def clear_ratings() -> None:
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE billing_ratedcall, billing_ratingrun CASCADE")
        cursor.execute("CHECKPOINT")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--prefixes", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", default="var/billing_bench.json")
    parser.add_argument("--reuse", action="store_true", help="keep the world and calls of the previous run")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("the benchmark needs PostgreSQL: set DATABASE_URL to a database of its own")
    call_command("migrate", verbosity=0)
    rng = random.Random(20260325)
    if args.reuse and Tariff.objects.filter(code="BENCH-T").exists():
        # The world and calls of a previous run with the same seed (setting up 1M calls takes minutes).
        tariff = Tariff.objects.get(code="BENCH-T")
        prefixes = list(tariff.rates.values_list("prefix", flat=True))
        departments = list(Department.objects.all())
        log(f"reusing {Source.objects.get(slug='bench').calls.count()} calls, {len(prefixes)} prefixes")
    else:
        log("setting up…")
        reset()
        departments, numbers, line, tariff, prefixes = make_world(rng, args.prefixes)
        make_calls(rng, args.calls, numbers, line, prefixes)
        log(f"{args.calls} calls, {len(prefixes)} prefixes")

    results: dict[str, list[float]] = {"R0": [], "T_rate": [], "T_rerate": [], "Q0": [], "T_report": []}
    mismatches = []
    for run in range(args.runs + 1):  # the first run warms caches and is not counted
        keep = run > 0
        ref = reference(tariff)
        clear_ratings()
        rate, _ = timed(lambda: services.calls_rate(month=MONTH), "T_rate")
        mismatches.append(oracle_mismatches())
        # a tariff correction: 10 % of the prices change, then the month is re-rated
        changed = list(Rate.objects.filter(tariff=tariff).order_by("prefix").values_list("pk", flat=True))[
            ::10
        ]
        Rate.objects.filter(pk__in=changed).update(price_per_minute=models_f_price(run))
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
        rerate, rerun = timed(lambda: services.calls_rate(month=MONTH), "T_rerate")
        q = q0()
        report, _ = timed(lambda: services.cost_report_data(services.cost_report_build(month=MONTH)))
        if keep:
            for key, value in zip(results, (ref, rate, rerate, q, report), strict=True):
                results[key].append(value)
        else:
            for values in _CPU.values():
                values.clear()
        log(
            f"run {run}{'' if keep else ' (warm-up)'}: R0 {ref:.2f}s rate {rate:.2f}s rerate {rerate:.2f}s "
            f"({rerun.changed} changed) Q0 {q * 1000:.0f}ms report {report * 1000:.0f}ms"
        )
    median = {k: statistics.median(v) for k, v in results.items()}
    summary = {
        "calls": CallRecord.objects.count(),
        "prefixes": len(prefixes),
        "rated_rows": RatedCall.objects.count(),
        "oracle_mismatches": mismatches,
        "runs": results,
        "median_s": median,
        "ratios": {
            "T_rate/R0": median["T_rate"] / median["R0"],
            "T_rerate/T_rate": median["T_rerate"] / median["T_rate"],
            "T_report/Q0": median["T_report"] / median["Q0"],
        },
        "backend_cpu_s": _CPU,
        "backend_cpu_ratios": (
            {
                "T_rate/R0": statistics.median(_CPU["T_rate"]) / statistics.median(_CPU["R0"]),
                "T_rerate/T_rate": statistics.median(_CPU["T_rerate"]) / statistics.median(_CPU["T_rate"]),
            }
            if all(_CPU.values())
            else None
        ),
        "load_average": os.getloadavg(),
        "postgres": connection.cursor().connection.server_version,
        "cpu_count": os.cpu_count(),
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))
    if any(a or b for a, b in mismatches):
        sys.exit("our ratings differ from the reference SQL rating")
    _ = (departments, ChargeAllocation, CostReport, RatingRun)


def models_f_price(run: int):
    from django.db.models import F

    return F("price_per_minute") + Decimal("0.01") * (1 if run % 2 == 0 else -1)


if __name__ == "__main__":
    main()
