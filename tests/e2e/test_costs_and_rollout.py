"""Two journeys in a real browser: accounting builds last month's cost report and downloads its PDF; the
marketer moves a city on the rollout board. Small worlds from factories (not the whole demo company)."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.billing.rating import Month
from apps.rollout.models import RolloutPhase
from tests.billing.conftest import world  # noqa: F401 - the small Kazan world of the billing tests
from tests.billing.factories import CallRecordFactory
from tests.e2e.conftest import assert_accessible
from tests.factories import CityFactory
from tests.rollout.factories import RolloutPhaseFactory, RolloutProjectFactory


@pytest.fixture
def last_months_calls(world):  # noqa: F811
    """Three calls of last month in Kazan: mobile 2.90 and local 0.40 for the sales salon, one unrated
    international call for the office; with the sales number's rent (500.00) the month nets 503.30."""
    month = Month.of(timezone.localdate()).previous()
    start, _end = month.utc_bounds("Europe/Moscow")
    at = start + dt.timedelta(days=9, hours=9)
    CallRecordFactory(
        started_at=at, callee="89171234567", billsec=61, line=world.line, department=world.sales
    )
    CallRecordFactory(
        started_at=at + dt.timedelta(hours=1),
        callee="2000000",
        billsec=60,
        line=world.line,
        department=world.sales,
    )
    CallRecordFactory(
        started_at=at + dt.timedelta(hours=2),
        callee="+4930123456",
        billsec=60,
        line=world.line,
        department=world.office,
    )
    return month


def test_accounting_builds_last_months_cost_report_and_downloads_the_pdf(last_months_calls, login, page):
    from pypdf import PdfReader

    month = str(last_months_calls)
    login("accounting")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Costs").click()
    expect(page.get_by_role("heading", name="Telephony costs")).to_be_visible()
    page.get_by_role("link", name=f"Report for {month}").click()
    expect(page.get_by_role("heading", name=f"Cost report {month}")).to_be_visible()
    expect(page.get_by_text(f"No report has been built for {month} yet.")).to_be_visible()
    page.get_by_label("Re-rate the month's calls first").check()
    page.get_by_role("button", name="Build the report").click()
    expect(page.get_by_text(f"The report for {month} was rebuilt.")).to_be_visible()
    totals = page.locator("table tfoot tr")
    expect(totals).to_contain_text("503.30")  # net: 500.00 rent + 2.90 mobile + 0.40 local
    expect(page.locator("table tbody")).to_contain_text("KZN-1")
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"telephony-costs-{month}.pdf"
    pdf = Path(download.path()).read_bytes()
    assert pdf.startswith(b"%PDF-")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert f"telephony costs, {month}" in text
    assert re.search(r"Total\s+3\.30\s+500\.00\s+0\.00\s+503\.30", text), text[:2000]
    assert "Approved by (chief accountant)" in text


def test_the_marketer_moves_a_city_on_the_rollout_board_and_the_move_is_kept(login, page, personas):
    project = RolloutProjectFactory(name="Облачная АТС во всех салонах", owner=personas["marketer"])
    kazan = RolloutPhaseFactory(project=project, city=CityFactory(name="Казань"), status="planned", order=1)
    RolloutPhaseFactory(project=project, city=CityFactory(name="Уфа"), status="planned", order=2)
    login("marketer")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Rollout").click()
    expect(page.get_by_role("heading", name=re.compile("Rollout board"))).to_be_visible()
    planned = page.locator("section.column", has=page.locator("#col-planned"))
    preparing = page.locator("section.column", has=page.locator("#col-preparing"))
    card = planned.locator("article", has_text="Казань")
    expect(card).to_be_visible()
    assert_accessible(page)

    # The board's move is a form in each card: keyboard and screen readers use it like any other form.
    card.get_by_label("Move to").select_option("preparing")
    card.get_by_role("button", name="Move").click()
    expect(page.get_by_text("moved.")).to_be_visible()
    expect(preparing.locator("article", has_text="Казань")).to_be_visible()
    expect(planned.locator("article", has_text="Казань")).to_have_count(0)
    expect(planned.locator("article", has_text="Уфа")).to_be_visible()

    page.reload()  # the move is stored, not just drawn
    expect(preparing.locator("article", has_text="Казань")).to_be_visible()
    kazan.refresh_from_db()
    assert kazan.status == RolloutPhase.Status.PREPARING
