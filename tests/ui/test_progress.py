"""Progress of long jobs: the JSON the bar polls, the bar on the page, the bar in a terminal."""

from __future__ import annotations

import io
import json

from django.core.management.base import OutputWrapper
from django.template.loader import render_to_string
from django.utils import translation

from apps.core.progress import JobProgress, JobSummary, TerminalProgress, terminal_progress


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_progress_reports_the_share_done_and_whether_the_job_is_finished():
    assert JobProgress(status="running", done=25, total=200).as_dict() == {
        "status": "running",
        "done": 25,
        "total": 200,
        "message": "",
        "summary": {},
        "errors": [],
        "percent": 12,
        "finished": False,
    }
    assert JobProgress(status="running", done=3, total=None).percent is None  # total not counted yet
    assert JobProgress(status="done", done=7, total=None).percent == 100
    assert JobProgress(status="failed", done=7, total=10).finished


@translation.override("en")
def test_the_page_draws_the_bar_where_the_job_is_before_any_poll():
    html = render_to_string(
        "includes/progress.html",
        {
            "status_url": "/jobs/7/progress/",
            "label": "Importing calls",
            "progress": JobProgress(status="running", done=30, total=120, message="row 30"),
        },
    )
    assert 'data-progress-url="/jobs/7/progress/"' in html
    assert 'aria-valuenow="25"' in html
    assert "width: 25%" in html
    assert "30 of 120" in html
    assert "js/progress.js" in html


@translation.override("en")
def test_a_finished_job_shows_its_summary_and_errors_without_javascript():
    html = render_to_string(
        "includes/progress.html",
        {
            "status_url": "/jobs/7/progress/",
            "label": "Importing calls",
            "progress": JobProgress(
                status="done",
                done=120,
                total=120,
                summary={"imported": 118, "skipped": 2},
                errors=["calls.csv row 17: duration -5 is negative"],
            ),
            "done_url": "/reports/2026-10/",
        },
    )
    assert 'data-status="done"' in html
    assert "<dt>imported</dt><dd>118</dd>" in html
    assert "calls.csv row 17: duration -5 is negative" in html
    assert 'href="/reports/2026-10/"' in html
    assert "hidden" not in html.split('class="progress-summary"')[1].split(">")[0]


def test_the_terminal_bar_redraws_one_line_with_percent_counts_and_time_left():
    out, clock = FakeTerminal(), FakeClock()
    bar = TerminalProgress(out, total=200, label="Importing", clock=clock)
    clock.now = 10.0
    bar.advance(50)
    assert out.getvalue().startswith("\rImporting  [")
    assert " 25%  50/200  30 s left" in out.getvalue()
    clock.now = 40.0
    bar.advance(150)
    bar.finish()
    assert out.getvalue().count("\n") == 1
    assert "100%  200/200" in out.getvalue()


def test_the_terminal_bar_does_not_redraw_more_than_ten_times_a_second():
    out, clock = FakeTerminal(), FakeClock()
    bar = TerminalProgress(out, total=10_000, clock=clock)
    for _ in range(1000):
        bar.advance()  # the clock does not move: one draw only
    assert out.getvalue().count("\r") == 1


def test_without_a_total_the_terminal_shows_a_running_count():
    out = FakeTerminal()
    with terminal_progress(out, total=None, label="Reading") as bar:
        bar.advance(5, message="calls.csv")
    assert "Reading  5  calls.csv" in out.getvalue()


def test_no_bar_is_printed_into_a_pipe_or_a_log_file():
    out = io.StringIO()  # not a terminal
    with terminal_progress(out, total=10) as bar:
        for _ in range(10):
            bar.advance()
    assert out.getvalue() == ""


def test_no_bar_is_printed_when_the_command_writes_json():
    out = FakeTerminal()
    with terminal_progress(out, total=10, enabled=False) as bar:
        bar.advance(10)
    assert out.getvalue() == ""


def test_a_management_commands_stdout_counts_as_a_terminal_when_it_is_one():
    out = OutputWrapper(FakeTerminal())
    with terminal_progress(out, total=2, label="Rating") as bar:
        bar.advance(2)
    text = out._out.getvalue()
    assert "Rating" in text
    assert text.count("\n") == 1  # OutputWrapper adds no newline per redraw


def test_the_final_summary_lists_counts_and_the_first_errors():
    summary = JobSummary(
        title="Import finished",
        counts={"imported": 1200, "duplicates": 3},
        errors=[f"row {n}: no such extension" for n in range(1, 24)],
    )
    text = summary.as_text()
    assert text.splitlines()[:3] == ["Import finished", "  imported        1200", "  duplicates         3"]
    assert "  errors: 23" in text
    assert "    - row 20: no such extension" in text
    assert "row 21" not in text
    assert "    … and 3 more" in text
    assert json.loads(summary.as_json())["counts"] == {"duplicates": 3, "imported": 1200}


def test_import_inventory_draws_a_bar_sheet_by_sheet_on_a_terminal(db, tmp_path):
    from django.core.management import call_command

    from tests.ui.workbooks import write_workbook

    out = FakeTerminal()
    call_command("import_inventory", str(write_workbook(tmp_path / "inventory.xlsx")), stdout=out)
    text = out.getvalue()
    assert "\rImporting  [" in text
    assert "100%  2/2  departments" in text
    assert "Created 5, updated 0." in text


def test_import_inventory_with_json_prints_only_json_even_on_a_terminal(db, tmp_path):
    from django.core.management import call_command

    from tests.ui.workbooks import write_workbook

    out = FakeTerminal()
    call_command("import_inventory", str(write_workbook(tmp_path / "inventory.xlsx")), "--json", stdout=out)
    assert json.loads(out.getvalue())["created"] == 5
