"""Fault-injection harness: real Celery workers, a real Redis, the test PostgreSQL database.

- `worker(broker_url)` starts `celery worker` as a subprocess on a queue of its own, sharing the test
  database (PostgreSQL only: a worker process cannot see SQLite's in-memory test database);
- `shared_redis` is database 7 of the Redis on 127.0.0.1:6379 (never stopped, never flushed whole);
- `private_redis` is a redis-server of our own on a free port, which a test may stop and start;
- `private_postgres` is a PostgreSQL cluster of our own (initdb, free port), which a test may restart;
- `vendor` is the fake Zadarma server of tests/calls with holds (request n waits for the test).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from tests.calls.fakes import FakeZadarma

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

    def __init__(
        self,
        broker_url: str,
        queue: str,
        log: Path,
        concurrency: int,
        default_queue: bool = False,
        database_url: str | None = None,
    ):
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
        if database_url:  # a database of the test's own (a private cluster) instead of the test database
            env["DATABASE_URL"] = database_url
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


def _postgres_bindir() -> Path | None:
    """The newest PostgreSQL server binaries of the machine (Debian layout), if any."""
    found = sorted(
        (p for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "initdb").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    return found[-1] if found else None


class PostgresCluster:
    """A private PostgreSQL cluster (initdb in a temporary directory, its own port, trust auth on
    127.0.0.1) that a test may stop and start for real without touching the server others share."""

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.dir = Path(tempfile.mkdtemp(prefix="tp-faults-pg-"))
        self.data = self.dir / "data"
        self.logfile = self.dir / "server.log"
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        # The server refuses to run as root: initdb and pg_ctl run as the `postgres` OS user then.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.dir, user="postgres")
        self.restarts = 0

    def _run(self, *args: str) -> None:
        done = subprocess.run([*self.as_user, *args], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"{args[0]} failed: {done.stdout}{done.stderr}{self.log()}"

    def log(self) -> str:
        return self.logfile.read_text(errors="replace") if self.logfile.exists() else ""

    def init(self) -> None:
        self._run(
            str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync"
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c max_connections=30 -c shared_buffers=16MB"
        )
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.logfile), "-o", options,
                  "-w", "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def url(self, dbname: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def connect(self, dbname: str = "postgres"):
        import psycopg2

        return psycopg2.connect(
            dbname=dbname, user="postgres", host="127.0.0.1", port=self.port, connect_timeout=5
        )

    def remove(self) -> None:
        try:
            if self.running():
                try:
                    self.stop("immediate")
                except AssertionError:  # pg_ctl could not stop it: the postmaster's pid is line 1
                    pid = int((self.data / "postmaster.pid").read_text().split()[0])
                    os.kill(pid, signal.SIGKILL)
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def private_postgres():
    """A started private cluster; stopped and removed afterwards, also when the test fails."""
    bindir = _postgres_bindir()
    if bindir is None:
        missing_service("the PostgreSQL server binaries are not installed (/usr/lib/postgresql/*/bin)")
    cluster = PostgresCluster(bindir)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


@pytest.fixture
def queue():
    return f"faults-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def worker(tmp_path, queue):
    started: list[Worker] = []

    def start(
        broker_url: str, concurrency: int = 2, default_queue: bool = False, database_url: str | None = None
    ) -> Worker:
        """default_queue=True also consumes `celery` (only on a private Redis, where no one else does);
        database_url points the worker at another database than the test database (a private cluster)."""
        if default_queue:
            assert broker_url != SHARED_REDIS, "the default queue of the shared Redis is not ours to consume"
        log = tmp_path / f"worker{len(started)}.log"
        w = Worker(broker_url, queue, log, concurrency, default_queue, database_url)
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


MSK = ZoneInfo("Europe/Moscow")
PAGE = 1000  # the Zadarma connector's page size (the fake refuses more)


class HeldZadarma(FakeZadarma):
    """The fake Zadarma, plus holds: request number n (0-based) waits until the test releases it."""

    def __init__(self, **kwargs):
        super().__init__(rate_window=0.001, **kwargs)  # no 429s: the faults here are ours, not the vendor's
        self.holds: dict[int, tuple[threading.Event, threading.Event]] = {}
        self.delay = 0.0

    def hold(self, n: int) -> tuple[threading.Event, threading.Event]:
        """(arrived, release) for request number n."""
        self.holds[n] = (threading.Event(), threading.Event())
        return self.holds[n]

    def handle(self, method, path, query, headers, body):
        n = len(self.requests) - 1  # the base class records the request before handing it over
        if n in self.holds:
            arrived, release = self.holds[n]
            arrived.set()
            release.wait(timeout=120)
        if self.delay:
            time.sleep(self.delay)
        return super().handle(method, path, query, headers, body)


def zadarma_stats(
    count: int, *, first: dt.datetime, step: int = 7, start_id: int = 500_000_000
) -> list[dict]:
    """`count` answered calls `step` seconds apart from `first` (UTC), as Zadarma lists them (local time)."""
    return [
        {
            "id": str(start_id + i),
            "sip": "12345",
            "callstart": (first + dt.timedelta(seconds=step * i))
            .astimezone(MSK)
            .strftime("%Y-%m-%d %H:%M:%S"),
            "from": "78432000001",
            "to": "79171234567",
            "description": "Russia, Mobile",
            "disposition": "answered",
            "billseconds": 30 + i % 200,
            "cost": 2.5,
            "billcost": 1.25,
            "currency": "RUB",
        }
        for i in range(count)
    ]


@pytest.fixture
def vendor():
    with HeldZadarma() as fake:
        yield fake
