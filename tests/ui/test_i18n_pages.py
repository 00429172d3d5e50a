"""The billing, rollout and calls pages in Russian: every word of the page is Russian, an abbreviation, or
comes from the data (codes, file names) — an unmarked or untranslated string fails with the page and word."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import translation

from apps.billing.models import Budget, CostReport
from apps.billing.rating import Month
from apps.billing.services import calls_rate, cost_report_build, cost_report_render
from apps.calls.models import QuarantinedRow
from tests.billing.conftest import world  # noqa: F401 - the small Kazan world of the billing tests
from tests.billing.factories import CallRecordFactory
from tests.calls.factories import ImportRunFactory, SourceFactory
from tests.rollout.factories import (
    CandidateFactory,
    MigrationItemFactory,
    RequirementFactory,
    RolloutPhaseFactory,
    RolloutProjectFactory,
)

MARCH = Month(2026, 3)
# Words that are the same in a Russian interface: formats, protocols, currencies, the language switch.
SAME_IN_RUSSIAN = {"API", "CSV", "JSON", "PDF", "XLSX", "RUB", "UTC", "English", "SIP", "PBX", "CDR", "MNP"}
SAME_IN_RUSSIAN |= {"FreeSWITCH"}  # product names
SAME_IN_RUSSIAN |= {"unassigned"}  # a value typed into the drill-down's department filter, as is
WORD = re.compile(r"[A-Za-z][A-Za-z']{2,}")


class _VisibleText(HTMLParser):
    """The text a person reads or hears: text nodes and aria-label/title/placeholder/alt attributes."""

    hidden = {"script", "style", "code"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.hidden:
            self._depth += 1
        self.parts += [v for k, v in attrs if k in ("aria-label", "title", "placeholder", "alt") and v]

    def handle_endtag(self, tag):
        if tag in self.hidden:
            self._depth -= 1

    def handle_data(self, data):
        if not self._depth:
            self.parts.append(data)


def visible_words(html: str) -> set[str]:
    parser = _VisibleText()
    parser.feed(html)
    return set(WORD.findall(" ".join(parser.parts)))


def data_words() -> set[str]:
    """Every Latin word stored in a text column of our apps (codes, file names, usernames…)."""
    found: set[str] = set()
    for label in ("accounts", "company", "telecom", "contracts", "calls", "billing", "rollout", "risk"):
        for model in apps.get_app_config(label).get_models():
            fields = [
                f.name
                for f in model._meta.concrete_fields
                if isinstance(f, (models.CharField, models.TextField))
            ]
            for row in model.objects.values_list(*fields):
                for value in row:
                    found |= set(WORD.findall(str(value) if value is not None else ""))
    return found


@pytest.fixture
def everything(world, personas):  # noqa: F811
    """March 2026 rated and reported with budgets, a rollout project, a migration item, a selection, runs."""
    w = world
    CallRecordFactory(callee="89171234567", billsec=61, line=w.line, department=w.sales)
    CallRecordFactory(callee="+4930123456", billsec=60, line=w.line, department=w.office)  # unrated
    calls_rate(month=MARCH)
    Budget.objects.create(department=w.sales, period=MARCH.first_day, amount=Decimal("100.00"))  # over
    cost_report_build(month=MARCH)
    project = RolloutProjectFactory(
        name="Подключение салонов", goal="Все салоны на облачной АТС", owner=personas["marketer"]
    )
    RolloutPhaseFactory(project=project, city=w.city, status="planned", planned_on=dt.date(2026, 4, 1))
    MigrationItemFactory()
    requirement = RequirementFactory(text="Запись разговоров")
    candidate = CandidateFactory(selection=requirement.selection)
    source = SourceFactory(slug="kzn-pbx", name="АТС Казань")
    run = ImportRunFactory(
        source=source, status="succeeded", read=3, inserted=2, rejected=1, file_name="Master.csv"
    )
    QuarantinedRow.objects.create(run=run, line=3, reason="нет времени начала", raw="x")
    return {"project": project, "selection": candidate.selection, "run": run}


def _pages(everything) -> list[str]:
    return [
        "/costs/?month=2026-03",
        "/costs/2026-03/",
        "/costs/2026-04/",  # not built yet: the empty state
        "/costs/2026-03/calls/",
        "/costs/2026-03/calls/?status=unrated",
        "/costs/2026-03/what-if/",
        "/costs/2026-03/what-if/?tariff=TT-BASE",
        "/rollout/",
        f"/rollout/projects/{everything['project'].pk}/",
        "/rollout/migration/",
        "/rollout/selections/",
        f"/rollout/selections/{everything['selection'].pk}/",
        "/rollout/analytics/?from=2026-03-01&to=2026-03-31",
        "/calls/runs/",
        f"/calls/runs/{everything['run'].pk}/",
        "/calls/sources/",
        "/calls/upload/",
        "/",
    ]


def test_billing_rollout_and_calls_pages_speak_russian(everything, client_as):
    allowed = SAME_IN_RUSSIAN | data_words()
    client = client_as("admin")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    english = {}
    for url in _pages(everything):
        response = client.get(url)
        assert response.status_code == 200, url
        left = sorted(visible_words(response.content.decode()) - allowed)
        if left:
            english[url] = left
    assert english == {}


def test_the_same_check_finds_english_on_the_english_pages(everything, client_as):
    """The check above can fail: in English the same pages are full of words it would report."""
    allowed = SAME_IN_RUSSIAN | data_words()
    page = client_as("admin").get("/costs/2026-03/").content.decode()
    assert {"Download", "Budget", "Unassigned"} <= visible_words(page) - allowed


def test_the_cost_report_pdf_is_in_russian_when_russian_is_active(everything):
    from pypdf import PdfReader

    report = CostReport.objects.get(period=MARCH.first_day)
    with translation.override("ru"):
        pdf = cost_report_render(report, fmt="pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "затраты на связь за 2026-03" in text
    assert "Утвердил (главный бухгалтер)" in text
    assert "Не распределено" in text
    assert "Unassigned" not in text and "Approved by" not in text
