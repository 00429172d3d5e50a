"""Progress of long jobs: a JSON shape for the page's progress bar, and a progress bar for the terminal.

On a page (a job row polled by the browser)::

    # views.py — the status URL the bar polls; the job row holds the counts.
    class ImportRunProgressView(JobProgressView):
        permission_required = "calls.view_importrun"
        model = ImportRun

        def get_progress(self, run) -> JobProgress:
            return JobProgress(status=run.status, done=run.rows_done, total=run.rows_total,
                               message=run.error or "", summary={_("imported"): run.imported})

    {# the page #}
    {% include "includes/progress.html" with status_url=status_url label=_("Importing calls") %}

In a management command (silent when stdout is not a terminal, or with --json)::

    with terminal_progress(self.stdout, total=len(rows), label="Import", enabled=not options["json"]) as bar:
        for row in rows:
            ...
            bar.advance()
    self.stdout.write(JobSummary(title="Import finished", counts={"imported": 10}, errors=[]).as_text())
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import IO, Any

from django.core.management.base import OutputWrapper
from django.http import JsonResponse

from .pages import PortalDetailView

PENDING, RUNNING, DONE, FAILED = "pending", "running", "done", "failed"
FINAL = frozenset({DONE, FAILED})


@dataclass
class JobProgress:
    """What the progress bar shows: the JSON the page polls ({status, done, total, message, …})."""

    status: str
    done: int = 0
    total: int | None = None  # None: not known yet (the file is still being counted)
    message: str = ""
    summary: dict[str, Any] = field(default_factory=dict)  # final counts, shown when finished
    errors: list[str] = field(default_factory=list)  # first errors, each naming file/row/field

    @property
    def finished(self) -> bool:
        return self.status in FINAL

    @property
    def percent(self) -> int | None:
        if self.status == DONE:
            return 100
        if not self.total:
            return None
        return max(0, min(100, int(self.done * 100 / self.total)))

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["percent"] = self.percent
        data["finished"] = self.finished
        return data


class JobProgressView(PortalDetailView):
    """GET → the job's JobProgress as JSON; permission-guarded like any page. Subclasses: get_progress()."""

    def get_progress(self, obj) -> JobProgress:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        response = JsonResponse(self.get_progress(self.object).as_dict())
        response["Cache-Control"] = "no-store"
        return response


@dataclass
class JobSummary:
    """The clear final word of a job: what it did (counts) and what went wrong (errors)."""

    title: str
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    max_errors_shown: int = 20

    def as_text(self) -> str:
        lines = [self.title]
        width = max((len(name) for name in self.counts), default=0)
        lines += [f"  {name.ljust(width)}  {count:>8}" for name, count in self.counts.items()]
        if self.errors:
            lines.append(f"  errors: {len(self.errors)}")
            lines += [f"    - {error}" for error in self.errors[: self.max_errors_shown]]
            hidden = len(self.errors) - self.max_errors_shown
            if hidden > 0:
                lines.append(f"    … and {hidden} more")
        return "\n".join(lines)

    def as_json(self) -> str:
        return json.dumps(
            {"title": self.title, "counts": self.counts, "errors": self.errors},
            ensure_ascii=False,
            sort_keys=True,
        )


def stream_is_terminal(stream: IO[str] | Any) -> bool:
    """True for a terminal; Django's OutputWrapper passes isatty() through to the real stream."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or the stream is closed
        return False


class TerminalProgress:
    """A one-line bar redrawn in place: `Importing  [██████░░░░]  60%  600/1000  12 s left`."""

    width = 30
    min_interval = 0.1  # seconds between redraws: a fast loop must not spend its time printing

    def __init__(self, stream: IO[str] | Any, *, total: int | None, label: str = "", clock=time.monotonic):
        self.stream, self.total, self.label, self.clock = stream, total, label, clock
        self.done = 0
        self.message = ""
        self.started = clock()
        self._last_draw = float("-inf")
        self._last_len = 0

    def advance(self, step: int = 1, *, message: str = "") -> None:
        self.done += step
        if message:
            self.message = message
        now = self.clock()
        if now - self._last_draw >= self.min_interval or (self.total and self.done >= self.total):
            self._draw(now)

    def line(self, now: float | None = None) -> str:
        now = self.clock() if now is None else now
        parts = [self.label] if self.label else []
        if self.total:
            fraction = min(1.0, self.done / self.total)
            filled = int(fraction * self.width)
            parts.append("[" + "█" * filled + "░" * (self.width - filled) + "]")
            parts.append(f"{int(fraction * 100):3d}%")
            parts.append(f"{self.done}/{self.total}")
            elapsed = now - self.started
            if 0 < self.done < self.total and elapsed > 1:
                left = elapsed / self.done * (self.total - self.done)
                parts.append(f"{left:.0f} s left")
        else:
            parts.append(f"{self.done}")
        if self.message:
            parts.append(self.message)
        return "  ".join(parts)

    def _draw(self, now: float) -> None:
        text = self.line(now)
        padding = " " * max(0, self._last_len - len(text))  # wipe the tail of a longer previous line
        _write(self.stream, "\r" + text + padding)
        self._last_len = len(text)
        self._last_draw = now

    def finish(self) -> None:
        self._draw(self.clock())
        _write(self.stream, "\n")


class _SilentProgress:
    """The same interface, printing nothing: for pipes, log files, cron and --json."""

    def __init__(self, total: int | None = None):
        self.total, self.done, self.message = total, 0, ""

    def advance(self, step: int = 1, *, message: str = "") -> None:
        self.done += step
        self.message = message or self.message

    def finish(self) -> None:
        pass


def _write(stream: Any, text: str) -> None:
    """Write without a newline; Django's OutputWrapper would otherwise add one to every redraw."""
    if isinstance(stream, OutputWrapper):
        stream.write(text, ending="")
    else:
        stream.write(text)
    stream.flush()


@contextmanager
def terminal_progress(
    stream: IO[str] | Any = None, *, total: int | None, label: str = "", enabled: bool = True
) -> Iterator[TerminalProgress | _SilentProgress]:
    """A progress bar on `stream` (default stderr) if it is a terminal and `enabled`; else silence."""
    stream = sys.stderr if stream is None else stream
    if enabled and stream_is_terminal(stream):
        bar: TerminalProgress | _SilentProgress = TerminalProgress(stream, total=total, label=label)
    else:
        bar = _SilentProgress(total)
    try:
        yield bar
    finally:
        bar.finish()
