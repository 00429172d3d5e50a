"""The calls import-run page on the shared progress bar: the JSON it polls and the page before any poll."""

from __future__ import annotations

import pytest

from apps.calls.models import QuarantinedRow
from tests.calls.factories import ImportRunFactory

pytestmark = pytest.mark.django_db


def test_a_running_file_import_reports_the_share_of_the_file_read(client_as):
    run = ImportRunFactory(status="running", bytes_total=10 * 1024, bytes_done=4 * 1024, read=120)
    data = client_as("accounting").get(f"/calls/runs/{run.pk}/progress/").json()
    assert data["status"] == "running" and data["finished"] is False
    assert (data["done"], data["total"], data["percent"]) == (4, 10, 40)
    assert data["message"] == "120 records read"
    assert data["errors"] == []


def test_a_finished_run_reports_its_counts_and_names_file_and_line_of_each_rejected_row(client_as):
    run = ImportRunFactory(
        status="succeeded", bytes_total=2048, bytes_done=2048, read=5, inserted=3, duplicates=1, rejected=1
    )
    QuarantinedRow.objects.create(run=run, line=4, reason="no start time", raw="a,b")
    response = client_as("marketer").get(f"/calls/runs/{run.pk}/progress/")
    assert response["Cache-Control"] == "no-store"
    data = response.json()
    assert (data["status"], data["percent"], data["finished"]) == ("done", 100, True)
    assert data["summary"] == {"read": 5, "inserted": 3, "duplicates": 1, "rejected": 1}
    assert data["errors"] == ["Master.csv line 4: no start time"]


def test_a_failed_pull_shows_the_error_and_no_percentage(client_as):
    run = ImportRunFactory(kind="pull", file_name="", status="failed", read=0, error="HTTP 401 from the API")
    data = client_as("accounting").get(f"/calls/runs/{run.pk}/progress/").json()
    assert (data["status"], data["percent"], data["total"]) == ("failed", None, None)
    assert data["message"] == "HTTP 401 from the API"


def test_the_run_page_draws_the_bar_before_any_poll_and_reloads_once_when_done(client_as):
    run = ImportRunFactory(status="running", bytes_total=10 * 1024, bytes_done=5 * 1024)
    page = client_as("accounting").get(f"/calls/runs/{run.pk}/").content.decode()
    assert f'data-progress-url="/calls/runs/{run.pk}/progress/"' in page
    assert 'data-status="running"' in page and "data-reload-when-done" in page
    assert 'aria-valuenow="50"' in page
    assert "None so far" in page


def test_the_lawyer_gets_no_progress_of_a_run(client_as):
    run = ImportRunFactory()
    assert client_as("lawyer").get(f"/calls/runs/{run.pk}/progress/").status_code == 403
    assert client_as("accounting").get(f"/calls/runs/{run.pk + 99}/progress/").status_code == 404
