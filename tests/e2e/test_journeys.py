"""Journeys through the portal in a real browser, one per role, as people use it."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, axe_violations
from tests.ui.workbooks import write_workbook


def test_the_marketer_finds_a_number_from_the_dashboard_and_sees_who_holds_it(demo_data, login, page):
    login("marketer")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_role("heading", name="Needs attention today")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Numbers", exact=True).click()
    expect(page).to_have_url(re.compile(r"/numbers/$"))
    page.get_by_label("City").select_option(label="Казань")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("cell", name="Казань").first).to_be_visible()
    first_number = page.locator("tbody tr").first.get_by_role("link")
    number_text = first_number.inner_text()
    first_number.click()
    expect(page.get_by_role("heading", name=number_text)).to_be_visible()
    expect(page.get_by_role("heading", name="Assignment history")).to_be_visible()
    expect(page.get_by_role("heading", name="Call route")).to_be_visible()


def test_the_lawyer_sees_the_numbers_at_risk_but_no_phones_or_staff(demo_data, login, page):
    login("lawyer")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Staff")).to_have_count(0)
    expect(nav.get_by_role("link", name="Phones")).to_have_count(0)
    page.get_by_role("link", name=re.compile("Numbers held through an intermediary")).click()
    expect(page.get_by_role("heading", name="Numbers at risk")).to_be_visible()
    expect(page.get_by_role("heading", name="By intermediary")).to_be_visible()
    expect(page.locator("table").first).to_contain_text("ОблакоАТС")


def test_the_accountant_reads_a_city_with_its_salons_numbers_and_local_time(demo_data, login, page):
    login("accounting")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cities").click()
    page.get_by_role("link", name="Новосибирск").click()
    expect(page.get_by_role("heading", name="Новосибирск")).to_be_visible()
    expect(page.get_by_text("Asia/Novosibirsk").first).to_be_visible()
    expect(page.get_by_role("heading", name="Salons and offices")).to_be_visible()
    expect(page.get_by_role("heading", name="Phones and gateways")).to_be_visible()


def test_switching_to_russian_translates_the_page_and_is_remembered_at_the_next_sign_in(
    demo_data, login, page, personas
):
    login("accounting")
    page.get_by_role("button", name="RU").click()
    expect(page.get_by_role("heading", name="Сводка")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    page.get_by_role("button", name="Выйти").click()
    page.context.clear_cookies()  # a new browser: only the saved preference can bring Russian back
    login("accounting")
    expect(page.get_by_role("heading", name="Сводка")).to_be_visible()


def test_a_list_keeps_its_filters_when_the_user_comes_back(demo_data, login, page):
    login("marketer")
    page.goto("/numbers/")
    page.get_by_label("City").select_option(label="Уфа")
    page.get_by_role("button", name="Apply").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Numbers", exact=True).click()
    expect(page.get_by_label("City")).to_have_value(re.compile(r"\d+"))
    expect(page.locator("tbody")).not_to_contain_text("Казань")
    page.get_by_role("link", name="Clear", exact=True).click()
    expect(page.get_by_label("City")).to_have_value("")


def test_tables_and_pages_can_be_used_with_the_keyboard_alone(demo_data, login, page):
    login("marketer")
    page.goto("/cities/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    # From the main content, Tab reaches the filters and then the first city link in the table.
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.closest('tbody') !== null"):
            break
    focused = page.evaluate("() => document.activeElement.textContent")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=focused.strip())).to_be_visible()


def test_the_main_pages_have_no_serious_accessibility_violations(demo_data, login, page):
    login("admin")
    for url in [
        "/",
        "/cities/",
        "/departments/",
        "/employees/",
        "/numbers/",
        "/numbers/at-risk/",
        "/providers/",
        "/lines/",
        "/devices/",
    ]:
        page.goto(url)
        assert_accessible(page)
    page.goto("/numbers/")
    page.locator("tbody tr").first.get_by_role("link").click()
    assert_accessible(page)
    page.goto("/cities/")
    page.locator("tbody tr").first.get_by_role("link").click()
    assert_accessible(page)


def test_the_contract_and_risk_pages_have_no_serious_accessibility_violations(demo_data, login, page):
    login("lawyer")
    for url in ["/contracts/", "/contracts/calendar/", "/contracts/health/", "/risk/", "/risk/policy/"]:
        page.goto(url)
        assert_accessible(page)
    page.goto("/contracts/")
    page.locator("tbody tr").first.get_by_role("link").first.click()
    assert_accessible(page)


def test_the_sign_in_page_and_russian_pages_are_accessible_too(demo_data, login, page):
    page.goto("/accounts/login/")
    assert_accessible(page)
    login("lawyer")
    page.get_by_role("button", name="RU").click()
    expect(page.get_by_role("heading", name="Сводка")).to_be_visible()
    assert_accessible(page)


def test_the_accessibility_check_really_catches_violations(page):
    """Guards the guard: a page with an unlabelled button and an image without text must fail."""
    page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main><img src="x.png">'
        "<button></button></main></body></html>"
    )
    rules = {v["id"] for v in axe_violations(page)}
    assert {"image-alt", "button-name"} <= rules


def test_the_admin_imports_an_inventory_workbook_and_sees_the_salons_on_the_city_page(login, page, tmp_path):
    workbook = write_workbook(tmp_path / "inventory.xlsx")
    login("admin")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Import", exact=True).click()
    expect(page.get_by_role("heading", name="Import inventory workbook")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Inventory workbook (.xlsx)").set_input_files(workbook)
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_text("Imported: 5 new, 0 changed, 0 unchanged.")).to_be_visible()
    page.get_by_role("link", name="See the cities").click()
    page.get_by_role("link", name="Тольятти").click()
    expect(page.get_by_role("heading", name="Тольятти")).to_be_visible()
    expect(page.get_by_role("cell", name="Салон на Юбилейной")).to_be_visible()
    expect(page.get_by_role("cell", name="Салон в Автограде")).to_be_visible()


def test_the_admin_sees_each_bad_row_of_a_workbook_and_nothing_is_imported(login, page, tmp_path):
    workbook = write_workbook(tmp_path / "inventory.xlsx", bad_timezone=True)
    login("admin")
    page.goto("/inventory/import/")
    page.get_by_label("Inventory workbook (.xlsx)").set_input_files(workbook)
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("heading", name="Not imported: fix these rows and upload again")).to_be_visible()
    expect(page.get_by_role("cell", name="timezone")).to_be_visible()
    assert_accessible(page)
    page.goto("/cities/")
    expect(page.get_by_text("No cities yet.")).to_be_visible()


def test_the_lawyer_uploads_a_contract_and_sees_the_risky_clauses_highlighted(login, page, tmp_path):
    from tests.contracts.factories import ContractFactory
    from tests.risk.factories import OFFER

    contract = ContractFactory(status="under_review", signed_on=None)
    offer = tmp_path / "offer.txt"
    offer.write_text(OFFER, encoding="utf-8")
    login("lawyer")
    page.goto(f"/contracts/{contract.pk}/")
    page.get_by_label(re.compile("File")).set_input_files(offer)
    page.get_by_role("button", name="Upload a new version").click()
    expect(page.get_by_text(re.compile(r"Version 1 added"))).to_be_visible()
    page.get_by_role("link", name="Risk review: highlighted clauses and findings").click()
    # A new version is queued for scanning as soon as the upload commits (risk's signal); with jobs run
    # in-process the scan is done by now, otherwise the lawyer starts it.
    scan_now = page.get_by_role("button", name="Scan now")
    if scan_now.count():
        scan_now.click()
    marks = page.locator(".contract-text mark.risk")
    expect(marks.first).to_be_visible()
    assert marks.count() >= 2
    expect(page.locator(".finding").first).to_be_visible()
    expect(page.get_by_text(re.compile("cannot be approved"))).to_be_visible()
    assert_accessible(page)


def test_the_accountant_uploads_a_call_file_and_watches_the_import_finish(login, page):
    from django.conf import settings as django_settings

    from tests.calls.factories import SourceFactory

    SourceFactory(slug="asterisk-kzn", name="Asterisk Казань")
    call_file = django_settings.BASE_DIR / "fixtures" / "cdr" / "asterisk" / "smallcdr.csv"
    login("accounting")
    page.goto("/calls/upload/")
    page.get_by_label("Source").select_option(label="Asterisk Казань")
    page.get_by_label("Call-record file").set_input_files(call_file)
    page.get_by_role("button", name="Upload and import").click()
    expect(page.get_by_role("heading", name=re.compile(r"Import run #\d+"))).to_be_visible()
    bar = page.locator(".progress")
    expect(bar).to_have_attribute("data-status", "done")
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    expect(page.locator("#run-status")).to_have_text("Succeeded")
    summary = bar.locator(".progress-summary")
    expect(summary).to_be_visible()
    read = summary.locator("dt", has_text="read").locator("xpath=following-sibling::dd[1]")
    assert int(read.inner_text()) > 0
    assert_accessible(page)
