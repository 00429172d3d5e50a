"""How long reconciling one operator invoice takes, with a per-call statement of N calls.

    createdb -h 127.0.0.1 -U postgres tp_invoice_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tp_invoice_bench \
        .venv/bin/python bench/invoice_bench.py --calls 20000

Needs its own database (it is migrated and its call, billing and contract tables are emptied). Synthetic,
seeded: one Moscow trunk under one signed contract (60/60 tariff, 4 prefixes), 40 numbers of ours, N
answered outbound calls in March 2026, rated by the rating engine; the operator's statement lists the same
calls 10 s later with the same costs, plus 1 % of calls we do not have. Correctness gate: every call of
ours is matched one to one and only the extra calls are unmatched (else exit 1).
"""

from __future__ import annotations

import argparse
import datetime as dt
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

from django.core.management import call_command  # noqa: E402

from apps.billing.invoices import services as inv  # noqa: E402
from apps.billing.invoices.reconciliation import reconcile  # noqa: E402
from apps.billing.models import ChargeAllocation, Invoice, InvoiceLine, RatedCall, RatingRun  # noqa: E402
from apps.billing.rating import Month  # noqa: E402
from apps.billing.services import calls_rate  # noqa: E402
from apps.calls.models import CallRecord, Source  # noqa: E402
from apps.company.models import City, Department  # noqa: E402
from apps.contracts.models import Contract, ContractLine, ContractParty, Rate, Tariff  # noqa: E402
from apps.telecom.models import Line, NumberAssignment, PhoneNumber, Provider  # noqa: E402

MONTH = Month(2026, 3)


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def reset() -> None:
    for model in (InvoiceLine, Invoice, RatedCall, RatingRun, ChargeAllocation, CallRecord, Source):
        model.objects.all().delete()
    for model in (Rate, Tariff, ContractLine, ContractParty, Contract, NumberAssignment, PhoneNumber, Line):
        model.objects.all().delete()
    for model in (Department, City, Provider):
        model.objects.all().delete()


def world(rng: random.Random, n: int):
    city = City.objects.create(name="Москва", timezone="Europe/Moscow", area_code="495")
    operator = Provider.objects.create(name="Bench operator", kind=Provider.Kind.OPERATOR)
    dept = Department.objects.create(code="D01", name="Салон", city=city)
    numbers = []
    for i in range(40):
        number = PhoneNumber.objects.create(number=f"+7495{3000000 + i:07d}", city=city, carrier=operator)
        NumberAssignment.objects.create(number=number, department=dept, valid_from=dt.date(2025, 1, 1))
        numbers.append(number)
    line = Line.objects.create(name="bench trunk", provider=operator, city=city, trunk_id="trunk-bench")
    contract = Contract.objects.create(
        code="INV-BENCH",
        status=Contract.Status.SIGNED,
        signed_on=dt.date(2025, 1, 1),
        start_date=dt.date(2025, 1, 1),
        dispute_window_days=5,
    )
    ContractParty.objects.create(contract=contract, provider=operator, role=ContractParty.Role.OPERATOR)
    ContractLine.objects.create(contract=contract, line=line, valid_from=dt.date(2025, 1, 1))
    tariff = Tariff.objects.create(
        code="INV-BENCH-T", contract=contract, name="bench", increment="60/60", valid_from=dt.date(2025, 1, 1)
    )
    for prefix, price in [("7", "2.00"), ("79", "1.20"), ("7495", "0.80"), ("7499", "0.80")]:
        Rate.objects.create(
            tariff=tariff, prefix=prefix, destination=f"dest {prefix}", price_per_minute=Decimal(price)
        )
    source = Source.objects.create(slug="inv-bench", connector="asterisk_csv")
    start = dt.datetime(2026, 3, 1, 6, 0, tzinfo=dt.UTC)
    calls = []
    for i in range(n):
        began = start + dt.timedelta(seconds=i * (29 * 24 * 3600 // n))
        billsec = rng.randint(5, 600)
        calls.append(
            CallRecord(
                source=source,
                external_id=f"b{i}",
                started_at=began,
                answered_at=began,
                ended_at=began + dt.timedelta(seconds=billsec),
                duration=billsec,
                billsec=billsec,
                direction=CallRecord.Direction.OUT,
                disposition=CallRecord.Disposition.ANSWERED,
                caller=numbers[i % 40].number,
                callee=rng.choice(["+7916", "+7495", "+7843", "+7499"]) + f"{rng.randint(0, 9999999):07d}",
                our_number=numbers[i % 40],
                line=line,
                department=dept,
            )
        )
    CallRecord.objects.bulk_create(calls, batch_size=5000)
    calls_rate(month=MONTH)
    return contract


def statement(rng: random.Random, contract: Contract) -> tuple[Invoice, int]:
    lines = []
    for rated in RatedCall.objects.filter(contract=contract, period=MONTH.first_day).select_related(
        "call__our_number"
    ):
        lines.append(
            InvoiceLine(
                kind=InvoiceLine.Kind.CALL,
                number=rated.call.our_number.number,
                started_at=rated.started_at + dt.timedelta(seconds=10),
                callee=rated.call.callee,
                duration=rated.call.billsec,
                amount=rated.cost,
            )
        )
    extra = max(1, len(lines) // 100)
    for i in range(extra):
        began = dt.datetime(2026, 3, 30, 8, 0, tzinfo=dt.UTC) + dt.timedelta(minutes=i)
        lines.append(
            InvoiceLine(
                kind=InvoiceLine.Kind.CALL,
                number="+74953000000",
                started_at=began,
                callee="+79990000000",
                duration=60,
                amount=Decimal("1.20"),
            )
        )
    invoice = inv.invoice_create(
        contract=contract,
        number=f"B-{rng.randint(0, 10**9)}",
        issue_date=dt.date(2026, 4, 1),
        received_date=dt.date(2026, 4, 2),
        month=MONTH,
        lines=lines,
    )
    return invoice, extra


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(7)
    call_command("migrate", verbosity=0)
    reset()
    log(f"building {args.calls} rated calls …")
    contract = world(rng, args.calls)
    invoice, extra = statement(rng, contract)
    times = []
    if os.environ.get("PROFILE"):
        import cProfile

        cProfile.runctx("reconcile(invoice)", globals(), locals(), sort="cumtime")
    for _ in range(args.runs):
        began = time.perf_counter()
        result = reconcile(invoice)
        times.append(time.perf_counter() - began)
    ours = RatedCall.objects.filter(contract=contract).count()
    ok = (
        len(result.calls.matched) == ours
        and len(result.calls.theirs_only) == extra
        and not result.calls.ours_only
    )
    median = statistics.median(times)
    print(
        f"calls={ours} statement_lines={ours + extra} reconcile_median={median:.2f}s "
        f"per_1000_calls={median / ours * 1000:.3f}s matched={len(result.calls.matched)} "
        f"unmatched_theirs={len(result.calls.theirs_only)} gate={'ok' if ok else 'FAILED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
