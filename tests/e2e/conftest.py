"""Browser tests: Playwright for Python driving the system's Chromium against pytest-django's live server.

- The browser is the OS package (/usr/bin/chromium, or $CHROMIUM_PATH); nothing is downloaded. Without
  it every test here is skipped with the reason; `.ci/run` installs it, so CI always runs them.
- Each test gets a fresh browser context at a laptop size (1366×768), signed in as a role with `login`.
- A failing test leaves a full-page screenshot and the page's HTML in test-artifacts/<test name>.*.
- `assert_accessible(page)` runs the vendored axe-core and fails on serious or critical violations.
- A later journey (calls upload, cost report PDF, contract review, rollout board) is one short test
  using these fixtures; see docs/ui.md.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
# Flags for a sandboxed CI machine without a screen and without internet (see docs/ui.md).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LAPTOP = {"width": 1366, "height": 768}

try:
    from playwright.sync_api import Page, expect, sync_playwright
except ImportError:  # pragma: no cover - requirements-dev.txt pins playwright
    sync_playwright = None

_skip_reason = ""
if sync_playwright is None:
    _skip_reason = "playwright is not installed (pip install -r requirements-dev.txt)"
elif not Path(CHROMIUM).exists():
    _skip_reason = (
        f"no Chromium at {CHROMIUM}: install the OS package (apt-get install chromium chromium-driver) "
        "or set CHROMIUM_PATH; .ci/run does this"
    )


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).resolve().parent
    for item in items:
        if Path(str(item.fspath)).resolve().is_relative_to(here):
            item.add_marker(pytest.mark.e2e)
            if _skip_reason:
                item.add_marker(pytest.mark.skip(reason=_skip_reason))


@pytest.fixture(scope="package")
def browser():
    """One Chromium for the browser tests, closed when they are done (package scope, not session).

    Playwright's sync API keeps an event loop in this thread, and Django then refuses ORM calls from it;
    the tests only set up rows and read them back while no request is in flight, which is safe. The
    permission (DJANGO_ALLOW_ASYNC_UNSAFE) lasts exactly as long as the browser, so no other test — nor
    `check --deploy` in a subprocess — ever sees it.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def page(browser, request, live_server, transactional_db) -> Page:
    """A new browser tab (own cookies) at laptop size; on failure a screenshot goes to test-artifacts/."""
    context = browser.new_context(viewport=LAPTOP, base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.js_errors = errors
    yield tab
    failed = any(
        getattr(request.node, f"report_{when}", None) and getattr(request.node, f"report_{when}").failed
        for when in ("setup", "call")
    )
    if failed:
        ARTIFACTS.mkdir(exist_ok=True)
        stem = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.nodeid.split("::", 1)[-1])
        try:
            tab.screenshot(path=f"{stem}.png", full_page=True)
            Path(f"{stem}.html").write_text(tab.content(), encoding="utf-8")
        except Exception as exc:  # the page may be gone; the test's own error matters more
            Path(f"{stem}.txt").write_text(f"no screenshot: {exc}", encoding="utf-8")
    context.close()


@pytest.fixture
def demo_data(transactional_db):
    """The demo inventory (9 cities, 20 salons, 43 numbers) and the four demo logins."""
    from django.core.management import call_command

    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115 - closed with the process


@pytest.fixture
def login(page, personas):
    """login("lawyer") signs in through the login form as that role's persona and lands on the dashboard."""

    def sign_in(role: str, *, next_url: str = "/") -> Page:
        page.goto(f"/accounts/login/?next={next_url}")
        page.get_by_label(re.compile("User name|Имя пользователя")).fill(personas[role].username)
        page.get_by_label(re.compile("Password|Пароль")).fill(PASSWORD)
        page.get_by_role("button", name=re.compile("Sign in|Войти")).click()
        expect(page.get_by_role("button", name=re.compile("Log out|Выйти"))).to_be_visible()
        return page

    return sign_in


def axe_violations(page: Page, impacts=("serious", "critical")) -> list[dict]:
    """axe-core's violations on the current page at the given impact levels (WCAG 2.x A/AA rules)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """async () => await axe.run(document, {
               runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
               resultTypes: ['violations']})"""
    )
    return [v for v in result["violations"] if v["impact"] in impacts]


def assert_accessible(page: Page) -> None:
    violations = axe_violations(page)
    readable = [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"][:5]],
        }
        for v in violations
    ]
    assert not violations, f"{page.url}: " + json.dumps(readable, ensure_ascii=False, indent=1)
