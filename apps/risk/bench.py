"""Speed of the review scan on a long contract (a benchmark, not a test; nothing is kept).

    .venv/bin/python manage.py shell -c "from apps.risk.bench import run; run()"

Builds a 40-fold copy of the demo offer (≈ 76,000 characters, 440 numbered clauses), times the pure
scanner, then `document_scan` (scan + storing findings + terms feed) and a rescan of the same text, in a
transaction that is rolled back.
"""

from __future__ import annotations

import datetime as dt
import re
import time

from django.db import transaction

from apps.contracts.models import Contract
from apps.contracts.services import contract_document_add

from .demo import OFFER_TEXT
from .rules import scan
from .services import document_scan

COPIES = 40


def long_offer(copies: int = COPIES) -> str:
    base = OFFER_TEXT.format(operator="Волга-Связь")
    parts = [
        re.sub(r"^(\d+)\.(\d+)\.", lambda m, i=i: f"{int(m[1]) + 10 * i}.{m[2]}.", base, flags=re.M)
        for i in range(1, copies + 1)
    ]
    return "\n".join(parts)


def run(stdout=print) -> dict:
    text = long_offer()
    started = time.perf_counter()
    findings = scan(text)
    pure = time.perf_counter() - started
    with transaction.atomic():
        contract = Contract.objects.create(code="BENCH-RISK-SCAN", start_date=dt.date(2026, 1, 1))
        document = contract_document_add(contract=contract, data=text.encode("utf-8"), filename="bench.txt")
        started = time.perf_counter()
        stored = document_scan(document=document)
        full = time.perf_counter() - started
        started = time.perf_counter()
        document_scan(document=document)
        again = time.perf_counter() - started
        transaction.set_rollback(True)
    result = {
        "chars": len(text),
        "findings": len(findings),
        "stored": stored.finding_count,
        "scan_s": round(pure, 3),
        "document_scan_s": round(full, 3),
        "rescan_s": round(again, 4),
    }
    stdout(result)
    return result
