"""Quick throughput figure for the calls ingest (run by hand while working on it; `make bench`,
bench/run.py, measures the same import through `import_calls` together with everything else).

    createdb -h 127.0.0.1 -U postgres tp_calls_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/tp_calls_bench
    .venv/bin/python bench/calls_ingest.py --rows 100000

Generates a Master.csv (18 columns, seeded), then times on the same PostgreSQL, in the same process:
  B0  bare COPY of the file into an unindexed table of its columns;
  B1  bare COPY of the file into a table with as many indexes as calls_callrecord (PK, unique key,
      two composite, two single-column);
  T   our import end to end: parse, validate, dedupe, attribute, streamed COPY into the real, indexed
      calls_callrecord (services.run_process, as `import_calls` runs it);
  D   the same rows parsed by our connector and stored with Django bulk_create(batch_size=1000).
Every step starts from empty tables (untimed) and a CHECKPOINT. Prints wall time, rows/s, this
process's CPU time (client: parsing, framing) and the PostgreSQL backend's CPU time (server, read from
/proc, so the database must run on this machine), the ratios T/B1, T/B0 and D/T, and peak RSS. On a
shared machine wall times swing with the load: compare ratios of runs made together, and look at the
CPU-bound estimate (T's larger side over B1's client + server), which the load disturbs much less.
`--steps B1,T` runs only some steps.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "telephony_portal.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from apps.calls import services  # noqa: E402
from apps.calls.models import CallRecord, Source  # noqa: E402
from apps.calls.store import COLUMNS  # noqa: E402
from bench.measure import backend_cpu  # noqa: E402

MASTER = (
    "accountcode text, src text, dst text, dcontext text, clid text, channel text, dstchannel text, "
    'lastapp text, lastdata text, start timestamp, answer timestamp, "end" timestamp, duration int, '
    "billsec int, disposition text, amaflags text, uniqueid text, userfield text"
)


def generate(path: Path, rows: int) -> None:
    rng = random.Random(20261125)
    with open(path, "w", encoding="utf-8") as out:
        for n in range(rows):
            start = 1_767_222_000 + n * 7  # from 2026-01-01, one call every 7 s
            ext = f"{rng.randrange(100, 160)}"
            customer = f"89{rng.randrange(10**9):09d}"
            answered = rng.random() > 0.15
            ring, talk = rng.randint(3, 25), (rng.randint(10, 600) if answered else 0)
            s = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(start))
            a = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(start + ring)) if answered else ""
            e = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(start + ring + talk))
            if rng.random() < 0.6:
                fields = [
                    "",
                    customer,
                    "78432000001",
                    "from-trunk",
                    f'"""Клиент"" <{customer}>"',
                    f"PJSIP/trunk-kzn-{n:08x}",
                    f"PJSIP/{ext}-{n:08x}",
                    "Dial",
                    f"PJSIP/{ext},30",
                ]
            else:
                fields = [
                    "sales",
                    ext,
                    customer,
                    "from-internal",
                    f'"""Салон"" <{ext}>"',
                    f"PJSIP/{ext}-{n:08x}",
                    f"PJSIP/trunk-kzn-{n:08x}",
                    "Dial",
                    f"PJSIP/{customer}@trunk-kzn,60",
                ]
            quoted = [f if f.startswith('"""') else f'"{f}"' for f in fields]
            quoted += [
                f'"{s}"',
                f'"{a}"' if a else "",
                f'"{e}"',
                str(ring + talk),
                str(talk),
                '"ANSWERED"' if answered else '"NO ANSWER"',
                '"DOCUMENTATION"',
                f'"{start}.{n}"',
                '""',
            ]
            out.write(",".join(quoted) + "\n")


def reset() -> None:
    """Empty tables before each step (not timed): the calls tables and the baseline tables."""
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE calls_callrecord, calls_quarantinedrow, bench_b0, bench_b1 RESTART IDENTITY")
        cursor.execute("DELETE FROM calls_importrun")


def timed(label, fn, results):
    reset()
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")
    server = backend_cpu()
    begin, cpu = time.perf_counter(), time.process_time()
    fn()
    seconds = time.perf_counter() - begin
    results[label] = seconds
    results[label + " cpu"] = time.process_time() - cpu
    after = backend_cpu()
    results[label + " server"] = after - server if server is not None and after is not None else float("nan")
    return seconds


def copy_file(path: Path, table: str) -> None:
    with connection.cursor() as cursor, open(path, encoding="utf-8") as handle:
        cursor.cursor.copy_expert(f"COPY {table} FROM STDIN WITH (FORMAT csv)", handle)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--steps", default="B0,B1,T,D", help="which steps to run, e.g. B1,T")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("run on PostgreSQL: set DATABASE_URL")
    call_command("migrate", verbosity=0)
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "Master.csv"
        generate(path, args.rows)
        size = path.stat().st_size
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_b0, bench_b1")
            cursor.execute(f"CREATE TABLE bench_b0 ({MASTER})")
            cursor.execute(f"CREATE TABLE bench_b1 (id bigserial PRIMARY KEY, {MASTER})")
            cursor.execute("CREATE UNIQUE INDEX ON bench_b1 (accountcode, uniqueid)")
            cursor.execute("CREATE INDEX ON bench_b1 (dcontext, start)")
            cursor.execute("CREATE INDEX ON bench_b1 (dst, start)")
            cursor.execute("CREATE INDEX ON bench_b1 (dstchannel)")
            cursor.execute("CREATE INDEX ON bench_b1 (lastapp)")
        b1_columns = MASTER.replace(" text", "").replace(" timestamp", "").replace(" int", "")

        def b1():
            with connection.cursor() as cursor, open(path, encoding="utf-8") as handle:
                cursor.cursor.copy_expert(
                    f"COPY bench_b1 ({b1_columns}) FROM STDIN WITH (FORMAT csv)", handle
                )

        source, _ = Source.objects.get_or_create(slug="bench", defaults={"connector": "asterisk_csv"})
        source.settings = {"layout": ["loguniqueid", "loguserfield"]}
        source.save()

        def ours():
            with open(path, "rb") as handle:
                run, _ = services.run_create_for_file(source=source, stream=handle, name="bench", store=False)
            run = services.run_process(run_id=run.pk, path=path)
            assert run.inserted == args.rows and run.rejected == 0, (run.inserted, run.rejected, run.error)

        def django_bulk_create():
            connector = services.connector_for(source)
            attributor = services._attributor(source)
            batch = []
            with open(path, "rb") as handle:
                for row in connector.read_file(handle):
                    number = attributor.number_id(row.our_number)
                    batch.append(
                        CallRecord(
                            source=source,
                            external_id=row.external_id,
                            call_group_id=row.call_group_id,
                            started_at=row.started_at,
                            answered_at=row.answered_at,
                            ended_at=row.ended_at,
                            duration=row.duration,
                            billsec=row.billsec,
                            direction=row.direction,
                            caller=row.caller,
                            callee=row.callee,
                            our_number_id=number,
                            extension=row.extension,
                            line_id=attributor.line_id(row.trunk),
                            trunk=row.trunk,
                            disposition=row.disposition,
                            raw_disposition=row.raw_disposition,
                            department_id=attributor.department_id(row.started_at, row.extension, number),
                            raw=row.raw,
                        )
                    )
                    if len(batch) >= 1000:
                        CallRecord.objects.bulk_create(batch, ignore_conflicts=True)
                        batch = []
            CallRecord.objects.bulk_create(batch, ignore_conflicts=True)

        steps = [
            ("B0 COPY unindexed", lambda: copy_file(path, "bench_b0")),
            ("B1 COPY indexed", b1),
            ("T our import", ours),
            ("D bulk_create", django_bulk_create),
        ]
        for label, fn in steps:
            if label.split()[0] not in args.steps.split(","):
                continue
            seconds = timed(label, fn, results)
            cpu, server = results[label + " cpu"], results[label + " server"]
            print(
                f"{label:20s} {seconds:7.2f} s  {args.rows / seconds:10,.0f} rows/s  "
                f"(CPU: client {cpu:.2f} s, server {server:.2f} s)"
            )
        reset()
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE bench_b0, bench_b1")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"rows {args.rows:,}, file {size / 1e6:.1f} MB, columns stored {len(COLUMNS)}, peak RSS {rss:.0f} MB"
    )
    t = results.get("T our import")
    for name, key in (("T/B1", "B1 COPY indexed"), ("T/B0", "B0 COPY unindexed")):
        if t and key in results:
            print(f"{name} {t / results[key]:.2f}x", end="   ")
    if t and "D bulk_create" in results:
        print(f"D/T {results['D bulk_create'] / t:.2f}x (bulk_create is that much slower)", end="")
    print()
    # Wall times swing with the machine's load; CPU seconds much less. On an idle 2-core box the
    # import's wall time is about the larger of its client and server CPU (the two overlap).
    if t and "B1 COPY indexed" in results:
        ours = max(results["T our import cpu"], results["T our import server"])
        b1 = results["B1 COPY indexed cpu"] + results["B1 COPY indexed server"]
        print(
            f"CPU-bound estimate T/B1 {ours / b1:.2f}x (max(client, server) of T over client + server of B1)"
        )


if __name__ == "__main__":
    main()
