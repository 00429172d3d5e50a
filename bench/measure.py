"""Run one measured operation in a forked child: wall time, and the child's peak memory.

Peak memory is the child's peak resident set (`VmHWM` of /proc/self/status) after resetting it at the
start of the operation (`echo 5 > /proc/self/clear_refs`), so it is the high-water mark of the process
*during* the operation — interpreter, Django and the data it holds — not of the setup before it. Where
the reset is not allowed, it falls back to `ru_maxrss` of the child (which then also counts the pages it
inherited), and says so. No tracemalloc: it would slow the code being timed.

The parent closes its database connections before forking; the child opens its own.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
import traceback
from collections.abc import Callable

from django.db import connections


def _status_kb(key: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def _process_cpu(pid: int) -> float | None:
    """User + system CPU seconds of a process on this machine (the PostgreSQL backend), from /proc."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def backend_cpu() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend (server on this host only): a
    figure a loaded shared machine disturbs far less than wall time."""
    return _backend()[1]


def _backend() -> tuple[int, float | None]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    return pid, _process_cpu(pid)


def memory_method() -> str:
    return "VmHWM after clear_refs (peak RSS during the operation)"


def in_child(fn: Callable[[], object]) -> dict:
    """{'seconds', 'peak_rss_mb', 'start_rss_mb', 'memory', 'client_cpu_s', 'server_cpu_s', 'result'};
    re-raises the child's error. CPU: this child's own, and its PostgreSQL backend's (from /proc; parallel
    query workers are not counted)."""
    connections.close_all()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_end)
        code = 0
        try:
            backend, server_before = _backend()  # connects before the clock starts
            reset = _reset_peak()
            start_rss = _status_kb("VmRSS") or 0
            cpu_before = os.times()
            began = time.perf_counter()
            result = fn()
            seconds = time.perf_counter() - began
            cpu_after = os.times()
            server_after = _process_cpu(backend)
            client_cpu = (cpu_after.user - cpu_before.user) + (cpu_after.system - cpu_before.system)
            server_cpu = None
            if server_before is not None and server_after is not None:
                server_cpu = server_after - server_before
            if reset:
                peak, how = _status_kb("VmHWM") or 0, "VmHWM"
            else:
                import resource

                peak, how = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "ru_maxrss"
            payload = {
                "seconds": seconds,
                "peak_rss_mb": round(peak / 1024, 1),
                "start_rss_mb": round(start_rss / 1024, 1),
                "memory": how,
                "client_cpu_s": round(client_cpu, 3),
                "server_cpu_s": None if server_cpu is None else round(server_cpu, 3),
                "result": result,
            }
        except BaseException:
            payload = {"error": traceback.format_exc()}
            code = 1
        with contextlib.suppress(Exception):
            connections.close_all()
        with os.fdopen(write_end, "w", encoding="utf-8") as out:
            json.dump(payload, out, default=str)
        os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, encoding="utf-8") as handle:
        text = handle.read()
    os.waitpid(pid, 0)
    payload = json.loads(text) if text else {"error": "the measured child died without a word"}
    if "error" in payload:
        raise RuntimeError(f"measured operation failed in the child:\n{payload['error']}")
    return payload
