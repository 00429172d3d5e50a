"""REST API of the telecom inventory: numbers, assignments, lines, PBX, extensions, devices, routes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from apps.telecom.models import (
    CallRoute,
    Device,
    Extension,
    Line,
    NumberAssignment,
    PbxAccount,
    PhoneNumber,
    Provider,
)
from tests import factories as f
from tests.api_crud import ApiResource, check_crud_cycle, check_list_queries, check_refusal


def _number_held_through_a_pbx_provider():
    pbx = f.PbxAccountFactory()
    number = f.PhoneNumberFactory(intermediary=pbx.provider, pbx_account=pbx)
    f.NumberAssignmentFactory(number=number)
    return number


def _route_with_members():
    route = f.CallRouteFactory()
    route.members.add(f.ExtensionFactory(), f.ExtensionFactory())
    return route


def _extension_payload():
    department = f.DepartmentFactory()
    return {
        "extension": "101",
        "pbx_account": f.PbxAccountFactory().pk,
        "department": department.pk,
        "employee": f.EmployeeFactory(department=department).pk,
        "valid_from": "2026-01-01",
    }


RESOURCES = [
    ApiResource(
        "telecom-api:provider",
        Provider,
        create=lambda: {"name": "Ростелеком", "kind": "operator", "inn": "7707049388"},
        update={"contact_name": "Ирина Волкова"},
        invalid=lambda: ({"name": "Оператор", "kind": "operator", "inn": "123"}, "inn"),
        make=f.ProviderFactory,
    ),
    ApiResource(
        "telecom-api:phonenumber",
        PhoneNumber,
        create=lambda: {
            "number": "8 (843) 200-12-34",
            "kind": "geographic",
            "city": f.CityFactory().pk,
            "carrier": f.ProviderFactory().pk,
            "intermediary": f.ProviderFactory(kind=Provider.Kind.PBX_PROVIDER).pk,
            "monthly_fee": "450.00",
        },
        expect={"number": "+78432001234"},
        update={"monthly_fee": "750.00"},
        invalid=lambda: (
            {"number": "12-34", "city": f.CityFactory().pk, "carrier": f.ProviderFactory().pk},
            "number",
        ),
        make=_number_held_through_a_pbx_provider,
    ),
    ApiResource(
        "telecom-api:numberassignment",
        NumberAssignment,
        create=lambda: {
            "number": f.PhoneNumberFactory().pk,
            "department": f.DepartmentFactory().pk,
            "valid_from": "2026-09-01",
            "valid_to": "2026-10-15",
        },
        update={"note": "Переезд салона"},
        invalid=lambda: (
            {
                "number": f.PhoneNumberFactory().pk,
                "department": f.DepartmentFactory().pk,
                "valid_from": "2026-10-15",
                "valid_to": "2026-09-01",
            },
            "valid_to",
        ),
        make=f.NumberAssignmentFactory,
    ),
    ApiResource(
        "telecom-api:line",
        Line,
        create=lambda: {
            "name": "Казань SIP",
            "kind": "sip_trunk",
            "provider": f.ProviderFactory().pk,
            "city": f.CityFactory().pk,
            "department": f.DepartmentFactory().pk,
            "trunk_id": "trunk-kzn",
            "channels": 4,
        },
        update={"channels": 8},
        invalid=lambda: (
            {"name": "x", "provider": f.ProviderFactory().pk, "city": f.CityFactory().pk, "channels": 0},
            "channels",
        ),
        make=lambda: f.LineFactory(department=f.DepartmentFactory()),
    ),
    ApiResource(
        "telecom-api:pbxaccount",
        PbxAccount,
        create=lambda: {
            "provider": f.ProviderFactory(kind=Provider.Kind.PBX_PROVIDER).pk,
            "account_id": "kzn-4471",
            "name": "Облачная АТС Казань",
        },
        update={"name": "Облачная АТС Поволжье"},
        invalid=lambda: ({"account_id": "kzn-1"}, "provider"),
        make=f.PbxAccountFactory,
    ),
    ApiResource(
        "telecom-api:extension",
        Extension,
        create=_extension_payload,
        update={"extension": "555"},
        invalid=lambda: (
            {"extension": "1", "department": f.DepartmentFactory().pk, "valid_from": "2026-01-01"},
            "extension",
        ),
        make=lambda: f.ExtensionFactory(
            pbx_account=f.PbxAccountFactory(), employee=f.EmployeeFactory(department=f.DepartmentFactory())
        ),
    ),
    ApiResource(
        "telecom-api:device",
        Device,
        create=lambda: {
            "kind": "ip_phone",
            "model": "Yealink T31P",
            "serial": "YL-000417",
            "mac": "80-5e-c0-1a-2b-3c",
            "department": f.DepartmentFactory().pk,
            "purchase_date": "2026-03-02",
            "purchase_cost": "6490.00",
        },
        expect={"mac": "80:5E:C0:1A:2B:3C"},
        update={"status": "repair"},
        invalid=lambda: (
            {"kind": "ip_phone", "model": "T31P", "mac": "zz", "department": f.DepartmentFactory().pk},
            "mac",
        ),
        make=lambda: f.DeviceFactory(employee=f.EmployeeFactory()),
    ),
    ApiResource(
        "telecom-api:callroute",
        CallRoute,
        create=lambda: {
            "number": f.PhoneNumberFactory().pk,
            "kind": "ring_group",
            "strategy": "sequential",
            "members": [f.ExtensionFactory().pk, f.ExtensionFactory().pk],
            "schedule": "Пн–Сб 09:00–20:00",
        },
        update={"ring_seconds": 20},
        invalid=lambda: ({"number": f.PhoneNumberFactory().pk, "members": [999_999]}, "members"),
        make=_route_with_members,
    ),
]
IDS = [str(r) for r in RESOURCES]


@pytest.mark.parametrize("resource", RESOURCES, ids=IDS)
def test_admin_creates_reads_updates_and_deletes_a_row(resource, admin_api):
    check_crud_cycle(resource, admin_api)


@pytest.mark.parametrize("resource", RESOURCES, ids=IDS)
def test_invalid_input_is_refused_naming_the_field_and_nothing_is_saved(resource, admin_api):
    check_refusal(resource, admin_api)


@pytest.mark.parametrize("resource", RESOURCES, ids=IDS)
def test_list_is_paginated_and_its_query_count_does_not_grow_with_rows(resource, admin_api):
    check_list_queries(resource, admin_api)


# Numbers -------------------------------------------------------------------------------------


NUMBERS = "/api/v1/numbers/"


def test_a_number_typed_nationally_is_stored_and_returned_in_e164_with_a_display_form(admin_api):
    response = admin_api.post(
        NUMBERS,
        {"number": "8 (843) 200-00-00", "city": f.CityFactory().pk, "carrier": f.ProviderFactory().pk},
    )
    assert response.status_code == 201, response.content
    assert response.json()["number"] == "+78432000000"
    assert response.json()["display"] == "+7 843 200-00-00"
    assert PhoneNumber.objects.get().number == "+78432000000"


def test_a_number_we_already_hold_is_refused_whatever_form_it_is_written_in(admin_api):
    existing = f.PhoneNumberFactory(number="+78432000000")
    response = admin_api.post(
        NUMBERS,
        {"number": "8-843-200-00-00", "city": existing.city_id, "carrier": existing.carrier_id},
    )
    assert response.status_code == 400
    assert response.json()["number"] == ["We already hold this number."]


def test_an_unparseable_number_is_refused_with_a_message_quoting_it(admin_api):
    response = admin_api.post(
        NUMBERS, {"number": "двести", "city": f.CityFactory().pk, "carrier": f.ProviderFactory().pk}
    )
    assert response.status_code == 400
    assert "двести" in response.json()["number"][0]
    assert not PhoneNumber.objects.exists()


def test_the_carrier_cannot_also_be_the_intermediary(admin_api):
    carrier = f.ProviderFactory()
    response = admin_api.post(
        NUMBERS,
        {
            "number": "+78432000001",
            "city": f.CityFactory().pk,
            "carrier": carrier.pk,
            "intermediary": carrier.pk,
        },
    )
    assert response.status_code == 400
    assert response.json()["intermediary"] == ["The intermediary cannot be the carrier itself."]
    assert not PhoneNumber.objects.exists()


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_numbers_are_filtered_by_city_carrier_intermediary_status_and_kind(admin_api):
    kazan, ufa = f.CityFactory(name="Казань"), f.CityFactory(name="Уфа")
    mts, beeline = f.ProviderFactory(name="МТС"), f.ProviderFactory(name="Билайн")
    cloud = f.ProviderFactory(name="Облачная АТС", kind=Provider.Kind.PBX_PROVIDER)
    a = f.PhoneNumberFactory(city=kazan, carrier=mts, intermediary=cloud)
    b = f.PhoneNumberFactory(city=kazan, carrier=beeline, kind=PhoneNumber.Kind.MOBILE, number="+79171234567")
    c = f.PhoneNumberFactory(
        city=ufa, carrier=mts, status=PhoneNumber.Status.RELEASED, released_on=dt.date(2026, 5, 1)
    )

    assert _ids(admin_api.get(NUMBERS, {"city": kazan.pk})) == {a.pk, b.pk}
    assert _ids(admin_api.get(NUMBERS, {"carrier": mts.pk})) == {a.pk, c.pk}
    assert _ids(admin_api.get(NUMBERS, {"intermediary": cloud.pk})) == {a.pk}
    assert _ids(admin_api.get(NUMBERS, {"direct": "true"})) == {b.pk, c.pk}
    assert _ids(admin_api.get(NUMBERS, {"status": "released"})) == {c.pk}
    assert _ids(admin_api.get(NUMBERS, {"kind": "mobile"})) == {b.pk}
    assert _ids(admin_api.get(f"{NUMBERS}?city={kazan.pk}&city={ufa.pk}")) == {a.pk, b.pk, c.pk}


def test_at_risk_lists_only_live_numbers_held_through_an_intermediary(admin_api):
    cloud = f.ProviderFactory(kind=Provider.Kind.PBX_PROVIDER)
    at_risk = f.PhoneNumberFactory(intermediary=cloud)
    f.PhoneNumberFactory(
        intermediary=cloud, status=PhoneNumber.Status.RELEASED, released_on=dt.date(2026, 5, 1)
    )
    direct = f.PhoneNumberFactory()

    response = admin_api.get(NUMBERS, {"at_risk": "true"})
    assert _ids(response) == {at_risk.pk}
    assert response.json()["results"][0]["at_risk"] is True
    assert direct.pk in _ids(admin_api.get(NUMBERS, {"at_risk": "false"}))
    assert at_risk.pk not in _ids(admin_api.get(NUMBERS, {"at_risk": "false"}))


def test_numbers_are_filtered_by_the_department_holding_them_today(admin_api):
    today = timezone.localdate()
    salon, other = f.DepartmentFactory(), f.DepartmentFactory()
    held_now = f.NumberAssignmentFactory(department=salon, valid_from=today - dt.timedelta(days=30)).number
    moved_away = f.NumberAssignmentFactory(
        department=salon, valid_from=today - dt.timedelta(days=60), valid_to=today
    ).number
    f.NumberAssignmentFactory(number=moved_away, department=other, valid_from=today)

    response = admin_api.get(NUMBERS, {"department": salon.pk})
    assert _ids(response) == {held_now.pk}
    assert response.json()["results"][0]["current_department"]["code"] == salon.code
    assert _ids(admin_api.get(NUMBERS, {"department": other.pk})) == {moved_away.pk}


def test_a_number_can_be_looked_up_in_its_national_form(admin_api):
    wanted = f.PhoneNumberFactory(number="+78432000000")
    f.PhoneNumberFactory(number="+78432000001")
    assert _ids(admin_api.get(NUMBERS, {"number": "8 (843) 200-00-00"})) == {wanted.pk}


def test_looking_up_something_that_is_not_a_number_says_so(admin_api):
    response = admin_api.get(NUMBERS, {"number": "abc"})
    assert response.status_code == 400
    assert "number" in response.json()


def test_numbers_are_searched_and_ordered_by_fee(admin_api):
    cheap = f.PhoneNumberFactory(monthly_fee="100.00", notes="резервный номер")
    dear = f.PhoneNumberFactory(monthly_fee="900.00")
    ordered = admin_api.get(NUMBERS, {"ordering": "-monthly_fee"}).json()["results"]
    assert [row["id"] for row in ordered] == [dear.pk, cheap.pk]
    assert _ids(admin_api.get(NUMBERS, {"search": "резервный"})) == {cheap.pk}


# Assignments ---------------------------------------------------------------------------------


ASSIGNMENTS = "/api/v1/number-assignments/"


def _assign(api, number, start, end=None):
    department = f.DepartmentFactory()
    return api.post(
        ASSIGNMENTS,
        {"number": number.pk, "department": department.pk, "valid_from": start, "valid_to": end},
    )


def test_an_overlapping_assignment_is_refused_naming_the_period_it_clashes_with(admin_api):
    number = f.PhoneNumberFactory()
    assert _assign(admin_api, number, "2026-09-01", "2026-10-15").status_code == 201
    response = _assign(admin_api, number, "2026-10-01")
    assert response.status_code == 400
    assert response.json()["valid_from"] == [
        f"Overlaps the period 2026-09-01 → 2026-10-15 of {NumberAssignment.objects.get()}."
    ]
    assert NumberAssignment.objects.count() == 1


def test_an_assignment_starting_the_day_the_previous_one_ends_is_accepted(admin_api):
    number = f.PhoneNumberFactory()
    assert _assign(admin_api, number, "2026-09-01", "2026-10-15").status_code == 201
    response = _assign(admin_api, number, "2026-10-15")
    assert response.status_code == 201, response.content
    assert NumberAssignment.objects.filter(number=number).count() == 2


def test_a_second_assignment_starting_the_same_day_is_refused_on_valid_from(admin_api):
    number = f.PhoneNumberFactory()
    assert _assign(admin_api, number, "2026-09-01").status_code == 201
    response = _assign(admin_api, number, "2026-09-01", "2026-09-30")
    assert response.status_code == 400
    assert "valid_from" in response.json()


def test_moving_an_assignment_onto_another_period_is_refused(admin_api):
    number = f.PhoneNumberFactory()
    f.NumberAssignmentFactory(number=number, valid_from=dt.date(2026, 1, 1), valid_to=dt.date(2026, 6, 1))
    later = f.NumberAssignmentFactory(number=number, valid_from=dt.date(2026, 6, 1))
    response = admin_api.patch(f"{ASSIGNMENTS}{later.pk}/", {"valid_from": "2026-05-01"})
    assert response.status_code == 400
    assert "valid_from" in response.json()
    later.refresh_from_db()
    assert later.valid_from == dt.date(2026, 6, 1)


def test_assignments_effective_on_a_day_are_listed(admin_api):
    number = f.PhoneNumberFactory()
    old = f.NumberAssignmentFactory(
        number=number, valid_from=dt.date(2026, 9, 1), valid_to=dt.date(2026, 10, 15)
    )
    new = f.NumberAssignmentFactory(number=number, valid_from=dt.date(2026, 10, 15))
    assert _ids(admin_api.get(ASSIGNMENTS, {"effective_on": "2026-10-14"})) == {old.pk}
    assert _ids(admin_api.get(ASSIGNMENTS, {"effective_on": "2026-10-15"})) == {new.pk}


def test_deleting_a_number_that_has_assignments_is_refused(admin_api):
    assignment = f.NumberAssignmentFactory()
    response = admin_api.delete(f"{NUMBERS}{assignment.number_id}/")
    assert response.status_code == 409
    assert "number assignments" in response.json()["detail"]
    assert PhoneNumber.objects.filter(pk=assignment.number_id).exists()


# Lines, extensions, devices, routes ----------------------------------------------------------


def test_two_lines_with_one_trunk_id_are_refused(admin_api):
    line = f.LineFactory(trunk_id="trunk-kzn")
    response = admin_api.post(
        "/api/v1/lines/",
        {"name": "другая", "provider": line.provider_id, "city": line.city_id, "trunk_id": "trunk-kzn"},
    )
    assert response.status_code == 400
    assert Line.objects.count() == 1


def test_an_extension_cannot_belong_to_someone_from_another_department(admin_api):
    response = admin_api.post(
        "/api/v1/extensions/",
        {
            "extension": "201",
            "department": f.DepartmentFactory().pk,
            "employee": f.EmployeeFactory().pk,
            "valid_from": "2026-01-01",
        },
    )
    assert response.status_code == 400
    assert response.json()["employee"] == ["The employee works in another department."]


def test_an_extension_reused_on_one_pbx_while_still_in_use_is_refused(admin_api):
    existing = f.ExtensionFactory(extension="101", pbx_account=f.PbxAccountFactory())
    response = admin_api.post(
        "/api/v1/extensions/",
        {
            "extension": "101",
            "pbx_account": existing.pbx_account_id,
            "department": f.DepartmentFactory().pk,
            "valid_from": "2026-06-01",
        },
    )
    assert response.status_code == 400
    assert "valid_from" in response.json()


def test_a_mac_address_known_in_another_spelling_is_refused(admin_api):
    f.DeviceFactory(mac="80:5E:C0:1A:2B:3C")
    response = admin_api.post(
        "/api/v1/devices/",
        {
            "kind": "ip_phone",
            "model": "T31P",
            "mac": "80-5e-c0-1a-2b-3c",
            "department": f.DepartmentFactory().pk,
        },
    )
    assert response.status_code == 400
    assert response.json()["mac"] == ["Another device has this MAC address."]


def test_two_devices_with_one_serial_are_refused_but_blank_serials_are_fine(admin_api):
    department = f.DepartmentFactory()
    f.DeviceFactory(serial="YL-1")
    payload = {"kind": "analogue_phone", "model": "Panasonic KX-TS2350", "department": department.pk}
    assert admin_api.post("/api/v1/devices/", {**payload, "serial": "YL-1"}).status_code == 400
    assert admin_api.post("/api/v1/devices/", {**payload, "serial": ""}).status_code == 201
    assert admin_api.post("/api/v1/devices/", {**payload, "serial": ""}).status_code == 201


def test_devices_are_filtered_by_city_and_status(admin_api):
    kazan = f.CityFactory(name="Казань")
    in_kazan = f.DeviceFactory(department=f.DepartmentFactory(city=kazan), status=Device.Status.REPAIR)
    f.DeviceFactory()
    assert _ids(admin_api.get("/api/v1/devices/", {"city": kazan.pk})) == {in_kazan.pk}
    assert _ids(admin_api.get("/api/v1/devices/", {"status": "repair"})) == {in_kazan.pk}


def test_a_number_has_at_most_one_call_route(admin_api):
    route = f.CallRouteFactory()
    response = admin_api.post("/api/v1/call-routes/", {"number": route.number_id, "kind": "queue"})
    assert response.status_code == 400
    assert response.json()["number"] == ["This number already has a route."]


def test_the_marketer_changes_call_routes_but_not_numbers(api_as):
    route = f.CallRouteFactory()
    member = f.ExtensionFactory()
    marketer = api_as("marketer")
    response = marketer.patch(f"/api/v1/call-routes/{route.pk}/", {"members": [member.pk], "kind": "queue"})
    assert response.status_code == 200, response.content
    assert [m["extension"] for m in response.json()["members"]] == [member.extension]
    assert list(route.members.all()) == [member]
    assert marketer.patch(f"{NUMBERS}{route.number_id}/", {"notes": "x"}).status_code == 403


def test_call_routes_are_filtered_by_a_member_department(admin_api):
    route = _route_with_members()
    f.CallRouteFactory()
    department = route.members.first().department
    assert _ids(admin_api.get("/api/v1/call-routes/", {"department": department.pk})) == {route.pk}


def test_the_browsable_api_offers_a_form_listing_the_choices_for_references(client_as):
    number = f.PhoneNumberFactory(city=f.CityFactory(name="Уфа"))
    response = client_as("admin").get(f"{NUMBERS}{number.pk}/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert f'<option value="{number.city_id}"' in response.content.decode()
