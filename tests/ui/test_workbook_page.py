"""The admin's "Import inventory workbook" page: all or nothing, every problem named where it is."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.company.models import City, Department
from tests.ui.workbooks import write_workbook

URL = "core:workbook-import"


def _upload(client, path, **data):
    with path.open("rb") as handle:
        return client.post(reverse(URL), {"workbook": handle, **data})


def test_the_admin_imports_a_workbook_and_everything_is_written(client_as, tmp_path):
    response = _upload(client_as("admin"), write_workbook(tmp_path / "inventory.xlsx"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Imported: 5 new, 0 changed, 0 unchanged." in page
    assert set(City.objects.values_list("name", flat=True)) == {"Тольятти", "Сочи"}
    assert Department.objects.filter(city__name="Тольятти").count() == 2
    assert reverse("company:city-list") in page


def test_a_bad_row_is_named_by_sheet_row_and_column_and_nothing_is_written(client_as, tmp_path):
    response = _upload(client_as("admin"), write_workbook(tmp_path / "inventory.xlsx", bad_timezone=True))
    page = response.content.decode()
    assert "nothing was written" in page
    assert '<td>cities</td><td class="num">3</td><td>timezone</td>' in page
    assert "Mars/Olympus" in page
    assert not City.objects.exists()
    assert not Department.objects.exists()


def test_checking_only_writes_nothing(client_as, tmp_path):
    response = _upload(client_as("admin"), write_workbook(tmp_path / "inventory.xlsx"), dry_run="on")
    assert "it would add 5 and change 0. Nothing was written." in response.content.decode()
    assert not City.objects.exists()


def test_a_file_that_is_not_a_workbook_is_refused_next_to_the_field(client_as):
    upload = SimpleUploadedFile("cities.csv", b"name,timezone,area_code\n", content_type="text/csv")
    page = client_as("admin").post(reverse(URL), {"workbook": upload}).content.decode()
    assert 'aria-invalid="true"' in page
    assert 'id="id_workbook-errors"' in page
    assert "cities.csv is not an .xlsx workbook." in page


def test_a_damaged_workbook_is_reported_not_crashed_on(client_as):
    upload = SimpleUploadedFile(
        "inventory.xlsx", b"PK\x03\x04 not really a zip", content_type="application/zip"
    )
    response = client_as("admin").post(reverse(URL), {"workbook": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "inventory.xlsx" in page
    assert "nothing was written" in page


def test_only_the_admin_sees_the_import_link(client_as):
    assert reverse(URL) in client_as("admin").get(reverse("dashboard")).content.decode()
    assert reverse(URL) not in client_as("accounting").get(reverse("dashboard")).content.decode()
