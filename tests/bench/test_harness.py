"""Smoke run of `make bench` (BENCH_N=2000, one run after the warm-up) so the harness stays alive.

Not a speed test: nothing here looks at a timing. It checks that the harness runs end to end on a
throwaway PostgreSQL database, that its gates pass on our code, that a wrong kopeck stops it without
speed figures, and that it drops the database it created.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def postgres_server():
    if connection.vendor != "postgresql":
        pytest.skip("the bench measures PostgreSQL; nothing to smoke-test on SQLite")
    url = os.environ["DATABASE_URL"]
    return url.rsplit("/", 1)[0]


def run_bench(tmp_path: Path, **extra: str) -> tuple[subprocess.CompletedProcess, str]:
    env = {
        **os.environ,
        "BENCH_N": "2000",
        "BENCH_RUNS": "1",
        "BENCH_PREFIXES": "500",
        "BENCH_SCANNER": "0",
        "BENCH_PDF": "0",
        "BENCH_OUT": str(tmp_path),
        **extra,
    }
    env.pop("BENCH_DATABASE_URL", None)
    env.pop("BENCH_KEEP_DB", None)
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    database = re.search(r"database: \S+/(tp_bench_run_\d+)", proc.stderr)
    assert database, proc.stderr[-3000:]
    return proc, database[1]


def database_exists(server: str, name: str) -> bool:
    conn = psycopg2.connect(server + "/postgres")
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            return cursor.fetchone() is not None
    finally:
        conn.close()


@pytest.mark.postgres
def test_smoke_run_passes_its_gates_and_records_the_figures(postgres_server, tmp_path):
    proc, database = run_bench(tmp_path)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    out = proc.stdout
    assert "GATE FAILED" not in out
    assert re.search(r"counts ✓ read (\d+) = inserted 2000 \+ duplicates \d+ \+ rejected \d+", out)
    assert "oracle (rating) ✓ 2000 calls equal" in out
    assert "oracle (re-rating) ✓ 2000 calls equal" in out
    for label in (
        "B0  COPY",
        "B1  COPY",
        "D0  Django",
        "R0  one-statement",
        "Q0  one aggregate",
        "our import",
    ):
        assert label in out
    for ratio in ("import / B1", "D0 / import", "end to end / B1", "rating / R0", "re-rating / rating"):
        assert re.search(re.escape(ratio) + r" \(#\d\) +\d+\.\d\d×  [<>]= [\d.]+×  (PASS|FAIL)", out), ratio

    [result_file] = tmp_path.glob("*-n2000.json")
    result = json.loads(result_file.read_text())
    assert result["expected"]["valid"] == 2000
    assert result["details"]["import"]["inserted"] == 2000
    assert result["details"]["re-rating"]["changed"] > 0
    assert result["environment"]["cpu_count"] >= 1
    assert "shared_buffers" in result["environment"]["postgresql_settings"]
    assert "Django" in result["environment"]["versions"]
    for key in ("B0", "B1", "D0", "R0", "Q0", "import", "rating", "end to end", "re-rating", "report"):
        assert len(result["times"][key]) == 1 and result["memory_mb"][key][0] > 0
    assert not database_exists(postgres_server, database)


@pytest.mark.postgres
def test_a_cost_off_by_a_kopeck_fails_the_oracle_gate_with_no_speed_figures(postgres_server, tmp_path):
    proc, database = run_bench(tmp_path, BENCH_SABOTAGE="oracle")
    assert proc.returncode == 1
    assert "GATE FAILED — no speed figures" in proc.stdout
    assert "1 rows only ours, 1 only R0" in proc.stdout
    assert "median" not in proc.stdout and "calls/s" not in proc.stdout
    assert not list(tmp_path.glob("*.json"))
    assert not database_exists(postgres_server, database)


def test_scanner_section_gives_per_code_precision_recall_and_f1_on_the_test_split():
    from bench.run import scanner_quality

    result = scanner_quality()
    russian = result["russian"]  # the Russian gold set ships with the app; the English one may be absent
    assert russian["split"] == "test" and russian["records"] > 0
    assert russian["per_code"], russian
    for code, figures in russian["per_code"].items():
        assert set(figures) == {"support", "precision", "recall", "f1"}, code
        assert 0 <= figures["f1"] <= 1
    assert "english" in result
