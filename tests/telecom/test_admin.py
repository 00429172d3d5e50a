"""The admin panel: every inventory model is listed, searchable, and imports CSV/XLSX dry-run first."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.company.models import City
from apps.telecom.models import PhoneNumber
from tests import factories as f

pytestmark = pytest.mark.django_db


def make_route(n: int):
    route = f.CallRouteFactory()
    route.members.add(*[f.ExtensionFactory() for _ in range(n)])
    return route


def make_extension():
    department = f.DepartmentFactory()
    return f.ExtensionFactory(
        department=department,
        employee=f.EmployeeFactory(department=department),
        pbx_account=f.PbxAccountFactory(),
    )


def make_number():
    return f.PhoneNumberFactory(
        intermediary=f.ProviderFactory(kind="pbx_provider"), pbx_account=f.PbxAccountFactory()
    )


# model label → (factory making one row, a search term that finds the row made by it)
CHANGELISTS = {
    "company.city": (lambda: f.CityFactory(name="Казань"), "Казань"),
    "company.department": (lambda: f.DepartmentFactory(code="KZN-01"), "KZN-01"),
    "company.employee": (lambda: f.EmployeeFactory(name="Гульнара Хасанова"), "Хасанова"),
    "telecom.provider": (lambda: f.ProviderFactory(name="Таттелеком"), "Таттелеком"),
    "telecom.pbxaccount": (lambda: f.PbxAccountFactory(account_id="oblako-42"), "oblako-42"),
    "telecom.phonenumber": (lambda: f.PhoneNumberFactory(number="+78432000077"), "8 (843) 200-00-77"),
    "telecom.numberassignment": (
        lambda: f.NumberAssignmentFactory(number=f.PhoneNumberFactory(number="+78432000078")),
        "+78432000078",
    ),
    "telecom.line": (lambda: f.LineFactory(name="trunk-kazan-main"), "kazan-main"),
    "telecom.extension": (lambda: f.ExtensionFactory(extension="4321"), "4321"),
    "telecom.device": (lambda: f.DeviceFactory(serial="YL31-777"), "YL31-777"),
    "telecom.callroute": (
        lambda: f.CallRouteFactory(number=f.PhoneNumberFactory(number="+78432000079")),
        "200-00-79",
    ),
}
FILLERS = {
    "company.employee": f.EmployeeFactory,
    "telecom.phonenumber": make_number,
    "telecom.numberassignment": f.NumberAssignmentFactory,
    "telecom.extension": make_extension,
    "telecom.device": lambda: f.DeviceFactory(employee=f.EmployeeFactory()),
    "telecom.callroute": lambda: make_route(2),
    "telecom.line": lambda: f.LineFactory(department=f.DepartmentFactory()),
    "telecom.pbxaccount": f.PbxAccountFactory,
    "company.department": f.DepartmentFactory,
    "company.city": f.CityFactory,
    "telecom.provider": f.ProviderFactory,
}


def changelist(label: str) -> str:
    app, model = label.split(".")
    return reverse(f"admin:{app}_{model}_changelist")


def test_every_inventory_model_has_an_admin_page():
    from django.apps import apps
    from django.contrib import admin

    for app in ("company", "telecom"):
        for model in apps.get_app_config(app).get_models():
            assert admin.site.is_registered(model), model
            assert model._meta.label_lower in CHANGELISTS


@pytest.mark.parametrize("label", sorted(CHANGELISTS))
def test_changelist_search_finds_the_row(client_as, label):
    make, term = CHANGELISTS[label]
    obj = make()
    FILLERS[label]()
    response = client_as("admin").get(changelist(label), {"q": term})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [obj]


@pytest.mark.parametrize("label", sorted(CHANGELISTS))
def test_changelist_query_count_does_not_grow_with_rows(client_as, label):
    client = client_as("admin")
    FILLERS[label]()
    client.get(changelist(label))  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as one:
        assert client.get(changelist(label)).status_code == 200
    for _ in range(5):
        FILLERS[label]()
    with CaptureQueriesContext(connection) as six:
        assert client.get(changelist(label)).status_code == 200
    assert len(six) == len(one), [q["sql"] for q in six.captured_queries]


@pytest.mark.parametrize("role", ["accounting", "marketer", "lawyer", None])
def test_admin_panel_is_only_for_the_admin_role(client_as, role):
    response = client_as(role).get(changelist("company.city"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def format_index(response, name: str) -> str:
    choices = response.context["form"].fields["format"].choices
    return next(str(value) for value, label in choices if label.lower() == name)


CITIES_CSV = "name,timezone,area_code\nКазань,Europe/Moscow,843\nУфа,Asia/Yekaterinburg,347\n".encode()


def test_admin_import_shows_a_dry_run_then_writes_on_confirm(client_as):
    client = client_as("admin")
    url = reverse("admin:company_city_import")
    form_page = client.get(url)
    assert [label for value, label in form_page.context["form"].fields["format"].choices if value != ""] == [
        "csv",
        "xlsx",
    ]

    preview = client.post(
        url, {"import_file": upload("cities.csv", CITIES_CSV), "format": format_index(form_page, "csv")}
    )

    assert preview.status_code == 200
    assert not preview.context["result"].has_validation_errors()
    assert City.objects.count() == 0  # the dry run wrote nothing
    confirm = preview.context["confirm_form"]
    done = client.post(reverse("admin:company_city_process_import"), confirm.initial)
    assert done.status_code == 302
    assert sorted(City.objects.values_list("name", flat=True)) == ["Казань", "Уфа"]


def test_admin_xlsx_import_of_numbers_normalises_them(client_as):
    f.CityFactory(name="Казань")
    f.ProviderFactory(name="Таттелеком")
    book = openpyxl.Workbook()
    book.active.append(["number", "kind", "city", "carrier", "intermediary", "monthly_fee", "status"])
    book.active.append(["8 (843) 200-00-01", "geographic", "Казань", "Таттелеком", "", "450.00", "active"])
    buffer = io.BytesIO()
    book.save(buffer)
    client = client_as("admin")
    url = reverse("admin:telecom_phonenumber_import")
    fmt = format_index(client.get(url), "xlsx")
    preview = client.post(url, {"import_file": upload("numbers.xlsx", buffer.getvalue()), "format": fmt})
    assert not preview.context["result"].has_validation_errors()
    client.post(reverse("admin:telecom_phonenumber_process_import"), preview.context["confirm_form"].initial)
    assert PhoneNumber.objects.get().number == "+78432000001"


def test_admin_import_with_a_bad_row_names_row_and_column_and_writes_nothing(client_as):
    f.CityFactory(name="Казань")
    f.ProviderFactory(name="Таттелеком")
    content = (
        "number,kind,city,carrier,intermediary,monthly_fee,status\n"
        "8 (843) 200-00-01,geographic,Казань,Таттелеком,,450.00,active\n"
        "8 (843) 200-00-02,geographic,Москва,Таттелеком,,450.00,active\n"
    ).encode()
    client = client_as("admin")
    url = reverse("admin:telecom_phonenumber_import")
    fmt = format_index(client.get(url), "csv")
    response = client.post(url, {"import_file": upload("numbers.csv", content), "format": fmt})
    result = response.context["result"]
    [invalid] = result.invalid_rows
    assert invalid.number == 2
    assert "Unknown city 'Москва'" in invalid.error_dict["city"][0]
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert "Unknown city" in response.content.decode()
    assert PhoneNumber.objects.count() == 0


def test_admin_import_with_wrong_columns_says_which_are_required(client_as):
    client = client_as("admin")
    url = reverse("admin:company_city_import")
    fmt = format_index(client.get(url), "csv")
    response = client.post(
        url, {"import_file": upload("cities.csv", b"title,tz\nKazan,Europe/Moscow\n"), "format": fmt}
    )
    text = response.content.decode()
    assert "Missing column(s): name" in text
    assert "found: title, tz" in text
    assert City.objects.count() == 0


def test_admin_export_writes_natural_keys(client_as):
    f.PhoneNumberFactory(number="+78432000001", city=f.CityFactory(name="Казань"))
    client = client_as("admin")
    url = reverse("admin:telecom_phonenumber_export")
    page = client.get(url)
    fmt = format_index(page, "csv")
    data = {
        "format": fmt,
        **{k: True for k, v in page.context["form"].fields.items() if k.startswith("phonenumberresource_")},
    }
    response = client.post(url, data)
    assert response.status_code == 200
    body = response.content.decode("utf-8-sig")
    assert body.splitlines()[0].startswith("number,kind,city,carrier")
    assert "+78432000001,geographic,Казань," in body


def test_admin_confirm_writes_nothing_if_the_data_changed_since_the_dry_run(client_as):
    f.CityFactory(name="Казань")
    carrier = f.ProviderFactory(name="Таттелеком")
    f.ProviderFactory(name="МТС")
    content = (
        "number,kind,city,carrier,intermediary,monthly_fee,status\n"
        "8 (843) 200-00-03,geographic,Казань,МТС,,300.00,active\n"
        "8 (843) 200-00-01,geographic,Казань,Таттелеком,,450.00,active\n"
    ).encode()
    client = client_as("admin")
    url = reverse("admin:telecom_phonenumber_import")
    fmt = format_index(client.get(url), "csv")
    preview = client.post(url, {"import_file": upload("numbers.csv", content), "format": fmt})
    assert not preview.context["result"].has_validation_errors()
    carrier.name = "ПАО Таттелеком"
    carrier.save()

    done = client.post(
        reverse("admin:telecom_phonenumber_process_import"),
        preview.context["confirm_form"].initial,
        follow=True,
    )

    assert PhoneNumber.objects.count() == 0
    assert "Nothing was imported: row 2, column carrier: Unknown provider" in done.content.decode()


@pytest.mark.parametrize("content", [b"<html>not a workbook</html>", b"name,timezone\nKazan,Europe/Moscow\n"])
def test_admin_refuses_a_non_spreadsheet_uploaded_as_xlsx(client_as, content):
    client = client_as("admin")
    url = reverse("admin:company_city_import")
    fmt = format_index(client.get(url), "xlsx")
    response = client.post(url, {"import_file": upload("cities.xlsx", content), "format": fmt})
    assert response.status_code == 200
    assert "not an .xlsx workbook" in response.content.decode()
    assert City.objects.count() == 0
