"""The inventory pages as a person uses them: what each shows, to whom, and what it refuses."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.telecom.models import PhoneNumber
from tests.factories import CityFactory, DepartmentFactory, PhoneNumberFactory

PAGE_NAMES = [
    "dashboard",
    "company:city-list",
    "company:department-list",
    "company:employee-list",
    "telecom:number-list",
    "telecom:numbers-at-risk",
    "telecom:provider-list",
    "telecom:line-list",
    "telecom:device-list",
]


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- access -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_a_user_without_a_role_is_refused_every_page(name, roleless_client):
    assert roleless_client.get(reverse(name)).status_code == 403


def test_a_user_without_a_role_is_refused_city_and_number_pages(inventory, roleless_client):
    assert roleless_client.get(reverse("company:city-detail", args=[inventory.kazan.pk])).status_code == 403
    assert roleless_client.get(reverse("telecom:number-detail", args=[inventory.kzn1.pk])).status_code == 403


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_anonymous_visitor_is_sent_to_login(name, client):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_nav_shows_a_lawyer_only_the_pages_a_lawyer_may_open(inventory, client_as):
    page = text(client_as("lawyer").get(reverse("dashboard")))
    assert reverse("telecom:number-list") in page
    assert reverse("telecom:numbers-at-risk") in page
    assert reverse("telecom:device-list") not in page
    assert reverse("company:employee-list") not in page


def test_nav_shows_an_accountant_phones_and_staff(inventory, client_as):
    page = text(client_as("accounting").get(reverse("dashboard")))
    assert reverse("telecom:device-list") in page
    assert reverse("company:employee-list") in page


# --- dashboard ----------------------------------------------------------------------------------------


def test_dashboard_counts_numbers_in_use_and_the_fees_at_risk(inventory, client_as):
    response = client_as("accounting").get(reverse("dashboard"))
    page = text(response)
    assert response.context["number_count"] == 5  # the released one is not in use
    assert response.context["direct_count"] == 1
    at_risk = response.context["at_risk"]
    assert at_risk.count == 4
    assert at_risk.fees == {
        "RUB": Decimal("1190.00") + Decimal("1190.50") + Decimal("700.25") + Decimal("800.00")
    }
    assert "3\u202f880.75\u00a0₽" in page


def test_dashboard_lists_cities_with_their_salon_and_number_counts(inventory, client_as):
    response = client_as("marketer").get(reverse("dashboard"))
    cities = {c.name: (c.department_count, c.number_count) for c in response.context["cities"]}
    assert cities == {"Kazan": (2, 3), "Ufa": (1, 2)}
    assert reverse("company:city-detail", args=[inventory.kazan.pk]) in text(response)


def test_dashboard_tells_what_we_would_lose_per_pbx_provider(inventory, client_as):
    response = client_as("lawyer").get(reverse("dashboard"))
    summary = {
        s.intermediary.name: (s.count, s.city_names) for s in response.context["at_risk"].by_intermediary
    }
    assert summary == {"ОблакоАТС": (3, ["Kazan", "Ufa"]), "ТелеХаб": (1, ["Ufa"])}


def test_empty_dashboard_tells_an_admin_how_to_load_the_inventory(client_as):
    page = text(client_as("admin").get(reverse("dashboard")))
    assert "No cities yet." in page
    assert "seed_demo" in page


# --- city page ----------------------------------------------------------------------------------------


def test_city_page_shows_salons_with_staff_counts(inventory, client_as):
    response = client_as("accounting").get(reverse("company:city-detail", args=[inventory.kazan.pk]))
    staff = {d.code: d.staff_count for d in response.context["departments"]}
    assert staff == {"KZN-01": 2, "KZN-02": 1}
    assert "Салон на Баумана" in text(response)


def test_city_page_shows_who_holds_each_number_today(inventory, client_as):
    response = client_as("accounting").get(reverse("company:city-detail", args=[inventory.kazan.pk]))
    holders = {
        n.number: [a.department.code for a in n.current_assignments] for n in response.context["numbers"]
    }
    assert holders["+78432000102"] == ["KZN-02"]  # moved on 2026-03-16
    assert holders["+78432000101"] == ["KZN-01"]
    assert holders["+78432000103"] == []
    page = text(response)
    assert "+7 843 200-01-02" in page
    assert "trunk-kzn" in page
    assert "Panasonic KX-TS2350RU" in page
    assert "GS-UFA" not in page  # Ufa's phone is not on Kazan's page


def test_city_page_shows_times_in_the_city_zone(inventory, client_as):
    moment = dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC)
    PhoneNumber.objects.filter(pk=inventory.ufa1.pk).update(updated_at=moment)
    page = text(client_as("admin").get(reverse("company:city-detail", args=[inventory.ufa.pk])))
    assert "2026-03-01 15:00" in page  # Asia/Yekaterinburg is UTC+5
    assert "Asia/Yekaterinburg" in page


def test_city_page_shows_a_lawyer_numbers_and_lines_but_no_phones(inventory, client_as):
    response = client_as("lawyer").get(reverse("company:city-detail", args=[inventory.kazan.pk]))
    page = text(response)
    assert "+7 843 200-01-01" in page
    assert "trunk-kzn" in page
    assert "Panasonic" not in page
    assert "devices" not in response.context


def test_city_page_without_salons_says_what_to_do(client_as):
    city = CityFactory(name="Samara", timezone="Europe/Samara", area_code="846")
    page = text(client_as("admin").get(reverse("company:city-detail", args=[city.pk])))
    assert "No salons in this city yet." in page
    assert "No numbers in this city yet." in page


def test_unknown_city_is_not_found(client_as, db):
    assert client_as("admin").get(reverse("company:city-detail", args=[999999])).status_code == 404


# --- number page --------------------------------------------------------------------------------------


def test_number_page_shows_both_forms_owner_intermediary_and_pbx(inventory, client_as):
    page = text(client_as("marketer").get(reverse("telecom:number-detail", args=[inventory.kzn1.pk])))
    for expected in (
        "+78432000101",
        "+7 843 200-01-01",
        "Волга-Связь",
        "ОблакоАТС",
        "oblako-20417",
        "At risk",
    ):
        assert expected in page, expected


def test_number_page_shows_the_assignment_history_newest_first(inventory, client_as):
    response = client_as("accounting").get(reverse("telecom:number-detail", args=[inventory.kzn2.pk]))
    history = [(a.department.code, a.valid_from, a.valid_to) for a in response.context["assignments"]]
    assert history == [
        ("KZN-02", dt.date(2026, 3, 16), None),
        ("KZN-01", dt.date(2025, 1, 1), dt.date(2026, 3, 16)),
    ]
    assert response.context["current_assignment"].department.code == "KZN-02"
    assert "2026-03-16" in text(response)


def test_number_page_shows_the_call_route_and_its_members(inventory, client_as):
    page = text(client_as("marketer").get(reverse("telecom:number-detail", args=[inventory.kzn1.pk])))
    assert "Ring group" in page
    assert "Галиева Алсу" in page
    assert "Пн–Сб 10:00–21:00" in page


def test_number_page_hides_the_call_route_from_a_lawyer(inventory, client_as):
    response = client_as("lawyer").get(reverse("telecom:number-detail", args=[inventory.kzn1.pk]))
    page = text(response)
    assert "Галиева Алсу" not in page
    assert "route" not in response.context


def test_number_page_without_a_route_says_what_to_do(inventory, client_as):
    page = text(client_as("admin").get(reverse("telecom:number-detail", args=[inventory.kzn_direct.pk])))
    assert "No call route" in page
    assert "never been given to a salon" in page


# --- numbers at risk ----------------------------------------------------------------------------------


def test_numbers_at_risk_are_grouped_by_city_and_intermediary_with_subtotals(inventory, client_as):
    response = client_as("lawyer").get(reverse("telecom:numbers-at-risk"))
    report = response.context["report"]
    groups = [
        (g.city.name, g.intermediary.name, [n.number for n in g.numbers], g.fees) for g in report.groups
    ]
    assert groups == [
        ("Kazan", "ОблакоАТС", ["+78432000101", "+78432000102"], {"RUB": Decimal("2380.50")}),
        ("Ufa", "ОблакоАТС", ["+73472000202"], {"RUB": Decimal("800.00")}),
        ("Ufa", "ТелеХаб", ["+73472000201"], {"RUB": Decimal("700.25")}),
    ]
    assert report.count == 4
    assert report.fees == {"RUB": Decimal("3880.75")}
    page = text(response)
    assert "2\u202f380.50\u00a0₽" in page
    assert "3\u202f880.75\u00a0₽" in page


def test_released_and_direct_numbers_are_not_at_risk(inventory, client_as):
    page = text(client_as("admin").get(reverse("telecom:numbers-at-risk")))
    assert "+7 843 200-01-04" not in page  # released
    assert "+7 843 200-01-03" not in page  # direct


def test_numbers_at_risk_can_be_narrowed_to_one_pbx_provider(inventory, client_as):
    url = reverse("telecom:numbers-at-risk") + f"?intermediary={inventory.telehub.pk}"
    report = client_as("admin").get(url).context["report"]
    assert [n.number for g in report.groups for n in g.numbers] == ["+73472000201"]
    assert report.fees == {"RUB": Decimal("700.25")}


def test_fees_in_another_currency_are_totalled_apart(inventory, client_as):
    PhoneNumber.objects.filter(pk=inventory.ufa1.pk).update(currency="EUR")
    report = client_as("admin").get(reverse("telecom:numbers-at-risk")).context["report"]
    assert report.fees == {"RUB": Decimal("3180.50"), "EUR": Decimal("700.25")}


def test_no_numbers_at_risk_says_changing_pbx_costs_nothing(client_as, db):
    PhoneNumberFactory()  # direct
    page = text(client_as("accounting").get(reverse("telecom:numbers-at-risk")))
    assert "would cost us no number" in page


# --- lists --------------------------------------------------------------------------------------------


def numbers_on(response):
    return [n.number for n in response.context["object_list"]]


def test_number_list_finds_a_number_typed_in_national_form(inventory, client_as):
    response = client_as("accounting").get(reverse("telecom:number-list"), {"q": "8 (843) 200-01-02"})
    assert numbers_on(response) == ["+78432000102"]


def test_number_list_shows_only_numbers_through_an_intermediary_when_asked(inventory, client_as):
    response = client_as("accounting").get(reverse("telecom:number-list"), {"through_intermediary": "true"})
    assert "+78432000103" not in numbers_on(response)
    assert len(numbers_on(response)) == 5


def test_number_list_filters_by_city_and_status(inventory, client_as):
    response = client_as("accounting").get(
        reverse("telecom:number-list"), {"city": inventory.kazan.pk, "status": "released"}
    )
    assert numbers_on(response) == ["+78432000104"]


def test_number_list_says_when_nothing_matches(inventory, client_as):
    page = text(client_as("accounting").get(reverse("telecom:number-list"), {"q": "999999"}))
    assert "No number matches these filters." in page


def test_number_list_names_a_bad_filter_value(inventory, client_as):
    page = text(client_as("accounting").get(reverse("telecom:number-list"), {"status": "lost"}))
    assert "Select a valid choice" in page


def test_lists_paginate_by_fifty(client_as, db):
    city = CityFactory(name="Kazan")
    DepartmentFactory.create_batch(51, city=city)
    client = client_as("accounting")
    first = client.get(reverse("company:department-list"))
    assert len(first.context["object_list"]) == 50
    assert "Page 1 of 2" in text(first)
    assert len(client.get(reverse("company:department-list"), {"page": 2}).context["object_list"]) == 1


def test_department_list_filters_by_city_and_counts_staff(inventory, client_as):
    response = client_as("lawyer").get(reverse("company:department-list"), {"city": inventory.kazan.pk})
    assert [(d.code, d.staff_count) for d in response.context["object_list"]] == [
        ("KZN-01", 2),
        ("KZN-02", 1),
    ]


def test_employee_list_searches_by_name(inventory, client_as):
    response = client_as("marketer").get(reverse("company:employee-list"), {"q": "алсу"})
    assert [e.name for e in response.context["object_list"]] == ["Галиева Алсу"]


def test_provider_list_counts_numbers_carried_and_rented_through(inventory, client_as):
    response = client_as("lawyer").get(reverse("telecom:provider-list"))
    counts = {p.name: (p.carried_count, p.intermediated_count) for p in response.context["object_list"]}
    assert counts["Волга-Связь"] == (3, 0)  # the released number no longer counts
    assert counts["ОблакоАТС"] == (0, 3)
    assert counts["ТелеХаб"] == (0, 1)


def test_provider_list_filters_by_kind(inventory, client_as):
    response = client_as("lawyer").get(reverse("telecom:provider-list"), {"kind": "pbx_provider"})
    assert sorted(p.name for p in response.context["object_list"]) == ["ОблакоАТС", "ТелеХаб"]


def test_line_list_finds_a_line_by_its_trunk_id(inventory, client_as):
    response = client_as("lawyer").get(reverse("telecom:line-list"), {"q": "trunk-kzn"})
    assert [line.name for line in response.context["object_list"]] == ["SIP Kazan"]


def test_device_list_filters_by_city_and_kind(inventory, client_as):
    response = client_as("admin").get(
        reverse("telecom:device-list"), {"city": inventory.kazan.pk, "kind": "ip_phone"}
    )
    assert [d.serial for d in response.context["object_list"]] == ["YL00101"]


def test_empty_device_list_says_who_adds_phones(client_as, db):
    page = text(client_as("admin").get(reverse("telecom:device-list")))
    assert "No phones recorded yet." in page


def test_provider_search_ignores_the_case_of_cyrillic_letters(inventory, client_as):
    response = client_as("lawyer").get(reverse("telecom:provider-list"), {"q": "облако"})
    assert [p.name for p in response.context["object_list"]] == ["ОблакоАТС"]
