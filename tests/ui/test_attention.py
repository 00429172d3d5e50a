"""The dashboard's "needs attention today": each role sees what it should act on, most urgent first."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from apps.core.attention import attention_items
from apps.telecom.models import PhoneNumber
from tests.contracts.factories import ContractFactory
from tests.factories import NumberAssignmentFactory, PhoneNumberFactory, ProviderFactory

TODAY = dt.date(2026, 11, 25)


def _keys(user, today=TODAY) -> dict[str, int]:
    return {item.key: item.count for item in attention_items(user, today=today)}


def test_active_numbers_that_no_salon_holds_are_listed(personas):
    held = PhoneNumberFactory(status=PhoneNumber.Status.ACTIVE)
    NumberAssignmentFactory(number=held, valid_from=dt.date(2026, 1, 1))
    PhoneNumberFactory(status=PhoneNumber.Status.ACTIVE)  # nobody holds it
    PhoneNumberFactory(status=PhoneNumber.Status.RESERVED)  # reserved: expected to be unheld
    assert _keys(personas["marketer"])["telecom.unassigned"] == 1


def test_the_link_of_an_item_opens_the_list_of_exactly_those_numbers(personas, client_as):
    PhoneNumberFactory(status=PhoneNumber.Status.ACTIVE, number="+78432000999")
    held = PhoneNumberFactory(status=PhoneNumber.Status.ACTIVE, number="+78432000998")
    NumberAssignmentFactory(number=held, valid_from=dt.date(2020, 1, 1))
    item = next(i for i in attention_items(personas["marketer"]) if i.key == "telecom.unassigned")
    page = client_as("marketer").get(item.url).content.decode()
    assert "+7 843 200-09-99" in page
    assert "+7 843 200-09-98" not in page


def test_nothing_is_listed_when_there_is_nothing_to_do(personas):
    assert attention_items(personas["lawyer"], today=TODAY) == []


def test_items_of_other_roles_are_not_shown(personas):
    PhoneNumberFactory(status=PhoneNumber.Status.ACTIVE)
    assert "telecom.unassigned" not in _keys(personas["lawyer"])  # lawyers do not assign numbers


def test_contract_notice_deadlines_come_first_and_only_to_those_who_deal_with_contracts(personas):
    # Signed 2026-01-01 for 12 months, 30 days' notice: the last day to give notice is 2026-12-01.
    ContractFactory(start_date=dt.date(2026, 1, 1), initial_term_months=12, notice_days=30)
    PhoneNumberFactory(status=PhoneNumber.Status.ACTIVE, intermediary=ProviderFactory())
    lawyer_items = attention_items(personas["lawyer"], today=TODAY)
    assert lawyer_items[0].key == "contracts.notice_deadlines"
    assert lawyer_items[0].count == 1
    assert lawyer_items[0].severity_label == "Act now"
    assert "contracts.notice_deadlines" not in _keys(personas["marketer"])


def test_a_deadline_far_beyond_the_window_is_not_listed(personas):
    ContractFactory(start_date=dt.date(2026, 1, 1), initial_term_months=12, notice_days=30)
    assert "contracts.notice_deadlines" not in _keys(personas["lawyer"], today=dt.date(2026, 6, 1))


def test_the_dashboard_shows_the_items_with_their_counts_and_links(personas, client_as):
    PhoneNumberFactory(status=PhoneNumber.Status.ACTIVE)
    page = client_as("accounting").get(reverse("dashboard")).content.decode()
    assert 'data-key="telecom.unassigned"' in page
    assert "Active numbers no salon holds today" in page
    assert "?status=active&amp;held=false" in page


def test_the_dashboard_says_when_nothing_needs_attention(client_as, personas):
    page = client_as("lawyer").get(reverse("dashboard")).content.decode()
    assert "Nothing needs your attention today." in page


def test_open_high_risks_are_listed_for_the_lawyer_with_a_link_to_the_register(personas, client_as):
    from tests.risk.factories import RiskFindingFactory

    RiskFindingFactory(severity="high")
    RiskFindingFactory(severity="critical")
    RiskFindingFactory(severity="medium")  # does not block approval
    RiskFindingFactory(severity="high", status="accepted_risk")  # decided
    item = next(i for i in attention_items(personas["lawyer"], today=TODAY) if i.key == "risk.blocking")
    assert item.count == 2
    assert "risk.blocking" not in _keys(personas["marketer"])
    page = client_as("lawyer").get(item.url)
    assert page.status_code == 200
