"""Benchmark: import (and re-import) a generated inventory workbook of N numbers with assignments.

    DATABASE_URL=sqlite:////tmp/bench_workbook.sqlite3 .venv/bin/python manage.py migrate -v0
    DATABASE_URL=sqlite:////tmp/bench_workbook.sqlite3 .venv/bin/python benchmarks/workbook_import.py 2000

Prints wall time and peak memory of the first import, the re-import (0 created) and a dry run.
Not a test: speed is measured here, never asserted.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "telephony_portal.settings")

import django

django.setup()

from apps.core.workbook import workbook_import  # noqa: E402


def write(folder: Path, name: str, header: str, rows: list[str]) -> None:
    (folder / f"{name}.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")


def generate(folder: Path, n: int) -> None:
    write(folder, "cities", "name,timezone,area_code", ["Казань,Europe/Moscow,843"])
    write(folder, "departments", "code,name,city", [f"KZN-{i:03d},Салон {i},Казань" for i in range(20)])
    write(folder, "providers", "name,kind", ["Таттелеком,operator", "ОблакоАТС,pbx_provider"])
    write(
        folder,
        "numbers",
        "number,kind,city,carrier,intermediary,monthly_fee,status",
        [f"8 (843) 2{i:06d},geographic,Казань,Таттелеком,ОблакоАТС,450.00,active" for i in range(n)],
    )
    write(
        folder,
        "number_assignments",
        "number,department,valid_from,valid_to",
        [f"+78432{i:06d},KZN-{i % 20:03d},2025-01-01," for i in range(n)],
    )


def run(label: str, path: Path, dry_run: bool = False) -> None:
    start = time.perf_counter()
    result = workbook_import(path=path, dry_run=dry_run)
    took = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{label:10s} {took:7.2f} s  created={result.created} updated={result.updated} "
        f"unchanged={result.unchanged} errors={len(result.errors)}  peak RSS {peak:.0f} MiB"
    )


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        generate(folder, n)
        run("dry run", folder, dry_run=True)
        run("import", folder)
        run("re-import", folder)
