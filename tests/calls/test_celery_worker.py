"""A real Celery worker on the real Redis: a run enqueued twice is processed once."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from apps.calls import services, tasks
from apps.calls.models import CallRecord, ImportRun

from .conftest import master_line
from .factories import SourceFactory

REDIS_DB_URL = "redis://127.0.0.1:6379/5"  # a database number of the calls tests' own
ROOT = Path(__file__).resolve().parents[2]


def _redis_up() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_DB_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_run_enqueued_twice_on_a_real_worker_is_processed_once(tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs a database it can share: PostgreSQL")
    if not _redis_up():
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    settings.MEDIA_ROOT = tmp_path / "media"
    lines = "".join(
        master_line(start=f"2025-03-03 10:{m:02d}:00", end=f"2025-03-03 10:{m:02d}:30") for m in range(50)
    )
    run, _ = services.run_create_for_file(
        source=SourceFactory(), stream=io.BytesIO(lines.encode()), name="m.csv"
    )

    queue = f"calls-test-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
        f"{db['NAME']}",
        "REDIS_URL": REDIS_DB_URL,
        "CELERY_BROKER_URL": REDIS_DB_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    log_path = tmp_path / "worker.log"
    celery = str(Path(sys.executable).with_name("celery"))
    with open(log_path, "wb") as log:
        worker = subprocess.Popen(
            [
                celery,
                "-A",
                "telephony_portal",
                "worker",
                "-Q",
                queue,
                "-c",
                "2",
                "-l",
                "info",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    app = tasks.run_process.app
    try:
        app.conf.task_always_eager = False
        with app.connection_for_write(REDIS_DB_URL) as conn:
            for _ in range(2):
                tasks.run_process.apply_async((run.pk,), queue=queue, connection=conn)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if log_path.read_text(errors="replace").count("succeeded in") >= 2:
                break
            time.sleep(0.3)
        else:
            pytest.fail("the worker did not finish both deliveries:\n" + log_path.read_text(errors="replace"))
    finally:
        app.conf.task_always_eager = True
        worker.terminate()
        worker.wait(timeout=20)
    run.refresh_from_db()
    assert (run.status, run.attempts, run.read, run.inserted) == (ImportRun.Status.SUCCEEDED, 1, 50, 50)
    assert CallRecord.objects.count() == 50
