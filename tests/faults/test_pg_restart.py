"""A real PostgreSQL restart in the middle of a pull (issue 10): not connections cut on the shared
server (test_pull_faults.py), but a private cluster of the test's own (initdb, its own port) stopped with
`pg_ctl stop -m fast` while a real Celery worker is inside a page's batch transaction, left down for a few
seconds in which new connections are refused, and started again.

The worker and the setup commands run against the private cluster (DATABASE_URL); the test reads it
through psycopg2 only, so the shared server and the other xdist worker never notice.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time

import psycopg2
import pytest

from apps.calls import tasks

from .conftest import PAGE, ROOT, wait_for, zadarma_stats

pytestmark = [pytest.mark.redis, pytest.mark.slow, pytest.mark.postgres]

DOWN_SECONDS = 3  # how long the server stays stopped: new connections are refused meanwhile

CREATE_PULL = """
from apps.calls import services
from apps.calls.models import Source
source = Source(slug="zadarma-restart", connector="zadarma", url={url!r}, login={key!r})
source.timezone = "Europe/Moscow"
source.secret = {secret!r}
source.settings = {{"min_request_interval": 0, "first_pull_days": 2}}
source.save()
run = services.run_create_for_pull(source=source)
print("PULL", source.pk, run.pk)
"""


def _manage(database_url: str, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": database_url, "PORTAL_OUTBOUND_TEST_HOSTS": "127.0.0.1"}
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"manage.py {args[0]} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _one(raw, sql: str, *params):
    with raw.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchone()


def _refused(cluster) -> bool:
    try:
        cluster.connect().close()
    except psycopg2.OperationalError:
        return True
    return False


def test_a_real_postgresql_restart_in_the_middle_of_a_pull_is_retried_and_leaves_no_partial_batch(
    postgres_only, private_postgres, shared_redis, worker, send, vendor
):
    """Four pages (1000, 1000, 1000, 500), as in the connection-cut test: the restart lands while the
    worker is inside page 2's transaction. Page 2 must vanish whole, page 1 stay, the watermark not
    move; the retry must finish with every call exactly once and the watermark at the window end."""
    cluster = private_postgres
    admin = cluster.connect()
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("CREATE DATABASE portal")
    admin.close()
    database_url = cluster.url("portal")
    _manage(database_url, "migrate", "--no-input", "-v", "0")

    vendor.stats = zadarma_stats(3 * PAGE + 500, first=dt.datetime.now(dt.UTC) - dt.timedelta(hours=20))
    ids = sorted(item["id"] for item in vendor.stats)
    out = _manage(
        database_url, "shell", "-c", CREATE_PULL.format(url=vendor.url, key=vendor.key, secret=vendor.secret)
    )
    source_id, run_id = (int(n) for n in out.split("PULL", 1)[1].split())

    page3_arrived, page3_release = vendor.hold(2)  # attempt 1 asks for page 3 holding page 2 unwritten
    retry_arrived, retry_release = vendor.hold(3)  # the retry's first request
    w = worker(shared_redis, concurrency=1, database_url=database_url)
    send(tasks.run_process, run_id, broker_url=shared_redis)
    assert page3_arrived.wait(60), w.text()

    raw = cluster.connect("portal")
    stored = "SELECT count(*) FROM calls_callrecord WHERE source_id = %s"
    assert _one(raw, stored, source_id) == (PAGE,)  # page 1 committed
    started_before = _one(raw, "SELECT pg_postmaster_start_time()")[0]
    with raw.cursor() as cur:  # hold the run's row: page 2's transaction will wait on it, mid-way
        cur.execute("SELECT id FROM calls_importrun WHERE id = %s FOR UPDATE", [run_id])
    page3_release.set()
    waiting = (
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
    )
    wait_for(lambda: _one(raw, waiting)[0] == 1, timeout=30, what="the worker inside page 2's transaction")

    cluster.stop("fast")  # the real thing: every backend terminated, every open transaction rolled back
    assert _refused(cluster)
    time.sleep(DOWN_SECONDS)
    assert _refused(cluster)  # the worker's reconnects meet a server that is not there
    cluster.start()
    raw.close()

    # The retry has claimed the run again and is held at its first request: look at what is stored.
    assert retry_arrived.wait(90), w.text()
    raw = cluster.connect("portal")
    raw.autocommit = True
    try:
        assert _one(raw, "SELECT pg_postmaster_start_time()")[0] > started_before  # restarted for real
        assert _one(raw, stored, source_id) == (PAGE,)  # page 2's rows went with its transaction
        run_row = (
            "SELECT status, attempts, read, inserted, duplicates, error FROM calls_importrun WHERE id = %s"
        )
        assert _one(raw, run_row, run_id)[:2] == ("running", 2)
        assert _one(raw, "SELECT watermark FROM calls_source WHERE id = %s", source_id) == (None,)
        retry_release.set()

        wait_for(lambda: _one(raw, run_row, run_id)[0] != "running", timeout=90, what="the retry to finish")
        status, attempts, read, inserted, duplicates, error = _one(raw, run_row, run_id)
        assert status == "succeeded", (error, w.text())
        assert (attempts, read, inserted, duplicates) == (2, 3500, 2500, 1000)
        with raw.cursor() as cur:
            cur.execute("SELECT external_id FROM calls_callrecord WHERE source_id = %s", [source_id])
            stored_ids = sorted(row[0].removeprefix("stat:") for row in cur.fetchall())
        assert stored_ids == ids  # every call exactly once: 0 lost, 0 doubled
        window_end = _one(raw, "SELECT window_end FROM calls_importrun WHERE id = %s", run_id)[0]
        assert _one(raw, "SELECT watermark FROM calls_source WHERE id = %s", source_id) == (window_end,)
    finally:
        raw.close()
    assert "terminating connection" in w.text() or "database connection lost" in w.text()
    assert len(vendor.requests) == 3 + 4  # pages 1-3, then the four pages again
