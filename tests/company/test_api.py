"""REST API of the company structure: /api/v1/cities/, departments/, employees/."""

from __future__ import annotations

import pytest

from apps.company.models import City, Department, Employee
from tests import factories as f
from tests.api_crud import ApiResource, check_crud_cycle, check_list_queries, check_refusal

RESOURCES = [
    ApiResource(
        "company-api:city",
        City,
        create=lambda: {"name": "Казань", "timezone": "Europe/Moscow", "area_code": "843"},
        update={"area_code": "8432"},
        invalid=lambda: ({"name": "Марс", "timezone": "Mars/Olympus", "area_code": "843"}, "timezone"),
        make=f.CityFactory,
    ),
    ApiResource(
        "company-api:department",
        Department,
        create=lambda: {
            "code": "KZN-01",
            "name": "Салон на Баумана",
            "kind": "salon",
            "city": f.CityFactory().pk,
            "address": "Казань, ул. Баумана, 44",
            "cost_centre": "CC-101",
        },
        update={"name": "Салон на Кремлёвской"},
        invalid=lambda: ({"code": "UFA-01", "name": "Салон", "city": 999_999}, "city"),
        make=f.DepartmentFactory,
    ),
    ApiResource(
        "company-api:employee",
        Employee,
        create=lambda: {
            "name": "Гульнара Хайруллина",
            "department": f.DepartmentFactory().pk,
            "position": "Продавец-консультант",
            "email": "g.khairullina@example.ru",
        },
        update={"position": "Старший продавец"},
        invalid=lambda: (
            {"name": "Иван Петров", "department": f.DepartmentFactory().pk, "email": "not-an-address"},
            "email",
        ),
        make=f.EmployeeFactory,
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


def test_departments_are_filtered_by_city_searched_and_ordered(admin_api):
    kazan, ufa = f.CityFactory(name="Казань"), f.CityFactory(name="Уфа")
    f.DepartmentFactory(code="KZN-02", name="Салон в ТЦ Мега", city=kazan)
    f.DepartmentFactory(code="KZN-01", name="Салон на Баумана", city=kazan)
    f.DepartmentFactory(code="UFA-01", name="Салон на Ленина", city=ufa)
    url = "/api/v1/departments/"

    in_kazan = admin_api.get(url, {"city": kazan.pk, "ordering": "code"}).json()["results"]
    assert [d["code"] for d in in_kazan] == ["KZN-01", "KZN-02"]
    assert in_kazan[0]["city"]["name"] == "Казань"

    found = admin_api.get(url, {"search": "Ленина"}).json()["results"]
    assert [d["code"] for d in found] == ["UFA-01"]

    newest_code_first = admin_api.get(url, {"ordering": "-code"}).json()["results"]
    assert [d["code"] for d in newest_code_first] == ["UFA-01", "KZN-02", "KZN-01"]


def test_employees_are_filtered_by_the_city_of_their_department(admin_api):
    kazan_staff = f.EmployeeFactory(department=f.DepartmentFactory(city=f.CityFactory(name="Казань")))
    f.EmployeeFactory(department=f.DepartmentFactory(city=f.CityFactory(name="Уфа")))
    results = admin_api.get("/api/v1/employees/", {"city": kazan_staff.department.city_id}).json()["results"]
    assert [e["id"] for e in results] == [kazan_staff.pk]
    assert results[0]["department"]["code"] == kazan_staff.department.code


def test_a_page_size_can_be_asked_for(admin_api):
    for _ in range(3):
        f.CityFactory()
    page = admin_api.get("/api/v1/cities/", {"page_size": 2}).json()
    assert page["count"] == 3
    assert len(page["results"]) == 2
    assert page["next"]


def test_deleting_a_city_that_still_has_salons_is_refused_with_a_reason(admin_api):
    department = f.DepartmentFactory()
    response = admin_api.delete(f"/api/v1/cities/{department.city_id}/")
    assert response.status_code == 409
    assert "departments" in response.json()["detail"]
    assert City.objects.filter(pk=department.city_id).exists()


def test_two_employees_of_one_name_in_one_department_are_refused(admin_api):
    existing = f.EmployeeFactory(name="Анна Смирнова")
    response = admin_api.post(
        "/api/v1/employees/", {"name": "Анна Смирнова", "department": existing.department_id}
    )
    assert response.status_code == 400
    assert Employee.objects.filter(name="Анна Смирнова").count() == 1


def test_the_lawyer_reads_salons_but_not_staff(api_as):
    f.EmployeeFactory()
    lawyer = api_as("lawyer")
    assert lawyer.get("/api/v1/departments/").status_code == 200
    assert lawyer.get("/api/v1/employees/").status_code == 403
