"""Every page's query count stays flat when the data grows (no N+1)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.telecom.models import Provider
from tests.factories import (
    CallRouteFactory,
    DepartmentFactory,
    DeviceFactory,
    EmployeeFactory,
    ExtensionFactory,
    LineFactory,
    NumberAssignmentFactory,
    PhoneNumberFactory,
    ProviderFactory,
)


def grow(city, route, salon, pbx, rounds: int = 3) -> None:
    """Add rows of every kind a page shows, in `city`, to a route and a number's history."""
    for _ in range(rounds):
        department = DepartmentFactory(city=city)
        employee = EmployeeFactory(department=department)
        EmployeeFactory(department=department)
        number = PhoneNumberFactory(
            city=city, carrier=ProviderFactory(), intermediary=pbx, monthly_fee=Decimal("10.00")
        )
        NumberAssignmentFactory(number=number, department=department, valid_from=dt.date(2025, 1, 1))
        CallRouteFactory(number=number).members.set([ExtensionFactory(department=department)])
        LineFactory(city=city, department=department)
        DeviceFactory(department=department, employee=employee)
        extension = ExtensionFactory(department=salon, employee=EmployeeFactory(department=salon))
        route.members.add(extension)
        ProviderFactory(kind=Provider.Kind.PBX_PROVIDER)


@pytest.fixture
def pages(inventory):
    return [
        reverse("dashboard"),
        reverse("company:city-list"),
        reverse("company:city-detail", args=[inventory.kazan.pk]),
        reverse("company:department-list"),
        reverse("company:employee-list"),
        reverse("telecom:number-list"),
        reverse("telecom:number-detail", args=[inventory.kzn1.pk]),
        reverse("telecom:numbers-at-risk"),
        reverse("telecom:provider-list"),
        reverse("telecom:line-list"),
        reverse("telecom:device-list"),
    ]


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_no_page_makes_more_queries_when_rows_are_added(inventory, pages, client_as):
    client = client_as("admin")
    before = {url: count_queries(client, url) for url in pages}
    grow(inventory.kazan, inventory.route, inventory.bauman, inventory.oblako)
    # A second number in the history of the number page: assignments grow too.
    NumberAssignmentFactory(
        number=inventory.kzn_direct, department=inventory.bauman, valid_from=dt.date(2025, 1, 1)
    )
    after = {url: count_queries(client, url) for url in pages}
    assert after == before


def test_the_pages_really_grew(inventory, pages, client_as):
    """Guards the test above: the added rows do show on the pages, so the counts compare like with like."""
    client = client_as("admin")
    grow(inventory.kazan, inventory.route, inventory.bauman, inventory.oblako)
    city = client.get(reverse("company:city-detail", args=[inventory.kazan.pk])).context
    assert len(city["departments"]) == 5 and len(city["devices"]) == 5 and len(city["lines"]) == 5
    route = client.get(reverse("telecom:number-detail", args=[inventory.kzn1.pk])).context["route"]
    assert route.members.count() == 4
    assert client.get(reverse("telecom:numbers-at-risk")).context["report"].count == 7
