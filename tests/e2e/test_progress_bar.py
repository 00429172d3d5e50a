"""The generic progress bar in a real browser: it polls the job, fills up, and ends with the summary."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible
from tests.factories import CityFactory


@pytest.mark.urls("tests.e2e.progress_urls")
def test_the_progress_bar_follows_the_job_to_the_end_and_shows_the_summary(login, page):
    job = CityFactory()
    seen: list[dict] = []
    page.on("response", lambda r: "/progress/" in r.url and seen.append(r.json()))
    login("accounting")
    page.goto(f"/e2e/jobs/{job.pk}/")
    bar = page.locator(".progress")
    expect(bar).to_have_attribute("data-status", "done")
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    expect(bar.locator(".progress-count")).to_have_text("300 of 300")
    expect(bar.locator(".progress-message")).to_have_text("Finished")
    summary = bar.locator(".progress-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("imported")
    expect(summary).to_contain_text("297")
    expect(summary).to_contain_text("calls.csv row 17: duration -5 is negative")
    expect(summary.get_by_role("link", name="Open the cost report")).to_be_visible()
    assert [s["done"] for s in seen] == [75, 150, 225, 300]  # it polled until finished, then stopped
    page.wait_for_timeout(600)
    assert len(seen) == 4
    assert_accessible(page)


@pytest.mark.urls("tests.e2e.progress_urls")
def test_someone_without_access_to_the_job_gets_no_progress(login, page):
    job = CityFactory()
    login("accounting")
    response = page.request.get(f"/e2e/jobs/{job.pk + 1000}/progress/")
    assert response.status == 404
    page.context.clear_cookies()
    response = page.request.get(f"/e2e/jobs/{job.pk}/progress/", max_redirects=0)
    assert response.status == 302
    assert re.search(r"/accounts/login/", response.headers["location"])


def test_the_calls_import_run_page_shows_live_progress_then_the_summary_and_rejected_rows(login, page):
    """The real run page (calls): the bar follows the job row while the import runs, then shows the
    counts and each rejected row by file and line, and the page reloads once with the full table."""
    from apps.calls.models import ImportRun, QuarantinedRow
    from tests.calls.factories import ImportRunFactory

    run = ImportRunFactory(status="running", file_name="Master.csv", bytes_total=200 * 1024, bytes_done=0)
    login("accounting")
    page.goto(f"/calls/runs/{run.pk}/")
    bar = page.get_by_role("progressbar")
    expect(page.locator(".progress")).to_have_attribute("data-status", "running")
    assert_accessible(page)

    ImportRun.objects.filter(pk=run.pk).update(bytes_done=50 * 1024, read=400)
    expect(bar).to_have_attribute("aria-valuenow", "25")
    expect(page.locator(".progress-count")).to_have_text("50 of 200")
    expect(page.locator(".progress-message")).to_have_text("400 records read")

    QuarantinedRow.objects.create(run=run, line=17, reason="duration -5 is negative", raw="…")
    ImportRun.objects.filter(pk=run.pk).update(
        status="succeeded", bytes_done=200 * 1024, read=1600, inserted=1590, duplicates=9, rejected=1
    )
    summary = page.locator(".progress-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("1590")
    expect(summary).to_contain_text("Master.csv line 17: duration -5 is negative")
    expect(bar).to_have_attribute("aria-valuenow", "100")
    # Reloaded once by the bar: the server-drawn page now lists the rejected row in its table.
    expect(page.get_by_role("cell", name="duration -5 is negative")).to_be_visible()
    expect(page.locator("#run-status")).to_have_text("Succeeded")
    assert_accessible(page)
