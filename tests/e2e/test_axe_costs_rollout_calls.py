"""axe-core on the billing, rollout and calls pages, in English and Russian: no serious violations."""

from __future__ import annotations

from django.conf import settings

from tests.billing.conftest import world  # noqa: F401 - fixtures of the i18n page test's world
from tests.e2e.conftest import assert_accessible
from tests.ui.test_i18n_pages import _pages, everything  # noqa: F401


def test_the_cost_rollout_and_calls_pages_have_no_serious_accessibility_violations(everything, login, page):  # noqa: F811
    login("admin")
    problems = {}
    for url in _pages(everything):
        response = page.goto(url)
        assert response.ok, url
        try:
            assert_accessible(page)
        except AssertionError as exc:
            problems[url] = str(exc)[:1500]
    assert problems == {}


def test_the_same_pages_in_russian_are_accessible_too(everything, login, page):  # noqa: F811
    login("admin")
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "ru", "url": page.url}])
    problems = {}
    for url in [
        "/costs/2026-03/",
        "/costs/2026-03/calls/",
        "/rollout/",
        "/rollout/migration/",
        "/calls/runs/",
    ]:
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == "ru"
        try:
            assert_accessible(page)
        except AssertionError as exc:
            problems[url] = str(exc)[:1500]
    assert problems == {}
