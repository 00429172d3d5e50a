"""Fault-injection harness: real Celery workers, a real Redis, the test PostgreSQL database.

- `worker(broker_url)` starts `celery worker` as a subprocess on a queue of its own, sharing the test
  database (PostgreSQL only: a worker process cannot see SQLite's in-memory test database);
- `shared_redis` is database 7 of the Redis on 127.0.0.1:6379 (never stopped, never flushed whole);
- `private_redis` is a redis-server of our own on a free port, which a test may stop and start.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
SHARED_REDIS = "redis://127.0.0.1:6379/7"


def _redis_answers(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:
        return False


# `make test` runs these tests when the services exist and skips them otherwise; `.ci/run` sets
# PORTAL_REQUIRE_SERVICES=1, which turns a missing Redis or redis-server into a failure, never a skip.
# (On SQLite the PostgreSQL scenarios still skip: .ci/run's PostgreSQL pass runs them.)
REQUIRE_SERVICES = os.environ.get("PORTAL_REQUIRE_SERVICES") == "1"


def missing_service(reason: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (PORTAL_REQUIRE_SERVICES=1: the fault-injection tests must run)")
    pytest.skip(reason)


def wait_for(predicate, *, timeout: float, what: str, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("a worker process shares the test database only on PostgreSQL")


@pytest.fixture
def shared_redis():
    if not _redis_answers(SHARED_REDIS):
        missing_service("Redis is not reachable on 127.0.0.1:6379")
    return SHARED_REDIS


class RedisServer:
    """A private redis-server (no persistence) that the test can stop and start again on one port."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None
        self.stops = 0

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: _redis_answers(self.url), timeout=10, what="the private redis-server")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)  # a crash, not a clean shutdown
            self.proc.wait(timeout=10)
            self.stops += 1


@pytest.fixture
def private_redis(tmp_path):
    if not shutil.which("redis-server"):
        missing_service("redis-server is not installed")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


class Worker:
    """`celery worker` in a subprocess on one queue; killable like a crashed machine."""

    def __init__(self, broker_url: str, queue: str, log: Path, concurrency: int, default_queue: bool = False):
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "REDIS_URL": broker_url,
            "CELERY_BROKER_URL": broker_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "PORTAL_OUTBOUND_TEST_HOSTS": "127.0.0.1",  # the fake vendor servers of tests/calls
        }
        env.pop("DATABASE_URL", None)
        if connection.vendor == "postgresql":  # share the test database (tasks that touch none run anywhere)
            db = connection.settings_dict
            host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
            env["DATABASE_URL"] = f"postgres://{db['USER']}@{host}:{port}/{db['NAME']}"
        self.log = log
        with open(log, "ab") as out:
            self.proc = subprocess.Popen(
                [
                    str(Path(sys.executable).with_name("celery")),
                    "-A",
                    "tests.faults.worker_app:app",
                    "worker",
                    "-Q",
                    f"{queue},celery" if default_queue else queue,
                    "-c",
                    str(concurrency),
                    "-P",
                    "prefork",
                    "-l",
                    "info",
                    "--without-heartbeat",
                    "--without-gossip",
                    "--without-mingle",
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(
            lambda: "ready." in self.text() or self.proc.poll() is not None, timeout=60, what="worker start"
        )
        assert self.proc.poll() is None, self.text()

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(p) for p in path.read_text().split()] if path.exists() else []

    def kill_child(self, pid: int) -> None:
        os.kill(pid, signal.SIGKILL)

    def kill_all(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)  # the worker and its pool, no goodbye
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)


@pytest.fixture
def queue():
    return f"faults-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def worker(tmp_path, queue):
    started: list[Worker] = []

    def start(broker_url: str, concurrency: int = 2, default_queue: bool = False) -> Worker:
        """default_queue=True also consumes `celery` (only on a private Redis, where no one else does)."""
        if default_queue:
            assert broker_url != SHARED_REDIS, "the default queue of the shared Redis is not ours to consume"
        w = Worker(broker_url, queue, tmp_path / f"worker{len(started)}.log", concurrency, default_queue)
        started.append(w)
        return w

    yield start
    for w in started:
        w.stop()


@pytest.fixture
def send(queue):
    """send(task, *args, broker_url=…) publishes to the test's queue on that broker."""
    from telephony_portal.celery import app

    def publish(task, *args, broker_url: str, **kwargs):
        with app.connection_for_write(broker_url) as conn:
            return task.apply_async(args, kwargs, queue=queue, connection=conn)

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield publish
    app.conf.task_always_eager = eager


@pytest.fixture(autouse=True)
def outbound_test_hosts(settings):
    """Pulls run in-process here too (the command-line pull): the fake vendor servers listen on 127.0.0.1,
    so exempt it (and only it) from the SSRF guard, as the worker's environment does."""
    settings.PORTAL_OUTBOUND_TEST_HOSTS = ["127.0.0.1"]
